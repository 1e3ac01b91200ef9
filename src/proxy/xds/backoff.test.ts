import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.js';

test('reconnect backoff doubles from 0.5 s to a 30 s ceiling, jittered over the upper half, and resets', () => {
  const draws = (random: number) => {
    const b = new Backoff(undefined, () => random);
    return Array.from({ length: 9 }, () => b.next());
  };
  assert.deepEqual(draws(0), [250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  assert.deepEqual(draws(0.999999), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  const b = new Backoff(undefined, () => 1);
  b.next();
  b.next();
  b.reset();
  assert.equal(b.next(), 500);
});
