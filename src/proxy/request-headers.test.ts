import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestId } from './request-headers.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('requestId: version 4 UUIDs, unique across random refills, each string its own', () => {
  const first = requestId();
  const copy = `${first}`;
  const seen = new Set<string>([first]);
  const nibbles = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = requestId();
    assert.match(id, UUID_V4);
    seen.add(id);
    for (const c of id.replaceAll('-', '')) nibbles.add(c);
  }
  assert.equal(seen.size, 5001, 'no repeats over ~20 batches of random bytes');
  assert.equal(nibbles.size, 16, 'every hex digit occurs');
  assert.equal(first, copy, 'later ids do not change an earlier one (the formatting buffer is reused)');
});
