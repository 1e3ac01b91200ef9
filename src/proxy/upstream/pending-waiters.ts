// The requests a pool holds while it has no free connection (HTTP/1.1) or stream (HTTP/2),
// bounded by the cluster's max_pending_requests circuit breaker. Both pools use this one queue so
// pending slots and the upstream_rq_pending_* stats are taken and given back identically.
import type { ClusterStats } from '../stats.js';
import type { AttemptWaiter } from './upstream-stream.js';

/** The slice of a cluster the queue accounts against. */
export interface PendingBudget {
  pendingRequests: number;
  readonly maxPendingRequests: number;
  readonly stats: Pick<ClusterStats, 'upstream_rq_pending_total' | 'upstream_rq_pending_active' | 'upstream_rq_pending_overflow'>;
}

export class PendingWaiters {
  private readonly queue: AttemptWaiter[] = [];

  constructor(private readonly budget: PendingBudget) {}

  get length(): number {
    return this.queue.length;
  }

  /** Queues `w`; when the breaker is full, fails it with `overflow` and returns false. */
  add(w: AttemptWaiter): boolean {
    const b = this.budget;
    if (b.pendingRequests >= b.maxPendingRequests) {
      b.stats.upstream_rq_pending_overflow++;
      w.onPoolFailure('overflow');
      return false;
    }
    this.queue.push(w);
    b.pendingRequests++;
    b.stats.upstream_rq_pending_total++;
    b.stats.upstream_rq_pending_active++;
    return true;
  }

  /** Withdraws a waiter that gave up (downstream closed, timeout). */
  cancel(w: AttemptWaiter): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.released(1);
    }
  }

  /** The oldest waiter, its slot given back; undefined when none wait. */
  shift(): AttemptWaiter | undefined {
    const w = this.queue.shift();
    if (w !== undefined) this.released(1);
    return w;
  }

  /** Removes up to `n` waiters (all by default), oldest first, giving back their slots. */
  take(n = this.queue.length): AttemptWaiter[] {
    const out = this.queue.splice(0, n);
    this.released(out.length);
    return out;
  }

  private released(n: number): void {
    this.budget.pendingRequests -= n;
    this.budget.stats.upstream_rq_pending_active -= n;
  }
}
