import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'scripts', 'gen-xds-api.mjs'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

test('src/xds-api/gen matches a fresh generation from the pinned protos', { timeout: 60_000 }, () => {
  const root = repoRoot();
  const res = spawnSync(process.execPath, [join(root, 'scripts', 'gen-xds-api.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 55_000 });
  assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  assert.match(res.stdout, /up to date/);
});
