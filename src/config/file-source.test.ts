// Real directories, real watching: every wait is bounded and polls for the expected state.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import type { Config } from '../api/config.js';
import { FileConfigSource } from './file-source.js';
import { formatProblem } from './problems.js';
import type { ConfigSnapshot } from './snapshot.js';

const WE = { group: 'networking.istio.io', kind: 'WorkloadEntry' };
const WAIT_MS = 5000;

const we = (name: string, address: string, ns?: string) =>
  `apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  address: ${JSON.stringify(address)}\n`;

const address = (c: Config | undefined) => (c?.spec as { address?: string } | undefined)?.address;

const roots: string[] = [];
const sources: FileConfigSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
});
after(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function setup(files: Record<string, string> = {}, debounceMs = 20): Promise<{ dir: string; src: FileConfigSource }> {
  const dir = await mkdtemp(join(tmpdir(), 'istio-ts-filesource-'));
  roots.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const src = new FileConfigSource({ dir, debounceMs });
  sources.push(src);
  await src.start();
  return { dir, src };
}

async function until<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const waitSnap = (src: FileConfigSource, what: string, pred: (s: ConfigSnapshot) => boolean) =>
  src.store.waitFor(pred, WAIT_MS).catch((err: Error) => {
    throw new Error(`${what}: ${err.message}; errors: ${src.errors().map(formatProblem).join(' | ')}`);
  });

test('initial read: every file, recursively, namespaces defaulted, hidden and foreign files skipped', async () => {
  const { src } = await setup({
    'a.yaml': we('a', '1.1.1.1'),
    'sub/deeper/b.yml': we('b', '1.1.1.2', 'ns1'),
    'c.json': JSON.stringify({ apiVersion: 'networking.istio.io/v1beta1', kind: 'WorkloadEntry', metadata: { name: 'c' }, spec: { address: '1.1.1.3' } }),
    'notes.txt': we('ignored', '9.9.9.9'),
    '..2024_01_01/a.yaml': we('a', '9.9.9.9'),
    '.hidden.yaml': we('hidden', '9.9.9.9'),
  });
  const s = src.store.snapshot();
  assert.equal(s.version, 1);
  assert.deepEqual(s.list(WE).map((c) => `${c.meta.namespace}/${c.meta.name}=${address(c)}@${c.meta.source?.file}:${c.meta.source?.line}`), [
    'default/a=1.1.1.1@a.yaml:1',
    'default/c=1.1.1.3@c.json:1',
    `ns1/b=1.1.1.2@${join('sub', 'deeper', 'b.yml')}:1`,
  ]);
  assert.deepEqual(src.status(), { dir: src.dir, version: 1, files: 3, objects: 3, errors: [], warnings: [] });
});

test('add, break, fix, delete: the last valid version stays in force while the error is visible', async () => {
  const { dir, src } = await setup();
  assert.equal(src.store.snapshot().size, 0);

  await writeFile(join(dir, 'reviews.yaml'), we('reviews', '10.0.0.1'));
  const added = await waitSnap(src, 'added', (s) => address(s.get(WE, 'default', 'reviews')) === '10.0.0.1');

  await writeFile(join(dir, 'reviews.yaml'), `# broken on purpose\n${we('reviews', 'bad address!')}`);
  const [err] = await until('the invalid object to be reported', () => src.errors().length > 0 && src.errors());
  assert.deepEqual([err.code, err.file, err.document, err.line, err.kind, err.namespace, err.name, err.path], [
    'ISTS_CONFIG_INVALID', 'reviews.yaml', 0, 7, 'WorkloadEntry', 'default', 'reviews', 'spec.address',
  ]);
  assert.equal(src.store.snapshot(), added, 'nothing changed in force');
  assert.equal(address(src.store.snapshot().get(WE, 'default', 'reviews')), '10.0.0.1');

  await writeFile(join(dir, 'reviews.yaml'), we('reviews', '10.0.0.2'));
  const fixed = await waitSnap(src, 'fixed', (s) => address(s.get(WE, 'default', 'reviews')) === '10.0.0.2');
  assert.ok(fixed.version > added.version);
  assert.deepEqual(src.errors(), []);

  await unlink(join(dir, 'reviews.yaml'));
  const gone = await waitSnap(src, 'deleted', (s) => s.get(WE, 'default', 'reviews') === undefined);
  assert.equal(gone.size, 0);
  assert.equal(src.status().files, 0);
});

test('a syntax-error document beside a good one: the good one is served, the error has its line', async () => {
  const { dir, src } = await setup();
  const text = `${we('good', '10.0.0.1')}---\napiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: bad\nspec: {}\n`;
  await writeFile(join(dir, 'mixed.yaml'), text);
  const s = await waitSnap(src, 'good object', (x) => x.get(WE, 'default', 'good') !== undefined);
  assert.equal(s.size, 1);
  const errs = await until('the syntax error', () => src.errors().length > 0 && src.errors());
  assert.deepEqual(errs.map((e) => [e.code, e.file, e.document]), [['ISTS_CONFIG_PARSE', 'mixed.yaml', 1]]);
  assert.ok(errs[0].line >= 9 && errs[0].line <= 11, `line ${errs[0].line}`);
});

test('unknown kinds are reported, not ignored', async () => {
  const { src } = await setup({ 'x.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualServis\nmetadata:\n  name: r\n', 'ok.yaml': we('ok', '1.1.1.1') });
  assert.equal(src.store.snapshot().size, 1);
  assert.deepEqual(src.errors().map((e) => [e.code, e.file, e.line, e.kind, e.name, e.path]), [['ISTS_CONFIG_UNKNOWN_KIND', 'x.yaml', 2, 'VirtualServis', 'r', 'kind']]);
});

test("editors' rename-on-save is seen as a change", async () => {
  const { dir, src } = await setup({ 'vm.yaml': we('vm', '10.0.0.1') });
  const file = join(dir, 'vm.yaml');
  // Write-to-temp then rename over the original (VS Code, many tools).
  await writeFile(join(dir, '.vm.yaml.tmp'), we('vm', '10.0.0.2'));
  await rename(join(dir, '.vm.yaml.tmp'), file);
  await waitSnap(src, 'first rename', (s) => address(s.get(WE, 'default', 'vm')) === '10.0.0.2');
  // vim's default: move the original to a backup, write a new file, delete the backup.
  await rename(file, `${file}~`);
  await writeFile(file, we('vm', '10.0.0.3'));
  await unlink(`${file}~`);
  await waitSnap(src, 'backup-and-write', (s) => address(s.get(WE, 'default', 'vm')) === '10.0.0.3');
  // And once more, so the watch survived the replaced inode.
  await writeFile(join(dir, '.vm.yaml.tmp'), we('vm', '10.0.0.4'));
  await rename(join(dir, '.vm.yaml.tmp'), file);
  const s = await waitSnap(src, 'second rename', (x) => address(x.get(WE, 'default', 'vm')) === '10.0.0.4');
  assert.equal(s.size, 1);
  assert.deepEqual(src.errors(), []);
});

test('the same object in two files: reported, the first file by path wins, deleting it hands over', async () => {
  const { dir, src } = await setup({ 'b.yaml': we('dup', '10.0.0.2') });
  assert.equal(address(src.store.snapshot().get(WE, 'default', 'dup')), '10.0.0.2');
  await writeFile(join(dir, 'a.yaml'), we('dup', '10.0.0.1'));
  await waitSnap(src, 'a.yaml wins', (s) => address(s.get(WE, 'default', 'dup')) === '10.0.0.1');
  const errs = await until('the duplicate report', () => src.errors().length > 0 && src.errors());
  assert.deepEqual(errs.map(formatProblem), [
    'b.yaml:1: WorkloadEntry default/dup: WorkloadEntry default/dup is defined more than once; a.yaml:1 is used and this one is ignored [ISTS_CONFIG_INVALID]',
  ]);
  await unlink(join(dir, 'a.yaml'));
  await waitSnap(src, 'b.yaml takes over', (s) => address(s.get(WE, 'default', 'dup')) === '10.0.0.2');
  assert.deepEqual(src.errors(), []);
});

test('a burst of writes within the debounce window yields one snapshot; a removed directory drops its files', async () => {
  const { dir, src } = await setup({}, 150);
  const versions: number[] = [];
  src.store.subscribe((s) => versions.push(s.version));
  await mkdir(join(dir, 'team'));
  for (let i = 0; i < 5; i++) await writeFile(join(dir, 'team', `w${i}.yaml`), we(`w${i}`, `10.0.1.${i}`));
  await waitSnap(src, 'all five', (s) => s.size === 5);
  assert.deepEqual(versions, [1], 'one new snapshot for the whole burst');
  await rm(join(dir, 'team'), { recursive: true });
  await waitSnap(src, 'directory removed', (s) => s.size === 0);
});

test('one watch per directory, not per file; a nested directory created later is watched too', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`ns${i % 3}/w${i}.yaml`] = we(`w${i}`, `10.0.2.${i}`, `ns${i % 3}`);
  const { dir, src } = await setup(files);
  assert.equal(src.store.snapshot().size, 30);
  assert.equal(src.watches, 4, 'the root and three namespace directories');
  await mkdir(join(dir, 'ns0', 'deep', 'er'), { recursive: true });
  await writeFile(join(dir, 'ns0', 'deep', 'er', 'x.yaml'), we('x', '10.0.3.1'));
  await waitSnap(src, 'a file in a new nested directory', (s) => address(s.get(WE, 'default', 'x')) === '10.0.3.1');
  await until('the new directories watched', () => src.watches === 6);
  // Written after the new directory was watched: seen through its own watch.
  await writeFile(join(dir, 'ns0', 'deep', 'er', 'x.yaml'), we('x', '10.0.3.2'));
  await waitSnap(src, 'an edit in the new directory', (s) => address(s.get(WE, 'default', 'x')) === '10.0.3.2');
  await rm(join(dir, 'ns0'), { recursive: true });
  await waitSnap(src, 'the removed tree dropped', (s) => s.size === 20 && s.get(WE, 'default', 'x') === undefined);
  await until('its watches closed', () => src.watches === 3);
});

