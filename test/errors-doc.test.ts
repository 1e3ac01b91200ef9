// Every stable error code is documented in docs/errors.md, and every documented code exists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../src/shared/errors.js';

test('docs/errors.md lists exactly the error codes in src/shared/errors.ts', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^##+ `?(ISTS_[A-Z0-9_]+)`?/gm)].map((m) => m[1]));
  const defined = new Set(Object.keys(ERROR_CODES));
  assert.deepEqual([...defined].filter((c) => !documented.has(c)), [], 'codes missing from docs/errors.md');
  assert.deepEqual([...documented].filter((c) => !defined.has(c)), [], 'documented codes that do not exist');
});
