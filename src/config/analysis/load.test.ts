import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../../api/kinds.js';
import { parseDocuments } from '../documents.js';
import { analyzeYaml } from './analysis-cases.js';
import { goSprintf } from './go-format.js';
import { loadResources } from './load.js';

test('load: an object failing validation is IST0106 at the offending field, and is not analyzed', () => {
  const yaml = `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: vm
spec:
  address: 10.0.0.1
  ports:
    http: 70000
`;
  assert.deepEqual(analyzeYaml(yaml, []), ['Error [IST0106] (WorkloadEntry default/vm in.yaml:8) Schema validation error: spec.ports.http: port number 70000 must be in the range 1..65535']);
  assert.equal(loadResources(parseDocuments('in.yaml', yaml), defaultRegistry(), 'default').resources.length, 0);
});

test('load: kinds nobody reads are skipped; Deployments are read as written; namespaces default', () => {
  const yaml = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        app: web
`;
  const res = loadResources(parseDocuments('in.yaml', yaml), defaultRegistry(), 'shop');
  assert.deepEqual(res.skipped, ['ServiceAccount v1']);
  assert.deepEqual(res.messages, []);
  assert.deepEqual(
    res.resources.map((r) => [r.config.meta.gvk.kind, r.config.meta.namespace, r.config.meta.name, r.config.meta.source?.line]),
    [['Deployment', 'shop', 'web', 6]],
  );
});

test("goSprintf renders Go's verbs as istioctl prints them", () => {
  const cases: [string, unknown[], string][] = [
    ['Referenced %s not found: %q', ['host', 'reviews2'], 'Referenced host not found: "reviews2"'],
    ['ports %v', [[9080, 9081]], 'ports [9080 9081]'],
    ['port %d of %s', [80.0, 'gw'], 'port 80 of gw'],
    ['100%% %s', ['done'], '100% done'],
    ['%s and %s', ['one'], 'one and %!s(MISSING)'],
  ];
  for (const [tpl, args, want] of cases) assert.equal(goSprintf(tpl, args), want);
});
