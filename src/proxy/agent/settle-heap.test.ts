import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import { forcedGc } from './settle-heap.js';

test('forcedGc: a full collection is available at run time without exposing gc on the global object', () => {
  const gc = forcedGc();
  assert.equal(typeof gc, 'function');
  assert.equal((globalThis as { gc?: unknown }).gc, undefined);
  // Garbage made here is gone after it: old space shrinks by at least what was dropped.
  let junk: object[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` }));
  const used = () => v8.getHeapStatistics().used_heap_size;
  gc!();
  const withJunk = used();
  assert.equal(junk.length, 200_000);
  junk = undefined;
  gc!();
  assert.ok(withJunk - used() > 5 * 2 ** 20, `freed ${(withJunk - used()) / 2 ** 20} MiB`);
});
