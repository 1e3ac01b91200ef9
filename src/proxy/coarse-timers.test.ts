import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoarseTimers, NOT_ARMED, PeriodicTasks, type Deadline } from './coarse-timers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('PeriodicTasks: tasks of one period share one interval, which stops with its last task', async () => {
  const p = new PeriodicTasks();
  const runs = { a: 0, b: 0, c: 0 };
  const stopA = p.add(20, () => { runs.a++; });
  const stopB = p.add(20, () => { runs.b++; });
  const stopC = p.add(35, () => { runs.c++; });
  assert.equal(p.intervals, 2);
  await sleep(130);
  assert.ok(runs.a >= 3 && runs.b >= 3 && runs.c >= 2, JSON.stringify(runs));
  stopA();
  const a = runs.a;
  const b = runs.b;
  await sleep(60);
  assert.equal(runs.a, a, 'a stopped');
  assert.ok(runs.b > b, 'b still runs');
  assert.equal(p.intervals, 2);
  stopB();
  stopC();
  assert.equal(p.intervals, 0);
  stopB();
  assert.equal(p.intervals, 0, 'stopping twice is harmless');
});

function deadline(inMs: number, onDeadline: () => void = () => {}): Deadline {
  return { deadline: performance.now() + inMs, timerSlot: NOT_ARMED, onDeadline };
}

test('CoarseTimers: a deadline fires once, within a tick of its time; a deleted one never fires', async () => {
  const t = new CoarseTimers();
  const fired: string[] = [];
  const a = deadline(10, () => fired.push('a'));
  const b = deadline(10, () => fired.push('b'));
  const late = deadline(10_000, () => fired.push('late'));
  t.add(a);
  t.add(a);
  t.add(b);
  t.add(late);
  assert.equal(t.size, 3, 'adding an armed deadline twice arms it once');
  t.delete(b);
  t.delete(b);
  await sleep(80);
  assert.deepEqual(fired, ['a']);
  assert.equal(a.timerSlot, NOT_ARMED);
  assert.equal(t.size, 1);
  t.stop();
  assert.equal(t.size, 0);
  assert.equal(late.timerSlot, NOT_ARMED);
});

test('CoarseTimers: a callback that cancels another due deadline, or re-arms one, in the same tick', async () => {
  const t = new CoarseTimers();
  let runs = 0;
  const three: Deadline[] = [];
  // Whichever of the three runs first cancels all three: the other two, though due, never run.
  const cancelAll = (): void => {
    runs++;
    for (const d of three) t.delete(d);
  };
  for (let i = 0; i < 3; i++) three.push(deadline(5, cancelAll));
  for (const d of three) t.add(d);
  await sleep(60);
  assert.equal(runs, 1);
  assert.equal(t.size, 0);
  for (const d of three) assert.equal(d.timerSlot, NOT_ARMED);

  let rearmed = 0;
  const again: Deadline = deadline(5, () => {
    if (++rearmed === 1) {
      again.deadline = performance.now() + 5;
      t.add(again);
    }
  });
  t.add(again);
  await sleep(100);
  assert.equal(rearmed, 2);
  assert.equal(t.size, 0);
  t.stop();
});

test('CoarseTimers: any order of adds and deletes leaves exactly the armed set, each at its own slot', () => {
  const t = new CoarseTimers();
  const pool = Array.from({ length: 64 }, () => deadline(60_000));
  const armed = new Set<Deadline>();
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 20_000; i++) {
    const d = pool[rnd(pool.length)];
    if (rnd(2) === 0) {
      t.add(d);
      armed.add(d);
    } else {
      t.delete(d);
      armed.delete(d);
    }
  }
  assert.equal(t.size, armed.size);
  const slots = new Set<number>();
  for (const d of pool) {
    if (armed.has(d)) {
      assert.ok(d.timerSlot >= 0 && d.timerSlot < armed.size);
      slots.add(d.timerSlot);
    } else {
      assert.equal(d.timerSlot, NOT_ARMED);
    }
  }
  assert.equal(slots.size, armed.size, 'no two deadlines share a slot');
  t.stop();
});
