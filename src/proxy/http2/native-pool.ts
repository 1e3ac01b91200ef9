// A host's HTTP/2 connection pool on our own codec: streams are multiplexed over as few
// connections as the concurrency limit allows (the smaller of the cluster's
// max_concurrent_streams and the peer's SETTINGS), a new connection opens only when every open
// one is full, and the cluster's circuit breakers bound connections and pending requests as for
// HTTP/1.1. The same policy as h2-pool.ts (node:http2), over H2Session.
import { connect as netConnect } from 'node:net';
import type { Http2ProtocolOptions } from '../config/types.js';
import type { Host } from '../upstream/cluster.js';
import { PendingWaiters } from '../upstream/pending-waiters.js';
import type { AttemptWaiter } from '../upstream/upstream-stream.js';
import { MAX_WINDOW } from './frames.js';
import { clusterH2Stats, protectionOptions } from './h2-flood.js';
import { H2Session, type H2SessionOptions } from './h2-session.js';
import { NativeH2UpstreamStream } from './native-upstream.js';

const DEFAULT_MAX_CONCURRENT_STREAMS = 2147483647;
const DEFAULT_WINDOW_SIZE = 268435456;

export class NativeH2Connection {
  active = 0;
  connected = false;
  /** False once the peer sent GOAWAY or the connection failed: no new streams. */
  usable = true;
  idleTimer: NodeJS.Timeout | undefined;
  session!: H2Session;
  constructor(readonly pool: NativeH2Pool) {}

  get capacity(): number {
    return this.connected ? Math.min(this.pool.maxStreams, this.session.peerMaxStreams) : 0;
  }
}

export class NativeH2Pool {
  private readonly conns: NativeH2Connection[] = [];
  private readonly pending: PendingWaiters;
  private connecting = 0;
  readonly maxStreams: number;
  private readonly sessionOpts: H2SessionOptions;
  private closed = false;

  constructor(private readonly host: Host, opts: Http2ProtocolOptions | undefined) {
    this.pending = new PendingWaiters(host.cluster);
    this.maxStreams = opts?.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS;
    this.sessionOpts = {
      ...protectionOptions(opts, clusterH2Stats(host.cluster.stats)),
      maxConcurrentStreams: 0, // we accept no pushed streams
      streamWindow: Math.min(opts?.initialStreamWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW),
      connectionWindow: Math.min(opts?.initialConnectionWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW),
      maxHeaderListSize: 65536,
    };
  }

  get connectionCount(): number {
    return this.conns.length;
  }

  acquire(w: AttemptWaiter): void {
    for (const conn of this.conns) {
      if (conn.usable && !conn.session.canOpenStream) this.retire(conn);
      if (conn.usable && conn.active < conn.capacity) {
        this.assign(conn, w);
        return;
      }
    }
    if (this.pending.add(w)) this.maybeConnect();
  }

  private assign(conn: NativeH2Connection, w: AttemptWaiter): void {
    conn.active++;
    if (conn.idleTimer !== undefined) {
      clearTimeout(conn.idleTimer);
      conn.idleTimer = undefined;
    }
    w.onPoolReady(new NativeH2UpstreamStream(conn), this.host);
  }

  cancel(w: AttemptWaiter): void {
    this.pending.cancel(w);
  }

  /** A stream on `conn` ended: its slot goes to a waiter or back to the pool. */
  release(conn: NativeH2Connection): void {
    conn.active--;
    this.serve(conn);
    if (conn.active === 0 && conn.usable && conn.idleTimer === undefined) {
      const c = this.host.cluster;
      conn.idleTimer = setTimeout(() => {
        conn.idleTimer = undefined;
        if (conn.active !== 0) return;
        c.stats.upstream_cx_idle_timeout++;
        conn.usable = false;
        conn.session.shutdown();
      }, c.idleTimeoutMs);
      conn.idleTimer.unref();
    }
  }

  /** A connection that ran out of stream ids (or was told to go away) takes no new streams. */
  private retire(conn: NativeH2Connection): void {
    conn.usable = false;
    conn.session.shutdown();
  }

  private serve(conn: NativeH2Connection): void {
    if (conn.usable && conn.connected && !conn.session.canOpenStream) this.retire(conn);
    while (this.pending.length > 0 && conn.usable && conn.active < conn.capacity) this.assign(conn, this.pending.shift()!);
    if (this.pending.length > 0) this.maybeConnect();
  }

  private maybeConnect(): void {
    const c = this.host.cluster;
    // One connection attempt covers up to maxStreams waiters.
    if (this.closed || this.connecting * this.maxStreams >= this.pending.length || !c.openConnection()) return;
    this.connecting++;
    c.stats.upstream_cx_http2_total++;
    // Nagle would hold small frames back for the peer's delayed ACK (tens of ms per request).
    const socket = netConnect(this.host.connectOptions());
    const conn = new NativeH2Connection(this);
    this.conns.push(conn);
    const timer = setTimeout(() => {
      if (!conn.connected) {
        c.stats.upstream_cx_connect_timeout++;
        socket.destroy();
      }
    }, c.connectTimeoutMs);
    conn.session = new H2Session(socket, false, this.sessionOpts, {
      onRemoteSettings: () => {
        if (!conn.connected) {
          clearTimeout(timer);
          this.connecting--;
          conn.connected = true;
        }
        // The peer's SETTINGS may raise (or lower) the concurrency limit.
        this.serve(conn);
      },
      onGoaway: () => { conn.usable = false; },
      onClose: () => {
        clearTimeout(timer);
        if (conn.idleTimer !== undefined) clearTimeout(conn.idleTimer);
        conn.usable = false;
        c.closeConnection();
        const i = this.conns.indexOf(conn);
        if (i >= 0) this.conns.splice(i, 1);
        if (!conn.connected) {
          this.connecting--;
          c.stats.upstream_cx_connect_fail++;
          // As for HTTP/1.1: a failed attempt fails the requests it was opened for.
          for (const w of this.pending.take(this.maxStreams)) w.onPoolFailure('connect_failure');
        }
        if (this.pending.length > 0) this.maybeConnect();
      },
    });
    // The preface and SETTINGS are queued now and leave once the socket connects.
    conn.session.start();
  }

  drain(): void {
    this.closed = true;
    for (const conn of this.conns) {
      conn.usable = false;
      // Streams in flight finish; GOAWAY stops new ones.
      conn.session.shutdown();
    }
    for (const w of this.pending.take()) w.onPoolFailure('connect_failure');
  }
}
