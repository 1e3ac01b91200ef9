// A cluster at run time: its endpoints (hosts), the load balancer that picks one, each host's
// keep-alive connection pool, and the circuit breakers that bound connections, pending and
// active requests across the cluster (overflow is answered 503 with flag UO).
import type { ClusterConfig, ClusterLoadAssignment, HealthStatus, LbEndpoint, LbPolicy } from '../config/types.js';
import { LoadBalancer, type LbHost, type PickContext } from './load-balancer.js';
import { HostOutlierState, OutlierDetector, OutlierStats } from './outlier-detection.js';
import type { ClusterStats } from '../stats.js';
import { UpstreamConnection } from './connection.js';
import type { AttemptWaiter } from './upstream-stream.js';
import { OriginalDstHosts } from './original-dst-hosts.js';
import { PendingWaiters } from './pending-waiters.js';
import { DnsHosts } from './dns-hosts.js';
import { housekeeping } from '../coarse-timers.js';

const DEFAULT_THRESHOLD = 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;
const DEFAULT_PANIC_THRESHOLD = 50;

function isHealthy(s: HealthStatus | undefined): boolean {
  return s === undefined || s === 'UNKNOWN' || s === 'HEALTHY';
}

function localityKey(ep: LbEndpoint): string {
  const l = ep.locality;
  return l === undefined ? '' : `${l.region ?? ''}/${l.zone ?? ''}/${l.subZone ?? ''}`;
}

const DEFAULT_MAX_RETRIES = 3;

export class Host {
  /** Requests currently assigned to this host (LEAST_REQUEST compares these). */
  activeRequests = 0;
  private readonly idle: UpstreamConnection[] = [];
  private readonly pending: PendingWaiters;
  private connecting = 0;
  healthy: boolean;
  weight: number;
  priority: number;
  localityKey: string;
  localityWeight: number | undefined;
  readonly addedAt = performance.now();
  readonly outlier = new HostOutlierState();
  /** The host's HTTP/2 pool when the cluster speaks HTTP/2 upstream (created on first use). */
  multiplexed: { drain(): void } | undefined;

  /** `address` changes only for a LOGICAL_DNS host: its new connections follow the latest answer. */
  constructor(readonly cluster: Cluster, public address: string, readonly port: number, ep: LbEndpoint) {
    this.pending = new PendingWaiters(cluster);
    this.healthy = isHealthy(ep.healthStatus);
    this.weight = ep.weight ?? 1;
    this.priority = ep.priority ?? 0;
    this.localityKey = localityKey(ep);
    this.localityWeight = ep.localityWeight;
  }

  /** Healthy and not ejected by outlier detection: what the load balancer may pick outside panic. */
  get available(): boolean {
    return this.healthy && !this.outlier.ejected;
  }

  get key(): string {
    return `${this.address}:${this.port}`;
  }

  /** upstream_bind_config: the source address of connections to this host. */
  get localAddress(): string | undefined {
    return this.cluster.config.upstreamBindAddress;
  }

  /** Options for `net.connect` to this host (every upstream codec connects through them). */
  connectOptions(): { host: string; port: number; noDelay: true; localAddress?: string } {
    const local = this.cluster.config.upstreamBindAddress;
    return local === undefined ? { host: this.address, port: this.port, noDelay: true } : { host: this.address, port: this.port, noDelay: true, localAddress: local };
  }

  /** Hands `w` an idle connection now, or queues it and opens a connection if the breakers allow. */
  acquire(w: AttemptWaiter): void {
    while (this.idle.length > 0) {
      const conn = this.idle.pop()!;
      if (!conn.closed) {
        w.onPoolReady(conn, this);
        return;
      }
    }
    if (this.pending.add(w)) this.maybeConnect();
  }

  /** Withdraws a waiter that gave up (downstream closed, timeout). */
  cancel(w: AttemptWaiter): void {
    this.pending.cancel(w);
  }

