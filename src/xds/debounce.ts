// Coalesces bursts of config events into one push, as Istio's debouncer does: push once no event
// has arrived for `quietMs` (PILOT_DEBOUNCE_AFTER, 100 ms), or at the latest `maxMs` after the first
// event (PILOT_DEBOUNCE_MAX, 10 s). Only one push is in flight at a time: events during a push are
// merged and flushed after it completes.
import type { Clock } from './clock.js';
import { mergePushRequests, type PushRequest } from './push-request.js';

export interface DebounceOptions {
  quietMs: number;
  maxMs: number;
  /** When false, EDS-only (non-full) requests skip debouncing (PILOT_ENABLE_EDS_DEBOUNCE, default true). */
  debounceEds: boolean;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = { quietMs: 100, maxMs: 10_000, debounceEds: true };

export class Debouncer<P> {
  private pending: PushRequest<P> | undefined;
  private firstEventAt = 0;
  private lastEventAt = 0;
  private timer: unknown;
  private busy = false;
  private closed = false;
  /** Number of flushes so far (for /debug and tests). */
  flushes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly flush: (req: PushRequest<P>) => Promise<void> | void,
    private readonly opts: DebounceOptions = DEFAULT_DEBOUNCE,
  ) {}

  push(req: PushRequest<P>): void {
    if (this.closed) return;
    if (!req.full && !this.opts.debounceEds) {
      void this.run(req, false);
      return;
    }
    const now = this.clock.now();
    if (!this.pending) this.firstEventAt = now;
    this.lastEventAt = now;
    this.pending = mergePushRequests(this.pending, req);
    if (this.timer === undefined && !this.busy) this.arm(this.opts.quietMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.pending || this.busy || this.closed) return;
    const now = this.clock.now();
    const quietFor = now - this.lastEventAt;
    const waited = now - this.firstEventAt;
    if (quietFor >= this.opts.quietMs || waited >= this.opts.maxMs) {
      const req = this.pending;
      this.pending = undefined;
      void this.run(req, true);
    } else {
      this.arm(Math.min(this.opts.quietMs - quietFor, this.opts.maxMs - waited));
    }
  }

  private async run(req: PushRequest<P>, serialized: boolean): Promise<void> {
    if (serialized) this.busy = true;
    this.flushes++;
    try {
      await this.flush(req);
    } finally {
      if (serialized) {
        this.busy = false;
        // Events that arrived during the push start a fresh quiet period.
        if (this.pending && this.timer === undefined && !this.closed) this.arm(this.opts.quietMs);
      }
    }
  }
}
