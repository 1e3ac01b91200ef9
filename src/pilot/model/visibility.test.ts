import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveVisibility, visibleTo } from './visibility.js';

test('exportTo resolution and visibility', () => {
  const nss = ['a', 'b', 'c'];
  const cases: { exportTo?: string[]; defaults?: string[]; visible: string[] }[] = [
    { visible: ['a', 'b', 'c'] },
    { exportTo: [], visible: ['a', 'b', 'c'] },
    { defaults: ['.'], visible: ['a'] },
    { exportTo: ['.'], visible: ['a'] },
    { exportTo: ['a'], visible: ['a'] },
    { exportTo: ['b'], visible: ['b'] },
    { exportTo: ['.', 'c'], visible: ['a', 'c'] },
    { exportTo: ['~'], visible: [] },
    { exportTo: ['~', 'b'], visible: [] },
    { exportTo: ['b', '*'], visible: ['a', 'b', 'c'] },
    { exportTo: ['*'], defaults: ['.'], visible: ['a', 'b', 'c'] },
  ];
  for (const c of cases) {
    const v = resolveVisibility(c.exportTo, 'a', c.defaults ?? ['*']);
    assert.deepEqual(nss.filter((n) => visibleTo(v, n)), c.visible, JSON.stringify(c));
  }
});