  private maybeConnect(): void {
    const c = this.cluster;
    if (this.connecting >= this.pending.length || !c.openConnection()) return;
    this.connecting++;
    const conn = new UpstreamConnection(this, this.address, this.port, (cx) => {
      clearTimeout(timer);
      this.connecting--;
      this.release(cx);
    }, (cx, hadReceiver, connected) => this.onClosed(cx, hadReceiver, connected));
    // Declared after the connection: its callbacks only run on a later tick.
    const timer = setTimeout(() => {
      if (!conn.connected) {
        c.stats.upstream_cx_connect_timeout++;
        conn.destroy();
      }
    }, c.connectTimeoutMs);
  }

  private onClosed(conn: UpstreamConnection, _hadReceiver: boolean, connected: boolean): void {
    const c = this.cluster;
    c.closeConnection();
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    if (!connected) {
      this.connecting--;
      c.stats.upstream_cx_connect_fail++;
      // Envoy fails the pending requests of a pool whose connection attempt failed.
      this.pending.shift()?.onPoolFailure('connect_failure');
    }
    if (this.pending.length > 0) this.maybeConnect();
  }

  /** Returns a connection after a response: to the next waiter, to the idle stack, or closed. */
  release(conn: UpstreamConnection): void {
    const c = this.cluster;
    if (!conn.reusable || (c.maxRequestsPerConnection > 0 && conn.requests >= c.maxRequestsPerConnection)) {
      if (conn.reusable) c.stats.upstream_cx_max_requests++;
      conn.destroy();
      return;
    }
    const w = this.pending.shift();
    if (w !== undefined) {
      w.onPoolReady(conn, this);
      return;
    }
    conn.idleSince = Date.now();
    this.idle.push(conn);
  }

  /** Closes connections idle for longer than the cluster's idle timeout. */
  sweepIdle(now: number): void {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const conn = this.idle[i];
      if (now - conn.idleSince >= this.cluster.idleTimeoutMs) {
        this.idle.splice(i, 1);
        this.cluster.stats.upstream_cx_idle_timeout++;
        conn.destroy();
      }
    }
  }

  drain(): void {
    this.multiplexed?.drain();
    this.multiplexed = undefined;
    for (const conn of this.idle.splice(0)) conn.destroy();
    for (const w of this.pending.take()) w.onPoolFailure('connect_failure');
  }
}

/**
 * Hosts, balancer, outlier detector and idle sweep exist from a cluster's first pick on: a sidecar
 * of a 1,000-service mesh holds ~1,850 clusters and sends traffic to a handful. Until then the
 * endpoints wait as EDS delivered them, and the membership gauges are counted from them (nothing
 * can have been ejected yet). Clusters with slow start (which counts from when a host joined) and
 * ORIGINAL_DST clusters are built at once.
 */
export class Cluster {
  hosts: Host[] = [];
  private lb: LoadBalancer<Host & LbHost> | undefined;
  private waitingEndpoints: ClusterLoadAssignment | undefined;
  private readonly outlierStats: OutlierStats | undefined;
  /** Present only when the cluster configures outlier detection (and has been picked from). */
  outlier: OutlierDetector<Host> | undefined;
  /** ORIGINAL_DST clusters: hosts made per downstream destination instead of from endpoints. */
  readonly originalDst: OriginalDstHosts<Host> | undefined;
  /** STRICT_DNS / LOGICAL_DNS clusters: the resolutions that make the hosts. */
  private readonly dns: DnsHosts | undefined;
  /** Retries in flight, bounded by max_retries or the retry budget. */
  activeRetries = 0;
  private readonly maxRetries: number;
  private readonly retryBudget: { readonly percent: number; readonly min: number } | undefined;
  /** Connections open or opening, bounded by max_connections (openConnection/closeConnection). */
  activeConnections = 0;
  activeRequests = 0;
  pendingRequests = 0;
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxRequestsPerConnection: number;
  readonly lbPolicy: LbPolicy;
  private readonly panicThreshold: number;
  private stopSweeper: (() => void) | undefined;
  private closed = false;

