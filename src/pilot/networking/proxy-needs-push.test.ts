import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMeshConfig } from '../../api/mesh/index.js';
import { resolveMesh } from '../model/mesh.js';
import { parseProxy } from '../model/proxy.js';
import { PushContext } from '../model/push-context.js';
import { SnapshotRegistry } from '../serviceregistry/snapshot-registry.js';
import { snapshotFromYaml } from '../test-fixtures.js';
import { proxyNeedsPush } from './proxy-needs-push.js';

const mesh = resolveMesh(applyMeshConfig({}));
const svc = (name: string, ns: string, ip: string) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { clusterIP: ${ip}, selector: { app: ${name} }, ports: [{ name: http, port: 80 }] }`;
const sidecar = (ns: string) => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: ${ns} }
spec: { egress: [{ hosts: ["./*", "istio-system/*"] }] }`;
const vs = (name: string, ns: string, host: string, dest: string, rev: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${ns} }
spec:
  hosts: [${host}]
  http: [{ match: [{ headers: { x-rev: { exact: ${rev} } } }], route: [{ destination: { host: ${dest} } }] }]`;
const delegate = (rev: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: d, namespace: a }
spec:
  http: [{ match: [{ headers: { x-d: { exact: ${rev} } } }], route: [{ destination: { host: web.a.svc.cluster.local } }] }]`;
const root = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: root, namespace: a }
spec:
  hosts: [api.a.svc.cluster.local]
  http: [{ delegate: { name: d, namespace: a } }]`;

function pushOf(docs: string[], version: number): PushContext {
  const snapshot = snapshotFromYaml(docs.join('\n---\n'), version);
  const registry = new SnapshotRegistry(mesh);
  registry.update(snapshot);
  return PushContext.build({ snapshot, registry, mesh });
}

const inA = parseProxy('sidecar~10.2.0.1~c.a~a.svc.cluster.local', { NAMESPACE: 'a', LABELS: { app: 'c' } });
const inB = parseProxy('sidecar~10.2.0.2~c.b~b.svc.cluster.local', { NAMESPACE: 'b', LABELS: { app: 'c' } });
const inC = parseProxy('sidecar~10.2.0.3~c.c~c.svc.cluster.local', { NAMESPACE: 'c', LABELS: { app: 'c' } });
const gw = parseProxy('router~10.2.0.4~gw.b~b.svc.cluster.local', { NAMESPACE: 'b', LABELS: { app: 'gw' } });
const KEY = (ns: string, name: string) => `VirtualService.networking.istio.io/${ns}/${name}`;
const BASE = [svc('web', 'a', '10.0.0.1'), svc('api', 'a', '10.0.0.2'), svc('db', 'b', '10.0.0.3'), sidecar('a'), sidecar('b'), root];

test('proxyNeedsPush: a VirtualService change reaches the sidecars whose scope holds it, before or after', () => {
  // Namespace c has no Sidecar: it sees every exported VirtualService.
  const before = pushOf([...BASE, vs('web', 'a', 'web', 'web', 'r0'), delegate('d0')], 1);
  const cases: Array<[string, string[], string[], Array<[typeof inA, boolean]>]> = [
    ['edit in a', [vs('web', 'a', 'web', 'web', 'r1'), delegate('d0')], [KEY('a', 'web')], [[inA, true], [inB, false], [inC, true], [gw, true]]],
    ['now routes to b\'s db: b still cannot see a\'s VirtualService', [vs('web', 'a', 'web', 'db.b.svc.cluster.local', 'r1'), delegate('d0')], [KEY('a', 'web')], [[inA, true], [inB, false]]],
    // `./*` imports the VirtualServices of b's own namespace, whatever their hosts.
    ['host moved to b\'s db: still a\'s config', [vs('web', 'a', 'db.b.svc.cluster.local', 'web.a.svc.cluster.local', 'r1'), delegate('d0')], [KEY('a', 'web')], [[inA, true], [inB, false], [inC, true]]],
    ['a VirtualService created in b', [vs('web', 'a', 'web', 'web', 'r0'), delegate('d0'), vs('db', 'b', 'db', 'db', 'r0')], [KEY('b', 'db')], [[inA, false], [inB, true], [inC, true]]],
    ['deleted: whoever saw it', [delegate('d0')], [KEY('a', 'web')], [[inA, true], [inB, false]]],
    ['a delegate reaches through its root', [vs('web', 'a', 'web', 'web', 'r0'), delegate('d1')], [KEY('a', 'd')], [[inA, true], [inB, false]]],
  ];
  for (const [name, docs, keys, want] of cases) {
    const after = pushOf([...BASE, ...docs], 2);
    for (const [proxy, needs] of want) {
      assert.equal(proxyNeedsPush(proxy, { full: true, configsUpdated: new Set(keys) }, after, before), needs, `${name}: ${proxy.id}`);
    }
  }
});

test('proxyNeedsPush: any other change, an endpoint push or "everything" reaches every proxy', () => {
  const before = pushOf([...BASE, vs('web', 'a', 'web', 'web', 'r0')], 1);
  const after = pushOf([...BASE, vs('web', 'a', 'web', 'web', 'r1')], 2);
  const reqs = [
    { full: true, configsUpdated: new Set([KEY('a', 'web'), 'DestinationRule.networking.istio.io/a/web']) },
    { full: true, configsUpdated: new Set<string>() },
    { full: false, configsUpdated: new Set<string>() },
  ];
  for (const req of reqs) assert.equal(proxyNeedsPush(inB, req, after, before), true, JSON.stringify([...req.configsUpdated]));
});

test('proxyNeedsPush: an endpoint push reaches the sidecars whose scope has one of its services', () => {
  const push = pushOf([...BASE, vs('web', 'a', 'web', 'web', 'r0')], 1);
  const eds = (...keys: string[]) => ({ full: false, configsUpdated: new Set(keys) });
  const cases: Array<[string, ReturnType<typeof eds>, Array<[typeof inA, boolean]>]> = [
    ['a\'s web', eds('ServiceEntry/a/web.a.svc.cluster.local'), [[inA, true], [inB, false], [inC, true], [gw, true]]],
    ['b\'s db', eds('ServiceEntry/b/db.b.svc.cluster.local'), [[inA, false], [inB, true], [inC, true]]],
    ['both', eds('ServiceEntry/a/web.a.svc.cluster.local', 'ServiceEntry/b/db.b.svc.cluster.local'), [[inA, true], [inB, true]]],
    ['not a service key: everyone', eds('Pod/a/web-1'), [[inA, true], [inB, true]]],
  ];
  for (const [name, req, want] of cases) {
    for (const [proxy, needs] of want) assert.equal(proxyNeedsPush(proxy, req, push, push), needs, `${name}: ${proxy.id}`);
  }
});
