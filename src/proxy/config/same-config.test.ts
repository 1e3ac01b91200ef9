import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameConfig } from './same-config.js';

test('sameConfig: structural equality with JSON.stringify semantics for undefined keys', () => {
  const cases: Array<[string, unknown, unknown, boolean]> = [
    ['same primitives', 'a', 'a', true],
    ['different strings', 'a', 'b', false],
    ['number vs string', 1, '1', false],
    ['null vs object', null, {}, false],
    ['nested equal', { a: [1, { b: 'x' }], c: true }, { c: true, a: [1, { b: 'x' }] }, true],
    ['nested differs', { a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] }, false],
    ['undefined key is absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['undefined key is absent (other side)', { a: 1 }, { a: 1, b: undefined }, true],
    ['extra key', { a: 1 }, { a: 1, b: 2 }, false],
    ['missing vs null', { a: null }, {}, false],
    ['array length', [1, 2], [1, 2, 3], false],
    ['array vs object', [], {}, false],
    ['object vs array', {}, [], false],
  ];
  for (const [what, a, b, want] of cases) {
    assert.equal(sameConfig(a, b), want, what);
    // The reference it replaces: what JSON.stringify says for the same inputs (key order aside).
    if (what !== 'nested equal') assert.equal(JSON.stringify(a) === JSON.stringify(b), want, `${what} (JSON)`);
  }
});