  constructor(readonly config: ClusterConfig, readonly stats: ClusterStats, private readonly random: () => number = Math.random, outlierStats?: OutlierStats) {
    const cb = config.circuitBreakers ?? {};
    this.maxConnections = cb.maxConnections ?? DEFAULT_THRESHOLD;
    this.maxPendingRequests = cb.maxPendingRequests ?? DEFAULT_THRESHOLD;
    this.maxRequests = cb.maxRequests ?? DEFAULT_THRESHOLD;
    this.connectTimeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.maxRequestsPerConnection = config.maxRequestsPerConnection ?? 0;
    this.lbPolicy = config.lbPolicy ?? 'ROUND_ROBIN';
    this.panicThreshold = config.healthyPanicThresholdPercent ?? DEFAULT_PANIC_THRESHOLD;
    this.maxRetries = cb.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.retryBudget = cb.retryBudget === undefined ? undefined : { percent: cb.retryBudget.budgetPercent ?? 20, min: cb.retryBudget.minRetryConcurrency ?? 3 };
    if (config.outlierDetection !== undefined) {
      this.outlierStats = outlierStats ?? new OutlierStats();
      this.outlierStats.ejections_active = 0;
    }
    const slowStart = this.lbPolicy === 'LEAST_REQUEST' ? config.leastRequestLbConfig?.slowStartConfig : config.roundRobinLbConfig?.slowStartConfig;
    if (slowStart !== undefined || config.type === 'ORIGINAL_DST') this.build();
    if (config.type === 'STRICT_DNS' || config.type === 'LOGICAL_DNS') {
      const la = config.loadAssignment;
      const cla = (endpoints: LbEndpoint[]): ClusterLoadAssignment => ({ clusterName: config.name, endpoints, ...(la?.overprovisioningFactor !== undefined ? { overprovisioningFactor: la.overprovisioningFactor } : {}) });
      this.dns = new DnsHosts(config, stats, {
        setEndpoints: (endpoints) => this.setEndpoints(cla(endpoints)),
        setLogicalAddress: (address, ep) => {
          const host = this.lb === undefined ? undefined : this.hosts[0];
          // Connections already open to the previous address stay in the pool (Envoy's logical host).
          if (host !== undefined) host.address = address;
          else this.setEndpoints(cla([{ ...ep, address }]));
        },
      });
    } else if (config.loadAssignment !== undefined) {
      this.setEndpoints(config.loadAssignment);
    }
    if (config.type === 'ORIGINAL_DST') {
      this.originalDst = new OriginalDstHosts<Host>(config, {
        makeHost: (address, port) => new Host(this, address, port, { address, port }),
        membershipChanged: (hosts) => {
          this.hosts = [...hosts];
          this.stats.membership_total = hosts.length;
          this.stats.membership_healthy = hosts.length;
        },
      });
    }
  }

  /** DNS clusters: their hosts as endpoints with the resolved addresses; undefined for the others. */
  get resolvedEndpoints(): readonly LbEndpoint[] | undefined {
    return this.dns?.endpoints;
  }

  /** DNS clusters: settles when every name was resolved (or failed) once; undefined for the others. */
  get warming(): Promise<void> | undefined {
    return this.dns?.ready;
  }

  /** Makes the balancer, outlier detector and idle sweep, and the hosts of waiting endpoints. */
  private build(): LoadBalancer<Host & LbHost> {
    const config = this.config;
    const random = this.random;
    const lb = new LoadBalancer<Host & LbHost>({
      policy: this.lbPolicy,
      panicThresholdPercent: this.panicThreshold,
      overprovisioningFactor: config.loadAssignment?.overprovisioningFactor ?? 140,
      localityWeighted: config.localityWeightedLb === true,
      slowStart: this.lbPolicy === 'LEAST_REQUEST' ? config.leastRequestLbConfig?.slowStartConfig : config.roundRobinLbConfig?.slowStartConfig,
      choiceCount: config.leastRequestLbConfig?.choiceCount ?? 2,
      minRingSize: config.ringHashLbConfig?.minimumRingSize,
      maxRingSize: config.ringHashLbConfig?.maximumRingSize,
      maglevTableSize: config.maglevLbConfig?.tableSize,
      random,
      now: () => performance.now(),
    });
    this.lb = lb;
    // A request still holding a replaced cluster may pick from it: no timers for a closed cluster.
    if (config.outlierDetection !== undefined && !this.closed) {
      this.outlier = new OutlierDetector<Host>(config.outlierDetection, this.outlierStats!, () => this.hosts, () => this.refresh(), random);
      this.outlier.start();
    }
    const sweepEvery = Math.max(250, Math.min(this.idleTimeoutMs / 4, 60_000));
    if (!this.closed) this.stopSweeper = housekeeping.add(sweepEvery, () => {
      const now = Date.now();
      for (const h of this.hosts) h.sweepIdle(now);
    });
    const waiting = this.waitingEndpoints;
    this.waitingEndpoints = undefined;
    if (waiting !== undefined) this.setEndpoints(waiting);
    return lb;
  }

