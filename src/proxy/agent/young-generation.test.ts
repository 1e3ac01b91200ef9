import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(new URL('./young-generation.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');

// Each case runs in its own process: V8 flags are process-wide.
function run(body: string, nodeOptions = ''): { before: number; held: number; after: number } {
  const script = `
    const y = await import(${JSON.stringify(self)});
    const burst = () => { const keep = []; for (let i = 0; i < 2e6; i++) { const o = { i, s: 'x' + i }; if (i % 8 === 0) keep.push(o); } return keep.length; };
    ${body}
  `;
  const r = spawnSync(process.execPath, [...process.execArgv, ...nodeOptions.split(' ').filter(Boolean), '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; held: number; after: number };
}

const MiB = 1024 * 1024;

test('held: the young generation stays at its initial size through a burst and grows after release', () => {
  const r = run(`
    const before = y.youngGenerationBytes(); const release = y.holdYoungGeneration(); burst(); const held = y.youngGenerationBytes();
    release(); release(); burst(); console.log(JSON.stringify({ before, held, after: y.youngGenerationBytes() }));`);
  // Unheld, a burst like this grows it to 2 × 16 MiB; held, at most the to-space gets committed.
  assert.ok(r.held <= Math.max(r.before, 2 * MiB), JSON.stringify(r));
  assert.ok(r.after >= 2 * r.held && r.after >= 8 * MiB, JSON.stringify(r));
});

test('held from import: loading the module holds it until the first hold is released', () => {
  const r = run(`
    const before = y.youngGenerationBytes(); burst(); const held = y.youngGenerationBytes();
    y.holdYoungGeneration()(); burst(); console.log(JSON.stringify({ before, held, after: y.youngGenerationBytes() }));`);
  assert.ok(r.held <= Math.max(r.before, 2 * MiB), JSON.stringify(r));
  assert.ok(r.after >= 2 * r.held && r.after >= 8 * MiB, JSON.stringify(r));
});

test('pinned: release of a hold does not let it grow', () => {
  const r = run(`
    const before = y.youngGenerationBytes(); y.pinYoungGeneration(); const release = y.holdYoungGeneration(); burst(); const held = y.youngGenerationBytes();
    release(); burst(); console.log(JSON.stringify({ before, held, after: y.youngGenerationBytes() }));`);
  assert.ok(r.held <= Math.max(r.before, 2 * MiB) && r.after === r.held, JSON.stringify(r));
});

test('a young-generation flag the user passed is left alone', () => {
  const r = run(`
    const before = y.youngGenerationBytes(); y.pinYoungGeneration(); burst(); console.log(JSON.stringify({ before, held: y.youngGenerationBytes(), after: 0 }));`, '--max-semi-space-size=4');
  assert.ok(r.held > r.before && r.held === 8 * MiB, JSON.stringify(r));
});
