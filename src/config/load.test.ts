import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { loadPaths } from './load.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'istio-ts-load-'));
  await mkdir(join(dir, 'cfg', 'sub'), { recursive: true });
  await writeFile(join(dir, 'cfg', 'b.yaml'), 'kind: B\n---\nkind: B2\n');
  await writeFile(join(dir, 'cfg', 'a.json'), '{"kind": "A"}');
  await writeFile(join(dir, 'cfg', 'notes.txt'), 'kind: ignored');
  await writeFile(join(dir, 'cfg', 'sub', 'c.yml'), 'kind: C\n');
});
after(async () => rm(dir, { recursive: true, force: true }));

const kinds = (files: Awaited<ReturnType<typeof loadPaths>>) =>
  files.map((f) => [f.file, f.error?.code, f.documents.map((d) => (d.value as { kind: string }).kind)]);

test('directories: sorted config files only, recursive on request', async () => {
  assert.deepEqual(kinds(await loadPaths(['cfg'], { cwd: dir })), [
    ['cfg/a.json', undefined, ['A']],
    ['cfg/b.yaml', undefined, ['B', 'B2']],
  ]);
  assert.deepEqual(kinds(await loadPaths(['cfg'], { cwd: dir, recursive: true })), [
    ['cfg/a.json', undefined, ['A']],
    ['cfg/b.yaml', undefined, ['B', 'B2']],
    ['cfg/sub/c.yml', undefined, ['C']],
  ]);
});

test('files in argument order, stdin as -, missing files reported without stopping', async () => {
  const stdin = Readable.from([Buffer.from('kind: S\n---\nkind: S2\n')]);
  const got = await loadPaths(['cfg/sub/c.yml', 'missing.yaml', '-', 'cfg/notes.txt'], { cwd: dir, stdin });
  assert.deepEqual(kinds(got), [
    ['cfg/sub/c.yml', undefined, ['C']],
    ['missing.yaml', 'ISTS_CONFIG_READ', []],
    ['-', undefined, ['S', 'S2']],
    // A file named explicitly is read whatever its extension, as istioctl does.
    ['cfg/notes.txt', undefined, ['ignored']],
  ]);
  assert.match(got[1].error?.message ?? '', /cannot stat file "missing.yaml"/);
});