  /** Replaces the endpoint set (EDS); hosts that stay keep their pooled connections. */
  setEndpoints(cla: ClusterLoadAssignment): void {
    if (this.lb === undefined) {
      this.waitingEndpoints = cla;
      this.stats.membership_total = cla.endpoints.length;
      let healthy = 0;
      for (const ep of cla.endpoints) if (isHealthy(ep.healthStatus)) healthy++;
      this.stats.membership_healthy = healthy;
      return;
    }
    const old = new Map(this.hosts.map((h) => [h.key, h]));
    const next: Host[] = [];
    for (const ep of cla.endpoints) {
      const key = `${ep.address}:${ep.port}`;
      const existing = old.get(key);
      if (existing !== undefined) {
        old.delete(key);
        existing.healthy = isHealthy(ep.healthStatus);
        existing.weight = ep.weight ?? 1;
        existing.priority = ep.priority ?? 0;
        existing.localityKey = localityKey(ep);
        existing.localityWeight = ep.localityWeight;
        next.push(existing);
      } else {
        next.push(new Host(this, ep.address, ep.port, ep));
      }
    }
    for (const gone of old.values()) {
      this.outlier?.removed(gone);
      gone.drain();
    }
    this.hosts = next;
    this.stats.membership_total = next.length;
    this.refresh();
  }

  /** Rebuilds the balancer after membership or health (incl. outlier ejection) changed. */
  private refresh(): void {
    const lb = this.lb!;
    lb.refresh(this.hosts);
    this.stats.membership_healthy = lb.healthyCount;
  }

  /** Takes a retry slot when max_retries (or the retry budget) allows; the caller gives it back. */
  tryRetry(): boolean {
    const b = this.retryBudget;
    const limit = b === undefined ? this.maxRetries : Math.max(b.min, Math.floor(((this.activeRequests + this.pendingRequests) * b.percent) / 100));
    if (this.activeRetries >= limit) return false;
    this.activeRetries++;
    return true;
  }

  /**
   * Takes a connection from the max_connections breaker: false when it is full (counted as
   * upstream_cx_overflow), else the attempt is counted (upstream_cx_total, upstream_cx_active).
   */
  openConnection(): boolean {
    if (this.activeConnections >= this.maxConnections) {
      this.stats.upstream_cx_overflow++;
      return false;
    }
    this.activeConnections++;
    this.stats.upstream_cx_total++;
    this.stats.upstream_cx_active++;
    return true;
  }

  /** Gives back a connection taken by openConnection, when it closes (or never opened). */
  closeConnection(): void {
    this.activeConnections--;
    this.stats.upstream_cx_active--;
    this.stats.upstream_cx_destroy++;
  }

  /** The host for the next request, or undefined when there is none (503 UH). */
  pick(ctx?: PickContext): Host | undefined {
    return this.originalDst === undefined ? (this.lb ?? this.build()).pick(ctx) : this.originalDst.pick(ctx);
  }

  close(): void {
    this.closed = true;
    this.dns?.close();
    this.outlier?.close();
    this.originalDst?.close();
    this.stopSweeper?.();
    this.stopSweeper = undefined;
    for (const h of this.hosts) h.drain();
  }
}
