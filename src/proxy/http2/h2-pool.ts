// A host's HTTP/2 connection pool: streams are multiplexed over as few connections as the
// concurrency limit allows (the smaller of the cluster's max_concurrent_streams and the peer's
// SETTINGS), a new connection opens only when every open one is full, and the cluster's circuit
// breakers bound connections and pending requests as for HTTP/1.1.
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect } from 'node:net';
import type { Http2ProtocolOptions } from '../config/types.js';
import type { Host } from '../upstream/cluster.js';
import { PendingWaiters } from '../upstream/pending-waiters.js';
import type { AttemptWaiter } from '../upstream/upstream-stream.js';
import { h2Codec } from './codec-choice.js';
import { H2UpstreamStream } from './h2-upstream.js';
import { NativeH2Pool } from './native-pool.js';

export const DEFAULT_MAX_CONCURRENT_STREAMS = 2147483647;
export const DEFAULT_WINDOW_SIZE = 268435456;
/** RFC 9113's largest legal SETTINGS_INITIAL_WINDOW_SIZE. */
const MAX_WINDOW = 2147483647;

export class H2Connection {
  active = 0;
  connected = false;
  /** False once the peer sent GOAWAY or the session failed: no new streams. */
  usable = true;
  constructor(readonly session: ClientHttp2Session, readonly pool: H2Pool) {}

  get capacity(): number {
    const remote = this.connected ? this.session.remoteSettings.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS : 1;
    return Math.min(this.pool.maxStreams, remote);
  }
}

export class H2Pool {
  private readonly conns: H2Connection[] = [];
  private readonly pending: PendingWaiters;
  private connecting = 0;
  readonly maxStreams: number;
  private readonly streamWindow: number;
  private readonly connWindow: number;
  private closed = false;

  constructor(private readonly host: Host, opts: Http2ProtocolOptions | undefined) {
    this.pending = new PendingWaiters(host.cluster);
    this.maxStreams = opts?.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS;
    this.streamWindow = Math.min(opts?.initialStreamWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW);
    this.connWindow = Math.min(opts?.initialConnectionWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW);
  }

  /** The host's pool, created on first use, on the HTTP/2 codec ISTIO_TS_H2_CODEC names. */
  static of(host: Host, opts: Http2ProtocolOptions | undefined): H2Pool | NativeH2Pool {
    let p = host.multiplexed as H2Pool | NativeH2Pool | undefined;
    if (p === undefined) {
      p = h2Codec() === 'native' ? new NativeH2Pool(host, opts) : new H2Pool(host, opts);
      host.multiplexed = p;
    }
    return p;
  }

  get connectionCount(): number {
    return this.conns.length;
  }

  acquire(w: AttemptWaiter): void {
    for (const conn of this.conns) {
      if (conn.connected && conn.usable && conn.active < conn.capacity) {
        conn.active++;
        w.onPoolReady(new H2UpstreamStream(conn), this.host);
        return;
      }
    }
    if (this.pending.add(w)) this.maybeConnect();
  }

  cancel(w: AttemptWaiter): void {
    this.pending.cancel(w);
  }

  /** A stream on `conn` ended: its slot goes to a waiter or back to the pool. */
  release(conn: H2Connection): void {
    conn.active--;
    this.serve(conn);
  }

  private serve(conn: H2Connection): void {
    while (this.pending.length > 0 && conn.connected && conn.usable && conn.active < conn.capacity) {
      const w = this.pending.shift()!;
      conn.active++;
      w.onPoolReady(new H2UpstreamStream(conn), this.host);
    }
    if (this.pending.length > 0) this.maybeConnect();
  }

  private maybeConnect(): void {
    const c = this.host.cluster;
    // One connection attempt covers up to maxStreams waiters.
    if (this.closed || this.connecting * this.maxStreams >= this.pending.length || !c.openConnection()) return;
    this.connecting++;
    c.stats.upstream_cx_http2_total++;
    const { address, port } = this.host;
    const session = connect(`http://${address.includes(':') ? `[${address}]` : address}:${port}`, {
      settings: { enablePush: false, initialWindowSize: this.streamWindow },
      // Nagle would hold small frames back for the peer's delayed ACK (tens of ms per request).
      createConnection: () => netConnect(this.host.connectOptions()),
    });
    const conn = new H2Connection(session, this);
    this.conns.push(conn);
    const timer = setTimeout(() => {
      if (!conn.connected) {
        c.stats.upstream_cx_connect_timeout++;
        session.destroy();
      }
    }, c.connectTimeoutMs);
    session.once('connect', () => {
      clearTimeout(timer);
      this.connecting--;
      conn.connected = true;
      if (this.connWindow > 65535) session.setLocalWindowSize(this.connWindow);
      session.setTimeout(c.idleTimeoutMs, () => {
        if (conn.active === 0) {
          c.stats.upstream_cx_idle_timeout++;
          session.close();
        }
      });
      this.serve(conn);
    });
    // The peer's SETTINGS may raise the limit beyond the single stream allowed before them.
    session.on('remoteSettings', () => this.serve(conn));
    session.on('goaway', () => { conn.usable = false; });
    session.on('error', () => { conn.usable = false; });
    session.once('close', () => {
      clearTimeout(timer);
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
    });
  }

  drain(): void {
    this.closed = true;
    for (const conn of this.conns) {
      conn.usable = false;
      // Streams in flight finish; GOAWAY stops new ones.
      conn.session.close();
    }
    for (const w of this.pending.take()) w.onPoolFailure('connect_failure');
  }
}

export const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_INTERNAL_ERROR } = constants;
