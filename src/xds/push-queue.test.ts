import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PushQueue } from './push-queue.js';
import { pushRequest, type PushRequest } from './push-request.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}
const req = (reason: 'config' | 'endpoint', cfg: string) => pushRequest<never>({ full: reason === 'config', reason, start: 0, configsUpdated: [cfg] });
const tick = () => new Promise((r) => setImmediate(r));

test('never runs more pushes at once than the concurrency limit, and runs them all', async () => {
  const gates = new Map<string, ReturnType<typeof deferred>>();
  let running = 0;
  let maxRunning = 0;
  const done: string[] = [];
  const q = new PushQueue<string, never>(2, async (conn) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    const g = deferred();
    gates.set(conn, g);
    await g.promise;
    running--;
    done.push(conn);
  });
  for (const c of ['a', 'b', 'c', 'd', 'e']) q.enqueue(c, req('config', c));
  assert.equal(q.inFlight, 2);
  assert.equal(q.size, 3);
  for (const c of ['a', 'b', 'c', 'd', 'e']) {
    while (!gates.has(c)) await tick();
    gates.get(c)!.resolve();
  }
  await q.idle();
  assert.equal(maxRunning, 2);
  assert.deepEqual(done, ['a', 'b', 'c', 'd', 'e']);
});

test('a queued connection is pushed once with the merged request', async () => {
  const seen: Array<[string, PushRequest<never>]> = [];
  const block = deferred();
  const q = new PushQueue<string, never>(1, async (conn, r) => {
    seen.push([conn, r]);
    if (conn === 'busy') await block.promise;
  });
  q.enqueue('busy', req('config', 'X/ns/0'));
  q.enqueue('a', req('endpoint', 'E/ns/1'));
  q.enqueue('a', req('config', 'V/ns/2'));
  assert.equal(q.size, 1);
  block.resolve();
  await q.idle();
  assert.equal(seen.length, 2);
  assert.equal(seen[1][0], 'a');
  assert.equal(seen[1][1].full, true);
  assert.deepEqual([...seen[1][1].configsUpdated].sort(), ['E/ns/1', 'V/ns/2']);
});

test('a request for a connection being pushed re-queues it after the push, never concurrently', async () => {
  const order: string[] = [];
  const first = deferred();
  let calls = 0;
  const q = new PushQueue<string, never>(4, async (conn, r) => {
    calls++;
    order.push(`start:${[...r.configsUpdated].join('+')}`);
    if (calls === 1) await first.promise;
    order.push('end');
  });
  q.enqueue('a', req('config', 'one'));
  q.enqueue('a', req('config', 'two'));
  q.enqueue('a', req('config', 'three'));
  assert.equal(q.inFlight, 1);
  first.resolve();
  await q.idle();
  assert.deepEqual(order, ['start:one', 'end', 'start:two+three', 'end']);
});

test('removing a connection drops its queued and follow-up pushes; errors are reported and do not stop the queue', async () => {
  const errors: string[] = [];
  const block = deferred();
  const pushed: string[] = [];
  const q = new PushQueue<string, never>(1, async (conn) => {
    pushed.push(conn);
    if (conn === 'x') await block.promise;
    if (conn === 'bad') throw new Error('boom');
  }, (conn, err) => errors.push(`${conn}:${(err as Error).message}`));
  q.enqueue('x', req('config', '1'));
  q.enqueue('gone', req('config', '1'));
  q.enqueue('bad', req('config', '1'));
  q.enqueue('ok', req('config', '1'));
  q.enqueue('x', req('config', '2'));
  q.remove('gone');
  q.remove('x');
  block.resolve();
  await q.idle();
  assert.deepEqual(pushed, ['x', 'bad', 'ok']);
  assert.deepEqual(errors, ['bad:boom']);
  assert.throws(() => new PushQueue(0, async () => {}), /push concurrency must be at least 1, got 0/);
});
