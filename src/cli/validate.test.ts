import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIstioctl } from './index.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function istioctl(args: string[], cwd: string, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runIstioctl(args, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), cwd });
  return { code, out: stdout.text, err: stderr.text };
}

const REVIEWS_BAD = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 50
    - destination:
        host: reviews
        subset: v2
      weight: -5
`;

const VM_OK = 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: vm, namespace: ns1 }\nspec: { address: 1.1.1.1 }\n';
const VM_BAD = 'apiVersion: networking.istio.io/v1beta1\nkind: WorkloadEntry\nmetadata: { name: vm2 }\nspec:\n  address: 1.1.1.1\n  weight: -1\n  adress: x\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: 1 }\n';
const VS_WARN = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: w, namespace: prod }
spec:
  hosts: [w]
  http:
  - route: [{ destination: { host: w } }]
  - match: [{ uri: { prefix: /x } }]
    route: [{ destination: { host: w } }]
`;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'istio-ts-validate-'));
  const files: Record<string, string> = {
    'ok/vm.yaml': `${VM_OK}---\n${DEPLOYMENT}`,
    'ok/list.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name: 'j' }, spec: { address: '2.2.2.2' } }))] }, null, 2),
    'mixed/a/reviews.yaml': REVIEWS_BAD,
    'mixed/b.yaml': `${VM_OK}---\n${VM_BAD}`,
    'mixed/ignored.txt': REVIEWS_BAD,
    'syntax.yaml': `${VM_OK}---\nkind: WorkloadEntry\nmetadata: { name: broken\n---\n${VM_BAD}`,
    'typo.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualServce\nmetadata: { name: t }\nspec: {}\n',
    'warn.yaml': VS_WARN,
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
});
after(async () => rm(dir, { recursive: true, force: true }));

const REVIEWS_ERR = '\t* VirtualService//reviews: mixed/a/reviews.yaml:17: spec.http[0].route[1].weight: weight -5 < 0\n';

const cases: { name: string; args: string[]; stdin?: string; code: number; err: string; out?: string }[] = [
  { name: 'valid files: one line each; Kubernetes kinds without a schema pass as in Istio', args: ['-f', 'ok/vm.yaml', '--filename=ok/list.json'], code: 0, err: '"ok/vm.yaml" is valid\n"ok/list.json" is valid\n' },
  { name: 'directory: recursive, config extensions only, every error with file:line and field path', args: ['-f', 'mixed'], code: 1,
    err: 'Error: 3 errors occurred:\n' + REVIEWS_ERR +
      '\t* WorkloadEntry//vm2: mixed/b.yaml:11: spec.weight: must be greater than or equal to 0\n' +
      '\t* WorkloadEntry//vm2: mixed/b.yaml:12: spec.adress: unknown field "adress"\n\n' },
  { name: 'comma-separated files, -x and --use-kube=false accepted', args: ['-x', '--use-kube=false', '-f', 'ok/vm.yaml,mixed/a/reviews.yaml'], code: 1, err: `Error: 1 error occurred:\n${REVIEWS_ERR}\n` },
  { name: 'a syntax error does not hide the other documents', args: ['-f', 'syntax.yaml'], code: 1,
    err: 'Error: 3 errors occurred:\n\t* failed to decode file syntax.yaml:7: Flow map in block collection must be sufficiently indented and end with a }\n' +
      '\t* WorkloadEntry//vm2: syntax.yaml:14: spec.weight: must be greater than or equal to 0\n' +
      '\t* WorkloadEntry//vm2: syntax.yaml:15: spec.adress: unknown field "adress"\n\n' },
  { name: 'an unknown kind in an Istio group is an error', args: ['-f', 'typo.yaml'], code: 1, err: 'Error: 1 error occurred:\n\t* VirtualServce//t: typo.yaml:2: kind: unknown kind "VirtualServce" (apiVersion networking.istio.io/v1): not a kind istio-ts reads\n\n' },
  { name: 'warnings do not fail validation', args: ['-f', 'warn.yaml'], code: 0, err: '"warn.yaml" has warnings: \n\t* VirtualService/prod/w: warn.yaml:8: spec.http[1]: virtualService rule #1 not used (only the last rule can have no matches)\n\n' },
  { name: 'stdin: valid', args: ['-f', '-'], stdin: VM_OK, code: 0, err: 'validation succeed\n' },
  { name: 'stdin: invalid', args: ['-f', '-'], stdin: VM_BAD, code: 1, err: 'Error: 2 errors occurred:\n\t* WorkloadEntry//vm2: stdin:6: spec.weight: must be greater than or equal to 0\n\t* WorkloadEntry//vm2: stdin:7: spec.adress: unknown field "adress"\n\n' },
  { name: 'missing file', args: ['-f', 'nope.yaml'], code: 1, err: /^Error: 1 error occurred:\n\t\* cannot stat file "nope.yaml": ENOENT.*\n\n$/.source },
  { name: 'no files', args: [], code: 1, err: "Error: error: you must specify resources by --filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n" },
  { name: 'unknown flag', args: ['--bogus', '-f', 'ok/vm.yaml'], code: 1, err: "Error: unknown flag: --bogus\nRun 'istioctl validate --help' for usage.\n" },
  { name: '--use-kube needs a cluster', args: ['--use-kube', '-f', 'ok/vm.yaml'], code: 1, err: "Error: istio-ts reads files only: use --use-kube=false\nRun 'istioctl validate --help' for usage.\n" },
];

