import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { runIstioctl } from './index.js';

const REPO = resolve(import.meta.dirname, '..', '..', ...(import.meta.dirname.includes('/dist/') ? ['..'] : []));
const dir = mkdtempSync(join(tmpdir(), 'istioctl-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return name;
}

async function istioctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runIstioctl(args, { stdout, stderr, stdin: new PassThrough(), cwd: dir });
  return { code, stdout: out, stderr: err };
}

write(
  'svc.yaml',
  `apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
`,
);
write(
  'bad-host.yaml',
  `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews2
`,
);
write(
  'other-ns.yaml',
  `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
  namespace: prod
spec:
  hosts: [ratings]
  http:
  - route:
    - destination:
        host: ratings
`,
);
write(
  'unlabelled-ns.yaml',
  `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`,
);
write('broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x\n');
write('nested/sub/deep.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: deep\n');

const HOST_ERROR = 'Error [IST0101] (VirtualService default/reviews bad-host.yaml:10) Referenced host not found: "reviews2"';
const FOUND_ISSUES = 'Error: Analyzers found issues when analyzing namespace: default.\nSee https://istio.io/latest/docs/reference/config/analysis for more information about causes and resolutions.\n';

const cases: { name: string; args: string[]; code: number; stdout?: string; stderr?: string }[] = [
  { name: 'clean files: check mark naming the files, exit 0', args: ['svc.yaml'], code: 0, stdout: '\n', stderr: '\u2714 No validation issues found when analyzing svc.yaml.\n' },
  { name: 'an Error finding: log line on stdout, exit 79', args: ['svc.yaml', 'bad-host.yaml'], code: 79, stdout: `${HOST_ERROR}\n`, stderr: FOUND_ISSUES },
  { name: 'findings in other namespaces are left out by default', args: ['svc.yaml', 'other-ns.yaml'], code: 0, stdout: '\n' },
  {
    name: '-A reports every namespace',
    args: ['-A', 'svc.yaml', 'other-ns.yaml'],
    code: 79,
    stdout: 'Error [IST0101] (VirtualService prod/ratings other-ns.yaml:11) Referenced host not found: "ratings"\n',
    stderr: FOUND_ISSUES.replace('namespace: default', 'all namespaces'),
  },
  { name: '--namespace selects the analyzed namespace', args: ['--namespace', 'prod', 'other-ns.yaml'], code: 79, stdout: 'Error [IST0101] (VirtualService prod/ratings other-ns.yaml:11) Referenced host not found: "ratings"\n' },
  { name: 'Info findings stay below the default failure threshold', args: ['unlabelled-ns.yaml'], code: 0, stdout: `Info [IST0102] (Namespace shop unlabelled-ns.yaml:1) The namespace is not enabled for Istio injection. Run 'kubectl label namespace shop istio-injection=enabled' to enable it, or 'kubectl label namespace shop istio-injection=disabled' to explicitly mark it as not needing injection.\n`, stderr: '' },
  { name: '--failure-threshold Info makes them fail', args: ['--failure-threshold', 'Info', 'unlabelled-ns.yaml'], code: 79 },
  { name: '--output-threshold hides lower levels (exit code still from all)', args: ['--output-threshold=Error', 'unlabelled-ns.yaml'], code: 0, stdout: '\n', stderr: '\u2714 No validation issues found when analyzing unlabelled-ns.yaml.\n' },
  { name: '-S suppresses a code on a resource, with wildcards', args: ['-S', 'IST0101=VirtualService *.default', 'svc.yaml', 'bad-host.yaml'], code: 0, stdout: '\n' },
  { name: 'an unknown suppression code is warned about', args: ['-S', 'IST9999=Pod x', 'svc.yaml'], code: 0, stderr: "Warning: Supplied message code 'IST9999' is an unknown message code and will not have any effect.\n\u2714 No validation issues found when analyzing svc.yaml.\n" },
  { name: 'unparseable YAML: exit 65', args: ['broken.yaml'], code: 65 },
  { name: 'a missing file: exit 1', args: ['nope.yaml'], code: 1 },
  { name: 'a bad output format is a usage error (64)', args: ['-o', 'xml', 'svc.yaml'], code: 64, stderr: 'Error: xml not a valid option for format. See istioctl analyze --help\n' },
  { name: 'an unknown flag is a usage error (64)', args: ['--frobnicate'], code: 64, stderr: 'Error: unknown flag: --frobnicate\n' },
  { name: 'a directory is read without subdirectories unless -R', args: ['nested/..', '--output-threshold', 'Error'], code: 79 },
  { name: 'json output never sets the exit code', args: ['-o', 'json', 'svc.yaml', 'bad-host.yaml'], code: 0 },
];

