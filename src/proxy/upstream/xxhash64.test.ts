import assert from 'node:assert/strict';
import { it } from 'node:test';
import { xxHash64 } from './xxhash64.js';

it('xxHash64 matches the reference implementation (short, 4/8-byte tails, 32-byte stripes, seeds)', () => {
  const table: [string, bigint, string][] = [
    ['', 0n, 'ef46db3751d8e999'],
    ['a', 0n, 'd24ec4f1a98c6e5b'],
    ['abc', 0n, '44bc2cf5ad770999'],
    ['127.0.0.1:8080_0', 0n, 'f673a43b9624fa24'],
    ['The quick brown fox jumps over the lazy dog, twice over.', 0n, 'fb9f56ced8ad4fc4'],
    ['10.0.0.1:80', 1n, 'a456919bcbffaa92'],
    ['0123456789abcdef0123456789abcdef01234', 7n, '12b6d879083cd1f2'],
  ];
  for (const [s, seed, want] of table) assert.equal(xxHash64(s, seed).toString(16), want, JSON.stringify(s));
});
