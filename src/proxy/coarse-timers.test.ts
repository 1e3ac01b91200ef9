import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PeriodicTasks } from './coarse-timers.js';

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
