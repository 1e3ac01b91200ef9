import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore } from './semaphore.js';

/** Acquires in the given order while all slots are held, then releases one at a time: the wake order. */
async function wakeOrder(limit: number, waiters: ReadonlyArray<[string, number | undefined]>): Promise<string[]> {
  const s = new Semaphore(limit);
  const holders = await Promise.all(Array.from({ length: limit }, () => s.acquire()));
  const order: string[] = [];
  const done = waiters.map(async ([name, priority]) => {
    const release = await s.acquire(priority);
    order.push(name);
    release();
  });
  assert.equal(s.waiting, waiters.length);
  for (const r of holders) r();
  await Promise.all(done);
  assert.equal(s.inUse, 0);
  return order;
}

test('waiters are served by priority, then in arrival order', async (t) => {
  const cases: Array<[string, number, Array<[string, number | undefined]>, string[]]> = [
    ['no priorities: first come, first served', 1, [['a', undefined], ['b', undefined], ['c', undefined]], ['a', 'b', 'c']],
    ['lower value first', 1, [['late', 9], ['early', 1], ['mid', 5]], ['early', 'mid', 'late']],
    ['equal priorities keep arrival order', 1, [['a', 2], ['b', 1], ['c', 2], ['d', 1], ['e', 2]], ['b', 'd', 'a', 'c', 'e']],
    ['many waiters (heap order holds)', 2, Array.from({ length: 40 }, (_, i) => [`w${i}`, (i * 7) % 10] as [string, number]),
      Array.from({ length: 40 }, (_, i) => i).sort((x, y) => ((x * 7) % 10) - ((y * 7) % 10) || x - y).map((i) => `w${i}`)],
  ];
  for (const [name, limit, waiters, want] of cases) {
    await t.test(name, async () => assert.deepEqual(await wakeOrder(limit, waiters), want));
  }
});

test('a slot is held until released, released twice counts once, and a limit below 1 is refused', async () => {
  const s = new Semaphore(2);
  const a = await s.acquire();
  const b = await s.acquire();
  assert.equal(s.inUse, 2);
  let third = false;
  const c = s.acquire(0).then((r) => { third = true; return r; });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false);
  a();
  a();
  const rc = await c;
  assert.equal(third, true);
  assert.equal(s.inUse, 2);
  b();
  rc();
  assert.equal(s.inUse, 0);
  assert.throws(() => new Semaphore(0), /at least 1/);
});

test('weighted: units fit under the limit, an oversized holder goes alone, resize wakes waiters', async () => {
  const s = new Semaphore(10);
  const a = await s.acquire(0, 6);
  const woke: string[] = [];
  const b = s.acquire(0, 6).then((r) => { woke.push('b'); return r; });
  // Behind b in order: waits although 3 would fit (earliest first, no overtaking).
  const c = s.acquire(1, 3).then((r) => { woke.push('c'); return r; });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(woke, []);
  a.resize(2); // the estimate was high: b (6) now fits beside it
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(woke, ['b']);
  assert.equal(s.inUse, 8);
  const rb = await b;
  rb.resize(12); // more than the limit once its real size is known: nothing else fits
  a();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(woke, ['b']);
  rb();
  const rc = await c;
  assert.deepEqual(woke, ['b', 'c']);
  assert.equal(s.inUse, 3);
  rc();
  // An oversized request is admitted when nothing else is held.
  const big = await s.acquire(0, 50);
  assert.equal(s.inUse, 50);
  big();
  assert.equal(s.inUse, 0);
});
