// Envoy's tcp_proxy network filter: each downstream connection gets one upstream connection to a
// host of the chosen cluster (single or weighted), bytes flow both ways with backpressure,
// a FIN travels to the other side (half-close), and the pair closes after the idle timeout.
import { connect, type Socket } from 'node:net';
import type { TcpProxy } from '../config/types.js';
import type { TcpStats } from '../stats.js';
import { restoredDestination } from '../listener/original-dst.js';
import type { Cluster, Host } from '../upstream/cluster.js';

/** Envoy's default tcp_proxy idle timeout. */
export const DEFAULT_TCP_IDLE_TIMEOUT_MS = 3_600_000;

export interface TcpProxyContext {
  readonly config: TcpProxy;
  readonly stats: TcpStats;
  readonly idleTimeoutMs: number;
  cluster(name: string): Cluster | undefined;
}

export function tcpProxyContext(config: TcpProxy, stats: TcpStats, cluster: (name: string) => Cluster | undefined): TcpProxyContext {
  if (config.cluster === undefined && (config.weightedClusters?.clusters.length ?? 0) === 0) {
    throw new Error(`tcpProxy ${config.statPrefix}: names neither cluster nor weightedClusters`);
  }
  return { config, stats, idleTimeoutMs: config.idleTimeoutMs ?? DEFAULT_TCP_IDLE_TIMEOUT_MS, cluster };
}

function pickClusterName(c: TcpProxy, random: number): string {
  const w = c.weightedClusters?.clusters;
  if (w === undefined || w.length === 0) return c.cluster!;
  const total = w.reduce((s, x) => s + x.weight, 0);
  let r = Math.floor(random * total);
  for (const x of w) {
    if (r < x.weight) return x.name;
    r -= x.weight;
  }
  return w[w.length - 1].name;
}

export class TcpProxySession {
  private upstream: Socket | undefined;
  private cluster: Cluster | undefined;
  private host: Host | undefined;
  private attempts = 0;
  private lastActivity = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private downstreamEnded = false;
  private upstreamEnded = false;
  /** Draining does not cut TCP connections; Envoy waits for them (or the drain timeout). */
  closeAfterResponse = false;

  constructor(private readonly down: Socket, private readonly ctx: TcpProxyContext, private readonly onGone: (s: TcpProxySession) => void) {
    ctx.stats.downstream_cx_total++;
    down.allowHalfOpen = true;
    down.setNoDelay(true);
    // Nothing is read until the upstream connection exists: the kernel buffers and TCP backpressure hold the client.
    down.pause();
    down.on('error', () => { /* 'close' follows */ });
    down.once('close', () => this.close());
    const name = pickClusterName(ctx.config, Math.random());
    const cluster = ctx.cluster(name);
    if (cluster === undefined) {
      ctx.stats.downstream_cx_no_route++;
      this.close();
      return;
    }
    this.cluster = cluster;
    this.connectUpstream();
  }

  private connectUpstream(): void {
    const c = this.cluster!;
    // ORIGINAL_DST (Istio's passthrough clusters): connect where the client was going.
    const host = c.originalDst === undefined ? c.pick() : c.pick({ hash: undefined, attempt: 0, destination: restoredDestination(this.down) });
    if (host === undefined) {
      c.stats.upstream_cx_none_healthy++;
      this.close();
      return;
    }
    if (!c.openConnection()) {
      this.close();
      return;
    }
    this.attempts++;
    this.host = host;
    const up = connect({ ...host.connectOptions(), allowHalfOpen: true });
    this.upstream = up;
    let connected = false;
    const timer = setTimeout(() => {
      c.stats.upstream_cx_connect_timeout++;
      up.destroy();
    }, c.connectTimeoutMs);
    up.on('error', () => { /* 'close' follows */ });
    up.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      this.onUpstreamConnected(up);
    });
    up.once('close', () => {
      clearTimeout(timer);
      c.closeConnection();
      if (this.upstream !== up) return;
      this.upstream = undefined;
      if (!connected && !this.closed) {
        c.stats.upstream_cx_connect_fail++;
        if (this.attempts < (this.ctx.config.maxConnectAttempts ?? 1)) return this.connectUpstream();
      }
      this.close();
    });
  }

  private onUpstreamConnected(up: Socket): void {
    const down = this.down;
    const c = this.cluster!;
    const stats = this.ctx.stats;
    if (this.closed) {
      up.destroy();
      return;
    }
    down.on('data', (d: Buffer) => {
      this.lastActivity = Date.now();
      stats.downstream_cx_rx_bytes_total += d.length;
      c.stats.upstream_cx_tx_bytes_total += d.length;
      if (!up.write(d)) down.pause();
    });
    up.on('data', (d: Buffer) => {
      this.lastActivity = Date.now();
      stats.downstream_cx_tx_bytes_total += d.length;
      c.stats.upstream_cx_rx_bytes_total += d.length;
      if (!down.write(d)) up.pause();
    });
    up.on('drain', () => down.resume());
    down.on('drain', () => up.resume());
    down.once('end', () => {
      this.downstreamEnded = true;
      up.end();
      if (this.upstreamEnded) this.close();
    });
    up.once('end', () => {
      this.upstreamEnded = true;
      down.end();
      if (this.downstreamEnded) this.close();
    });
    this.lastActivity = Date.now();
    this.armIdle(this.ctx.idleTimeoutMs);
    down.resume();
  }

  /** One timer per connection, re-armed lazily: activity only stamps a time. */
  private armIdle(ms: number): void {
    if (this.ctx.idleTimeoutMs <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      const idle = Date.now() - this.lastActivity;
      if (idle >= this.ctx.idleTimeoutMs) {
        this.ctx.stats.idle_timeout++;
        this.close();
      } else {
        this.armIdle(this.ctx.idleTimeoutMs - idle);
      }
    }, ms);
    this.idleTimer.unref();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.down.destroy();
    this.upstream?.destroy();
    this.onGone(this);
  }

  destroy(): void {
    this.close();
  }
}