for (const c of cases) {
  test(`istioctl analyze: ${c.name}`, async () => {
    const res = await istioctl('analyze', ...c.args);
    assert.equal(res.code, c.code, `stdout:\n${res.stdout}\nstderr:\n${res.stderr}`);
    if (c.stdout !== undefined) assert.equal(res.stdout, c.stdout);
    if (c.stderr !== undefined) assert.equal(res.stderr, c.stderr);
  });
}

test('istioctl analyze -R descends into subdirectories', async () => {
  const flat = await istioctl('analyze', '--output-threshold', 'Info', '-A', 'nested');
  assert.equal(flat.stdout, '\n');
  const deep = await istioctl('analyze', '-R', '-A', 'nested');
  assert.match(deep.stdout, /^Info \[IST0102\] \(Namespace deep nested\/sub\/deep.yaml:1\) /);
});

test('istioctl analyze -o json: the fields istioctl emits', async () => {
  const res = await istioctl('analyze', '-o', 'json', 'svc.yaml', 'bad-host.yaml');
  assert.deepEqual(JSON.parse(res.stdout), [
    {
      code: 'IST0101',
      documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze',
      level: 'Error',
      message: 'Referenced host not found: "reviews2"',
      origin: 'VirtualService default/reviews',
      reference: 'bad-host.yaml:10',
    },
  ]);
  assert.ok(res.stdout.startsWith('[\n\t{\n\t\t"code": "IST0101",'), 'tab-indented like Go json.MarshalIndent');
});

test('istioctl analyze -o yaml: the same fields', async () => {
  const res = await istioctl('analyze', '-o', 'yaml', 'svc.yaml', 'bad-host.yaml');
  assert.deepEqual(parseYaml(res.stdout), [
    {
      code: 'IST0101',
      documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze',
      level: 'Error',
      message: 'Referenced host not found: "reviews2"',
      origin: 'VirtualService default/reviews',
      reference: 'bad-host.yaml:10',
    },
  ]);
  const empty = await istioctl('analyze', '-o', 'yaml', 'svc.yaml');
  assert.equal(empty.stdout, '[]\n\n');
});

test('istioctl analyze -L lists every analyzer', async () => {
  const res = await istioctl('analyze', '-L');
  assert.equal(res.code, 0);
  assert.match(res.stdout, /^Available analyzers:\n\* annotations\.K8sAnalyzer:\n {4}Checks /);
  assert.match(res.stdout, /\* virtualservice\.DestinationHostAnalyzer:\n/);
});

test('istioctl analyze on the bundled Bookinfo example prints its two deliberate mistakes and exits 0', async () => {
  const res = await istioctl('analyze', join(REPO, 'examples', 'bookinfo'));
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trim().split('\n').map((l) => l.replace(/\(([^ ]+ [^ ]+) \S*examples\/bookinfo\//, '($1 '));
  assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(')') + 1)), [
    'Warning [IST0130] (VirtualService default/reviews virtual-service-reviews.yaml:23)',
    'Warning [IST0162] (Gateway default/bookinfo-gateway bookinfo-gateway.yaml:12)',
    'Info [IST0131] (VirtualService default/reviews virtual-service-reviews.yaml:24)',
  ]);
  const strict = await istioctl('analyze', '--failure-threshold', 'Warning', join(REPO, 'examples', 'bookinfo'));
  assert.equal(strict.code, 79);
});
