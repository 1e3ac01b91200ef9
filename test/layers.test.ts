// The build enforces the import direction of ARCHITECTURE.md "Layers"; prove it catches a
// forbidden import and that the real tree is clean.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { checkLayers } = (await import(join(repo, 'scripts/check-layers.mjs'))) as {
  checkLayers: (dir: string) => string[];
};

test('the source tree has no forbidden imports', () => {
  assert.deepEqual(checkLayers(join(repo, 'src')), []);
});

test('proxy importing pilot is rejected, shared importing nothing is fine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    for (const l of ['proxy', 'pilot', 'shared']) mkdirSync(join(dir, l));
    writeFileSync(join(dir, 'pilot', 'push.ts'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'shared', 'log.ts'), 'export const y = 1;\n');
    writeFileSync(join(dir, 'proxy', 'ok.ts'), "import { y } from '../shared/log.js';\nexport const z = y;\n");
    writeFileSync(join(dir, 'proxy', 'bad.ts'), "import type { A } from '../shared/log.js';\nimport { x } from '../pilot/push.js';\nexport const w = x;\n");
    const problems = checkLayers(dir);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /bad\.ts:2: layer 'proxy' must not import 'pilot'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dynamic imports are checked too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    for (const l of ['api', 'xds']) mkdirSync(join(dir, l));
    writeFileSync(join(dir, 'xds', 's.ts'), 'export const s = 1;\n');
    writeFileSync(join(dir, 'api', 'a.ts'), "export const load = () => import('../xds/s.js');\n");
    assert.equal(checkLayers(dir).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
