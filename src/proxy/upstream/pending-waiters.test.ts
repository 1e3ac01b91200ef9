import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingWaiters, type PendingBudget } from './pending-waiters.js';
import type { AttemptWaiter } from './upstream-stream.js';

function waiter(log: string[], name: string): AttemptWaiter {
  return { onPoolReady: () => log.push(`${name} ready`), onPoolFailure: (r: string) => log.push(`${name} ${r}`) } as unknown as AttemptWaiter;
}

test('pending waiters: the breaker bounds the queue and every slot is given back once', () => {
  const budget: PendingBudget = { pendingRequests: 0, maxPendingRequests: 2, stats: { upstream_rq_pending_total: 0, upstream_rq_pending_active: 0, upstream_rq_pending_overflow: 0 } };
  const log: string[] = [];
  const q = new PendingWaiters(budget);
  const [a, b, c] = ['a', 'b', 'c'].map((n) => waiter(log, n));
  assert.equal(q.add(a), true);
  assert.equal(q.add(b), true);
  assert.equal(q.add(c), false);
  assert.deepEqual(log, ['c overflow']);
  assert.deepEqual([budget.pendingRequests, budget.stats.upstream_rq_pending_active, budget.stats.upstream_rq_pending_total, budget.stats.upstream_rq_pending_overflow], [2, 2, 2, 1]);
  q.cancel(c); // never queued: nothing given back
  assert.equal(budget.pendingRequests, 2);
  assert.equal(q.shift(), a);
  assert.deepEqual(q.take(), [b]);
  assert.deepEqual([q.length, budget.pendingRequests, budget.stats.upstream_rq_pending_active], [0, 0, 0]);
  assert.equal(q.shift(), undefined);
  assert.deepEqual(q.take(), []);
  assert.equal(budget.pendingRequests, 0);
});
