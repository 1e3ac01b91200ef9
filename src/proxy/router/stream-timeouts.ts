// One stream's HTTP connection manager timeouts, on the shared coarse ticker:
// - `stream_idle_timeout` (Envoy default 5 min, Istio sets 0): no request or response bytes for
//   that long ends the stream: 408 while the response has not started, a reset after;
// - `request_timeout` (default off): the whole request must arrive within it; disarmed when the
//   request is complete or the response starts; 408 when it fires.
// Activity only copies the ticker's clock (20 ms granularity, no call); the deadline re-arms itself
// when it passes with activity since, so a busy stream costs no timer operations.
import { NOT_ARMED, type CoarseTimers, type Deadline } from '../coarse-timers.js';

export interface StreamTimeoutOwner {
  onStreamIdleTimeout(): void;
  onRequestTimeout(): void;
}

export class StreamTimeouts implements Deadline {
  deadline = 0;
  timerSlot = NOT_ARMED;
  private lastActivity: number;
  private requestDeadline: number;

  constructor(
    private readonly owner: StreamTimeoutOwner,
    private readonly timers: CoarseTimers,
    private readonly idleMs: number,
    requestMs: number,
    now: number,
  ) {
    this.lastActivity = now;
    this.requestDeadline = requestMs > 0 ? now + requestMs : Infinity;
    this.schedule();
  }

  /** Request or response bytes moved. */
  touch(): void {
    const t = this.timers.now;
    if (t > this.lastActivity) this.lastActivity = t;
  }

  /** The request is complete or the response has started: `request_timeout` no longer applies. */
  requestEnded(): void {
    this.requestDeadline = Infinity;
  }

  stop(): void {
    this.timers.delete(this);
  }

  onDeadline(): void {
    const now = performance.now();
    if (this.requestDeadline <= now) return this.owner.onRequestTimeout();
    if (this.idleMs > 0 && this.lastActivity + this.idleMs <= now) return this.owner.onStreamIdleTimeout();
    this.schedule();
  }

  private schedule(): void {
    const idle = this.idleMs > 0 ? this.lastActivity + this.idleMs : Infinity;
    this.deadline = Math.min(idle, this.requestDeadline);
    if (this.deadline !== Infinity) this.timers.add(this);
  }
}
