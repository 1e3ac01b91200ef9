import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { limitHeapGrowth } from './heap-growth.js';

// A child holds ~60 MiB and churns arrays that live long enough to be promoted, then die (as a
// VirtualService edit's per-scope translation does); it reports the most heap it ever had in use.
const CHILD = `
const { limitHeapGrowth } = await import(process.argv[1]);
const v8 = await import('node:v8');
const how = process.argv[2] === 'limit' ? limitHeapGrowth([], '') : 'default';
const live = Array.from({ length: 600 }, () => Array.from({ length: 2000 }, (_, i) => ({ i })));
const window = [];
let maxUsed = 0;
for (let r = 0; r < 300; r++) {
  window.push(Array.from({ length: 20000 }, (_, i) => ({ i, s: 'x' + i })));
  if (window.length > 8) window.shift();
  maxUsed = Math.max(maxUsed, v8.getHeapStatistics().used_heap_size);
}
console.log(JSON.stringify({ how, maxUsed, live: live.length }));
`;

const fromSource = import.meta.url.endsWith('.ts');
const MODULE = new URL(fromSource ? './heap-growth.ts' : './heap-growth.js', import.meta.url).href;

function run(mode: 'limit' | 'default'): { how: string; maxUsed: number } {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), '--max-semi-space-size=4', '--input-type=module', '-e', CHILD, MODULE, mode], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as { how: string; maxUsed: number };
}

test('limitHeapGrowth: promoted garbage is collected before the heap doubles', () => {
  const limited = run('limit');
  const plain = run('default');
  assert.equal(limited.how, 'set');
  const MiB = 1048576;
  assert.ok(plain.maxUsed - limited.maxUsed > 64 * MiB, `default ${Math.round(plain.maxUsed / MiB)} MiB vs limited ${Math.round(limited.maxUsed / MiB)} MiB`);
});

test("limitHeapGrowth: an operator's --heap-growing-percent wins, on the command line or in NODE_OPTIONS", () => {
  assert.equal(limitHeapGrowth(['--heap-growing-percent=50'], ''), 'operator');
  assert.equal(limitHeapGrowth([], '--max-old-space-size=512 --heap_growing_percent=10'), 'operator');
});
