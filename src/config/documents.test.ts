import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocuments, parsePath } from './documents.js';

const reviews = `# bookinfo
apiVersion: networking.istio.io/v1
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
      weight: 50
---
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm1, labels: { "app.kubernetes.io/name": x } }
spec: { address: 1.1.1.1 }
`;

test('parsePath is the inverse of Diagnostic paths', () => {
  const cases: [string, (string | number)[]][] = [
    ['', []],
    ['spec', ['spec']],
    ['spec.http[0].route[1].weight', ['spec', 'http', 0, 'route', 1, 'weight']],
    ['metadata.labels["app.kubernetes.io/name"]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['spec.ports["80"]', ['spec', 'ports', '80']],
    ['spec.labels.instance-id', ['spec', 'labels', 'instance-id']],
    ['[0].a', [0, 'a']],
  ];
  for (const [path, want] of cases) assert.deepEqual(parsePath(path), want, path);
});

test('multi-document YAML: indexes count empty documents, lines are 1-based', () => {
  const docs = parseDocuments('reviews.yaml', reviews);
  assert.deepEqual(docs.map((d) => [d.file, d.index, d.line, d.error]), [
    ['reviews.yaml', 0, 2, undefined],
    ['reviews.yaml', 2, 21, undefined],
  ]);
  assert.equal((docs[0].value as { spec: { http: { route: { weight: number }[] }[] } }).spec.http[0].route[1].weight, 50);
});

test('lineOf maps field paths to lines, falling back to the deepest existing ancestor', () => {
  const [vs, we] = parseDocuments('reviews.yaml', reviews);
  const cases: [typeof vs, string, number][] = [
    [vs, '', 2],
    [vs, 'kind', 3],
    [vs, 'metadata.name', 5],
    [vs, 'spec.hosts[0]', 8],
    [vs, 'spec.http[0]', 10],
    [vs, 'spec.http[0].route[1]', 15],
    [vs, 'spec.http[0].route[1].weight', 18],
    [vs, 'spec.http[0].route[1].destination.subset', 17],
    [vs, 'spec.http[0].route[0].destination.port', 11],
    [vs, 'spec.http[3].route', 9],
    [vs, 'spec.tcp', 6],
    [we, 'metadata.labels["app.kubernetes.io/name"]', 23],
    [we, 'spec.address', 24],
  ];
  for (const [doc, path, line] of cases) assert.equal(doc.lineOf(path), line, path);
});

test('a syntax error stays inside its document', () => {
  const text = 'apiVersion: v1\nkind: A\n---\nkind: B\n  bad: [1,\n---\napiVersion: v1\nkind: C\n';
  const docs = parseDocuments('f.yaml', text);
  assert.equal(docs.length, 3);
  assert.deepEqual(docs[0].value, { apiVersion: 'v1', kind: 'A' });
  assert.equal(docs[1].value, undefined);
  assert.ok(docs[1].error);
  assert.equal(docs[1].index, 1);
  assert.ok(docs[1].error.line >= 4 && docs[1].error.line <= 6, `error line ${docs[1].error.line}`);
  assert.deepEqual(docs[2].value, { apiVersion: 'v1', kind: 'C' });
  assert.equal(docs[2].index, 2);
  assert.equal(docs[2].line, 7);
});

test('duplicate keys are errors, as kubectl reports them', () => {
  const [d] = parseDocuments('f.yaml', 'kind: A\nkind: B\n');
  assert.ok(d.error);
  assert.match(d.error.message, /unique|duplicate/i);
});

test('JSON objects and JSON/YAML Lists expand into one document per item', () => {
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'A', spec: { x: 1 } }, { kind: 'B' }] }, null, 2);
  const docs = parseDocuments('l.json', json);
  assert.deepEqual(docs.map((d) => [d.index, d.item, d.line, (d.value as { kind: string }).kind]), [
    [0, 0, 5, 'A'],
    [0, 1, 11, 'B'],
  ]);
  assert.equal(docs[0].lineOf('spec.x'), 8);

  const yamlList = 'apiVersion: networking.istio.io/v1\nkind: VirtualServiceList\nitems:\n- kind: VirtualService\n  metadata: { name: a }\n- kind: VirtualService\n  metadata:\n    name: b\n';
  const ydocs = parseDocuments('l.yaml', yamlList);
  assert.deepEqual(ydocs.map((d) => [d.item, d.line, d.lineOf('metadata.name')]), [[0, 4, 5], [1, 6, 8]]);

  const single = parseDocuments('one.json', '{"kind": "A",\n "metadata": {"name": "x"}}');
  assert.deepEqual(single.map((d) => [d.index, d.item, d.line, d.lineOf('metadata.name')]), [[0, undefined, 1, 2]]);
});

test('empty and comment-only files have no documents', () => {
  for (const text of ['', '\n', '# nothing\n', '---\n---\n']) assert.deepEqual(parseDocuments('e.yaml', text), [], JSON.stringify(text));
});

test('document boundaries and scalars as Kubernetes reads them', () => {
  const cases: { name: string; text: string; want: [index: number, line: number, value: unknown][] }[] = [
    { name: 'comments before the first marker belong to document 0', text: '# c\n---\na: 1\n---\nb: 2\n', want: [[0, 3, { a: 1 }], [1, 5, { b: 2 }]] },
    { name: 'content on the marker line', text: '--- {a: 1}\n--- \nb: 2\n', want: [[0, 1, { a: 1 }], [1, 3, { b: 2 }]] },
    { name: 'document end marker', text: 'a: 1\n...\n---\nb: 2\n', want: [[0, 1, { a: 1 }], [1, 4, { b: 2 }]] },
    { name: 'directives take the thorough path', text: '%YAML 1.2\n---\na: 1\n', want: [[0, 3, { a: 1 }]] },
    { name: 'CRLF line ends and a BOM', text: '\ufeffa: 1\r\n---\r\nb: x\r\n', want: [[0, 1, { a: 1 }], [1, 3, { b: 'x' }]] },
    { name: 'merge keys; timestamps and on/yes stay strings', text: 'base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\nt: 2024-01-01\no: on\n', want: [[0, 1, { base: { x: 1 }, c: { x: 1, y: 2 }, t: '2024-01-01', o: 'on' }]] },
    { name: 'a marker-like line inside a block scalar is indented, so not a marker', text: 'a: |\n  ---\n  x\n', want: [[0, 1, { a: '---\nx\n' }]] },
  ];
  for (const c of cases) {
    const docs = parseDocuments('t.yaml', c.text);
    assert.deepEqual(docs.map((d) => [d.index, d.line, d.value]), c.want, c.name);
    assert.ok(docs.every((d) => d.error === undefined), c.name);
  }
});

test('lineOf in a later document counts the lines before it', () => {
  const docs = parseDocuments('t.yaml', 'a: 1\n---\n# note\nkind: X\nspec:\n  list:\n  - name: n\n    port: 80\n');
  assert.deepEqual([docs[1].line, docs[1].lineOf('spec.list[0].port'), docs[1].lineOf('spec.missing')], [4, 8, 5]);
});