for (const c of cases) {
  test(`validate: ${c.name}`, async () => {
    const r = await istioctl(['validate', ...c.args], dir, c.stdin);
    if (c.name === 'missing file') assert.match(r.err, new RegExp(c.err));
    else assert.equal(r.err, c.err);
    assert.equal(r.out, c.out ?? '');
    assert.equal(r.code, c.code);
  });
}

test('validate --help lists the flags on stdout', async () => {
  const r = await istioctl(['validate', '--help'], dir);
  assert.equal(r.code, 0);
  assert.match(r.out, /-f, --filename strings/);
});

// Under tsx this file sits in src/cli; compiled, in dist/src/cli.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = here.includes(join('dist', 'src')) ? resolve(here, '../../..') : resolve(here, '../..');
const pkgVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('version: client version from package.json in each of istioctl\'s forms', async () => {
  assert.deepEqual(await istioctl(['version'], dir), { code: 0, out: `client version: ${pkgVersion}\n`, err: '' });
  assert.deepEqual(await istioctl(['version', '--remote=false'], dir), { code: 0, out: `${pkgVersion}\n`, err: '' });
  const json = await istioctl(['version', '-o', 'json'], dir);
  assert.equal((JSON.parse(json.out) as { clientVersion: { version: string } }).clientVersion.version, pkgVersion);
  assert.equal((await istioctl(['version', '-o', 'xml'], dir)).code, 1);
});

test('the compiled istioctl binary validates stdin and exits non-zero on errors', (t) => {
  const root = repoRoot;
  const bin = join(root, 'dist', 'src', 'bin', 'istioctl.js');
  if (!existsSync(bin) || !existsSync(join(root, 'dist', 'src', 'cli', 'validate.js'))) {
    t.skip(`${bin} is missing or predates validate: run \`npm run build\` first`);
    return;
  }
  const bad = spawnSync(process.execPath, [bin, 'validate', '-f', '-'], { input: VM_BAD, encoding: 'utf8', timeout: 30_000 });
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /^Error: 2 errors occurred:\n\t\* WorkloadEntry\/\/vm2: stdin:6: spec\.weight: .*\n\t\* WorkloadEntry\/\/vm2: stdin:7: spec\.adress: unknown field "adress"\n\n$/);
  const good = spawnSync(process.execPath, [bin, 'validate', '-f', join(dir, 'ok', 'vm.yaml')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stderr, `"${join(dir, 'ok', 'vm.yaml')}" is valid\n`);
});
