// One request's retry bookkeeping: how many retries so far, which hosts were tried (for the
// previous_hosts predicate), the request body kept for re-sending (bounded by the route's buffer
// limit), the back-off timer and the per-try timeout on the shared coarse ticker.
import { NOT_ARMED, type CoarseTimers, type Deadline } from '../coarse-timers.js';
import type { CompiledRetryPolicy } from './retry-policy.js';

export interface RetryOwner {
  onPerTryTimeout(): void;
}

export class RetryRun implements Deadline {
  retries = 0;
  readonly hosts: object[] = [];
  body: Buffer[] | undefined;
  private bodyBytes = 0;
  bodyOverflow = false;
  backoff: NodeJS.Timeout | undefined;
  /** Whether this request holds one of the cluster's retry slots (max_retries / budget). */
  holdsRetry = false;
  private armed = false;
  deadline = 0;
  /** Slot on the shared CoarseTimers while the per-try timeout is armed; -1 otherwise. */
  timerSlot = NOT_ARMED;
  /** URX (limit reached) or UO (retry overflow), added to the request's response flags. */
  flag = '';

  constructor(readonly policy: CompiledRetryPolicy, private readonly limitBytes: number, private readonly owner: RetryOwner) {}

  buffer(data: Buffer): void {
    if (this.bodyOverflow) return;
    this.bodyBytes += data.length;
    if (this.bodyBytes > this.limitBytes) {
      // Envoy stops retrying rather than hold more than the buffer limit.
      this.bodyOverflow = true;
      this.body = undefined;
      return;
    }
    (this.body ??= []).push(data);
  }

  arm(timers: CoarseTimers): void {
    const t = this.policy.perTryTimeoutMs;
    if (t <= 0 || this.armed) return;
    this.armed = true;
    this.deadline = performance.now() + t;
    timers.add(this);
  }

  disarm(timers: CoarseTimers): void {
    if (!this.armed) return;
    this.armed = false;
    timers.delete(this);
  }

  onDeadline(): void {
    this.armed = false;
    this.owner.onPerTryTimeout();
  }

  cancel(timers: CoarseTimers): void {
    this.disarm(timers);
    if (this.backoff !== undefined) {
      clearTimeout(this.backoff);
      this.backoff = undefined;
    }
  }
}
