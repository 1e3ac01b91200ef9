// Envoy's `http2_protocol_options.connection_keepalive` for one connection: a PING every
// `interval` (plus up to `interval_jitter` percent), and the connection aborted (no GOAWAY, as
// Envoy closes it) when no ACK arrives within `timeout`. Any frame received while waiting extends
// the wait, as Envoy does against head-of-line blocking. On a client connection,
// `connection_idle_interval` sends a PING before a new stream goes out on a connection that has
// received nothing for that long, so a dead peer is found and the stream reset (and retried by
// the router's policy) instead of hanging.
import { randomBytes } from 'node:crypto';
import { ACK, T } from './frames.js';

export interface KeepaliveOptions {
  /** 0 or absent: no interval PINGs. */
  readonly intervalMs?: number;
  readonly timeoutMs: number;
  /** Envoy default 15 (percent of the interval). */
  readonly jitterPercent?: number;
  readonly idleIntervalMs?: number;
}

export interface KeepaliveSession {
  ping(data: Buffer): void;
  /** The peer did not answer: drop the connection. */
  keepaliveTimeout(): void;
}

export class Keepalive {
  private intervalTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private awaiting: Buffer | undefined;
  private sentAt = 0;
  private lastFrameAt = performance.now();
  private stopped = false;

  constructor(private readonly session: KeepaliveSession, private readonly opts: KeepaliveOptions) {
    this.scheduleInterval();
  }

  private scheduleInterval(): void {
    const i = this.opts.intervalMs ?? 0;
    if (i <= 0 || this.stopped) return;
    const jitter = ((this.opts.jitterPercent ?? 15) / 100) * i * Math.random();
    this.intervalTimer = setTimeout(() => {
      this.intervalTimer = undefined;
      this.send();
    }, i + jitter);
    this.intervalTimer.unref();
  }

  /** Sends a PING unless one is already unanswered. */
  send(): void {
    if (this.awaiting !== undefined || this.stopped) return;
    const data = randomBytes(8);
    this.awaiting = data;
    this.sentAt = performance.now();
    this.session.ping(data);
    this.armTimeout(this.opts.timeoutMs);
  }

  private armTimeout(ms: number): void {
    this.timeoutTimer = setTimeout(() => {
      this.timeoutTimer = undefined;
      // Frames that arrived meanwhile prove the peer alive: wait a full timeout from the last one.
      const since = performance.now() - this.lastFrameAt;
      if (this.lastFrameAt > this.sentAt && since < this.opts.timeoutMs) return this.armTimeout(this.opts.timeoutMs - since);
      this.stop();
      this.session.keepaliveTimeout();
    }, Math.max(1, ms));
    this.timeoutTimer.unref();
  }

  /** Every inbound frame: a matching PING ACK ends the wait. */
  frameReceived(type: number, flags: number, payload: Buffer): void {
    this.lastFrameAt = performance.now();
    const a = this.awaiting;
    if (a === undefined || type !== T.PING || (flags & ACK) === 0 || !payload.equals(a)) return;
    this.awaiting = undefined;
    if (this.timeoutTimer !== undefined) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    if (this.intervalTimer === undefined) this.scheduleInterval();
  }

  /** Client: a stream is about to open; PING first when the connection has been quiet too long. */
  beforeNewStream(): void {
    const idle = this.opts.idleIntervalMs;
    if (idle !== undefined && idle > 0 && performance.now() - this.lastFrameAt >= idle) this.send();
  }

  stop(): void {
    this.stopped = true;
    if (this.intervalTimer !== undefined) clearTimeout(this.intervalTimer);
    if (this.timeoutTimer !== undefined) clearTimeout(this.timeoutTimer);
    this.intervalTimer = undefined;
    this.timeoutTimer = undefined;
  }
}
