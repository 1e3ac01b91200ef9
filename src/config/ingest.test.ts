import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../api/kinds.js';
import { ingestFile, mergeFiles, type FileState } from './ingest.js';
import { formatProblem } from './problems.js';

const ctx = (previous?: FileState) => ({ registry: defaultRegistry(), defaultNamespace: 'default', previous });

const we = (name: string, address: string, extra = '') =>
  `apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: ${name}\n${extra}spec:\n  address: ${JSON.stringify(address)}\n`;

const addresses = (s: FileState) => s.slots.map((x) => (x.config ? `${x.config.meta.namespace}/${x.config.meta.name}=${(x.config.spec as { address: string }).address}` : `-${x.key ?? ''}`));

test('valid objects get the default namespace and their source location', () => {
  const s = ingestFile('we.yaml', `${we('a', '1.1.1.1')}---\n${we('b', '1.1.1.2', '  namespace: ns1\n')}`, ctx());
  assert.deepEqual(addresses(s), ['default/a=1.1.1.1', 'ns1/b=1.1.1.2']);
  assert.deepEqual(s.slots[1].config?.meta.source, { file: 'we.yaml', document: 1, line: 8 });
  assert.deepEqual(s.problems, []);
});

test('an object that becomes invalid keeps its last valid version; the error names file, line, object, path', () => {
  const v1 = ingestFile('we.yaml', we('a', '1.1.1.1'), ctx());
  const v2 = ingestFile('we.yaml', we('a', 'not an address!'), ctx(v1));
  assert.deepEqual(addresses(v2), ['default/a=1.1.1.1']);
  assert.equal(v2.slots[0].config, v1.slots[0].config);
  assert.equal(v2.problems.length, 1);
  const [p] = v2.problems;
  assert.deepEqual([p.code, p.file, p.document, p.line, p.kind, p.namespace, p.name, p.path], ['ISTS_CONFIG_INVALID', 'we.yaml', 0, 6, 'WorkloadEntry', 'default', 'a', 'spec.address']);
  assert.match(formatProblem(p), /^we\.yaml:6: WorkloadEntry default\/a: spec\.address: invalid address: .* \[ISTS_CONFIG_INVALID\]$/);
});

test('a syntax error or unknown kind keeps what that document held; neighbours are unaffected', () => {
  const v1 = ingestFile('f.yaml', `${we('a', '1.1.1.1')}---\n${we('b', '1.1.1.2')}`, ctx());
  const broken = `${we('a', '1.1.1.9')}---\napiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: b\nspec: {}\n`;
  const v2 = ingestFile('f.yaml', broken, ctx(v1));
  assert.deepEqual(addresses(v2), ['default/a=1.1.1.9', 'default/b=1.1.1.2']);
  assert.deepEqual(v2.problems.map((p) => [p.code, p.document, p.severity]), [['ISTS_CONFIG_PARSE', 1, 'error']]);

  const v3 = ingestFile('f.yaml', `${we('a', '1.1.1.9')}---\napiVersion: networking.istio.io/v1\nkind: WorkloadEntri\nmetadata: {name: b}\n`, ctx(v2));
  assert.deepEqual(addresses(v3), ['default/a=1.1.1.9', 'default/b=1.1.1.2']);
  assert.deepEqual(v3.problems.map((p) => [p.code, p.line, p.kind, p.name, p.path]), [['ISTS_CONFIG_UNKNOWN_KIND', 9, 'WorkloadEntri', 'b', 'kind']]);

  // Never valid: nothing is in force, but the object is still reported.
  const fresh = ingestFile('g.yaml', we('c', ''), ctx());
  assert.deepEqual(addresses(fresh), ['-WorkloadEntry.networking.istio.io/default/c']);
  assert.deepEqual(fresh.problems.map((p) => p.path), ['spec.address']);
});

test('merge: the first definition by file path wins and each later one is reported', () => {
  const a = ingestFile('a.yaml', we('x', '1.1.1.1'), ctx());
  const b = ingestFile('b.yaml', `${we('y', '2.2.2.2')}---\n${we('x', '2.2.2.1')}`, ctx());
  for (const order of [[a, b], [b, a]]) {
    const m = mergeFiles(order);
    assert.deepEqual(m.configs.map((c) => `${c.meta.name}=${(c.spec as { address: string }).address}`), ['x=1.1.1.1', 'y=2.2.2.2']);
    assert.deepEqual(m.duplicates.map(formatProblem), [
      'b.yaml:8: WorkloadEntry default/x: WorkloadEntry default/x is defined more than once; a.yaml:1 is used and this one is ignored [ISTS_CONFIG_INVALID]',
    ]);
  }
});

test('documents reordered while one cannot be read: each object keeps its own last valid version, no spurious duplicate', () => {
  const v1 = ingestFile('f.yaml', `${we('a', '1.1.1.1')}---\n${we('b', '1.1.1.2')}`, ctx());
  const brokenA = `apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: a\nspec: {}\n`;
  const cases: Array<[string, string, string[]]> = [
    ['b moved first, a broken second', `${we('b', '1.1.1.2')}---\n${brokenA}`, ['default/b=1.1.1.2', 'default/a=1.1.1.1']],
    ['b moved first and edited, a unknown kind', `${we('b', '1.1.1.7')}---\n${brokenA.replace('kind: WorkloadEntry', 'kind: WorkloadEntri')}`, ['default/b=1.1.1.7', 'default/a=1.1.1.1']],
    ['a broken in place (unchanged case)', `${brokenA}---\n${we('b', '1.1.1.2')}`, ['default/a=1.1.1.1', 'default/b=1.1.1.2']],
    ['a deleted, nothing broken: a is gone', we('b', '1.1.1.2'), ['default/b=1.1.1.2']],
  ];
  for (const [name, text, want] of cases) {
    const v2 = ingestFile('f.yaml', text, ctx(v1));
    assert.deepEqual(addresses(v2), want, name);
    assert.deepEqual(mergeFiles([v2]).duplicates, [], `${name}: no duplicates`);
  }
});

test('Kubernetes kinds istio-ts has no schema for are passed over, as Istio does; unknown kinds in Istio groups stay errors', () => {
  const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n---\n${we('a', '1.1.1.1')}---\napiVersion: networking.istio.io/v1\nkind: VirtualServce\nmetadata: {name: r}\nspec: {}\n`;
  const s = ingestFile('mixed.yaml', text, ctx());
  assert.deepEqual(addresses(s), ['default/a=1.1.1.1']);
  assert.deepEqual(s.problems.map((p) => [p.code, p.kind, p.line]), [['ISTS_CONFIG_UNKNOWN_KIND', 'VirtualServce', 18]]);
});
