import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pinMmapThreshold } from './malloc-tuning.js';

// A child allocates and frees 100 buffers of 2 MiB five times, then reports its RSS. Without the
// pinned threshold glibc keeps the freed buffers in its heap; with it they go back to the system.
const CHILD = `
const { pinMmapThreshold } = await import(process.argv[1]);
const how = process.argv[2] === 'pin' ? pinMmapThreshold() : 'default';
for (let round = 0; round < 5; round++) {
  let bufs = [];
  for (let i = 0; i < 100; i++) bufs.push(Buffer.allocUnsafeSlow(2 * 1048576).fill(1));
  bufs = null;
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 20));
}
console.log(JSON.stringify({ how, rss: process.memoryUsage().rss }));
`;

function run(mode: 'pin' | 'default'): { how: string; rss: number } {
  const env = { ...process.env };
  delete env.MALLOC_MMAP_THRESHOLD_;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD, new URL('./malloc-tuning.js', import.meta.url).href, mode], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as { how: string; rss: number };
}

test('pinMmapThreshold: freed multi-MB buffers are returned to the system, as with MALLOC_MMAP_THRESHOLD_', { skip: process.platform !== 'linux' }, () => {
  const pinned = run('pin');
  const plain = run('default');
  assert.equal(pinned.how, 'pinned');
  const MiB = 1048576;
  assert.ok(plain.rss - pinned.rss > 64 * MiB, `default ${Math.round(plain.rss / MiB)} MiB vs pinned ${Math.round(pinned.rss / MiB)} MiB`);
});

test('pinMmapThreshold: an operator\'s MALLOC_MMAP_THRESHOLD_ is left alone', () => {
  assert.equal(pinMmapThreshold({ MALLOC_MMAP_THRESHOLD_: '65536' }), 'environment');
});