test('a directory renamed into and out of the tree', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'istio-ts-filesource-out-'));
  roots.push(outside);
  await mkdir(join(outside, 'team'));
  await writeFile(join(outside, 'team', 't.yaml'), we('t', '10.0.4.1'));
  const { dir, src } = await setup({ 'a.yaml': we('a', '10.0.4.0') });
  await rename(join(outside, 'team'), join(dir, 'team'));
  await waitSnap(src, 'moved in', (s) => address(s.get(WE, 'default', 't')) === '10.0.4.1');
  await until('the moved-in directory watched', () => src.watches === 2);
  await writeFile(join(dir, 'team', 't.yaml'), we('t', '10.0.4.2'));
  await waitSnap(src, 'edited after the move', (s) => address(s.get(WE, 'default', 't')) === '10.0.4.2');
  await rename(join(dir, 'team'), join(outside, 'team2'));
  await waitSnap(src, 'moved out', (s) => s.get(WE, 'default', 't') === undefined && s.size === 1);
  await until('its watch closed', () => src.watches === 1);
});

test("a Kubernetes ConfigMap volume: files linked through ..data, a new version published by swapping it", async () => {
  // What kubelet's AtomicWriter does: files in a timestamped directory, `..data` links to it, the
  // visible names link into `..data`; an update writes a new directory and renames a new link over
  // `..data`, then deletes the old directory.
  const { dir, src } = await setup();
  const publish = async (version: string, files: Record<string, string>) => {
    await mkdir(join(dir, version));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, version, name), text);
    await symlink(version, join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  };
  await publish('..2026_11_22_01', { 'vm.yaml': we('vm', '10.0.5.1'), 'other.yaml': we('other', '10.0.5.9') });
  await symlink(join('..data', 'vm.yaml'), join(dir, 'vm.yaml'));
  await symlink(join('..data', 'other.yaml'), join(dir, 'other.yaml'));
  await waitSnap(src, 'first version', (s) => address(s.get(WE, 'default', 'vm')) === '10.0.5.1' && s.size === 2);
  await publish('..2026_11_22_02', { 'vm.yaml': we('vm', '10.0.5.2'), 'other.yaml': we('other', '10.0.5.9') });
  await rm(join(dir, '..2026_11_22_01'), { recursive: true });
  await waitSnap(src, 'second version', (s) => address(s.get(WE, 'default', 'vm')) === '10.0.5.2');
  await publish('..2026_11_22_03', { 'vm.yaml': we('vm', '10.0.5.3'), 'other.yaml': we('other', '10.0.5.9') });
  await rm(join(dir, '..2026_11_22_02'), { recursive: true });
  const s = await waitSnap(src, 'third version', (x) => address(x.get(WE, 'default', 'vm')) === '10.0.5.3');
  assert.equal(s.size, 2, 'hidden directories are never read themselves');
  assert.deepEqual(src.errors(), []);
});

