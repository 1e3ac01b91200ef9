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