test('a symlinked file whose target outside the tree is edited in place', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'istio-ts-filesource-out-'));
  roots.push(outside);
  await writeFile(join(outside, 'shared.yaml'), we('shared', '10.0.6.1'));
  const { dir, src } = await setup({ 'a.yaml': we('a', '10.0.6.0') });
  await symlink(join(outside, 'shared.yaml'), join(dir, 'shared.yaml'));
  await waitSnap(src, 'linked', (s) => address(s.get(WE, 'default', 'shared')) === '10.0.6.1');
  await until("the target's directory watched", () => src.watches === 2);
  await writeFile(join(outside, 'shared.yaml'), we('shared', '10.0.6.2'));
  await waitSnap(src, 'target edited', (s) => address(s.get(WE, 'default', 'shared')) === '10.0.6.2');
  await unlink(join(dir, 'shared.yaml'));
  await waitSnap(src, 'link removed', (s) => s.get(WE, 'default', 'shared') === undefined);
  await until("the target's directory no longer watched", () => src.watches === 1);
});

test('a file that breaks and is then deleted: its error goes with it; another file keeps its own', async () => {
  const { dir, src } = await setup({ 'sub/good.yaml': we('good', '10.0.7.1') });
  await writeFile(join(dir, 'sub', 'bad.yaml'), we('bad', 'not an address!'));
  await writeFile(join(dir, 'worse.yaml'), 'kind: [');
  const errs = await until('both errors', () => src.errors().length === 2 && src.errors());
  assert.deepEqual(errs.map((e) => e.file), [join('sub', 'bad.yaml'), 'worse.yaml']);
  await unlink(join(dir, 'sub', 'bad.yaml'));
  const left = await until('one error left', () => src.errors().length === 1 && src.errors());
  assert.deepEqual(left.map((e) => e.file), ['worse.yaml']);
  assert.equal(address(src.store.snapshot().get(WE, 'default', 'good')), '10.0.7.1');
});
