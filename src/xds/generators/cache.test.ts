// The shared xDS cache through the Envoy generators: every proxy gets exactly the bytes the
// uncached translation would give it (whatever order proxies are served in and whatever the cache
// already holds), proxies whose inputs differ (DestinationRule namespace, Sidecar scope,
// sourceLabels) get different resources, identical-scope proxies share entries, and pushes
// invalidate only what their configsUpdated names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMeshConfig } from '../../api/mesh/index.js';
import { resolveMesh } from '../../pilot/model/mesh.js';
import { parseProxy, type Proxy } from '../../pilot/model/proxy.js';
import { PushContext } from '../../pilot/model/push-context.js';
import { SnapshotRegistry } from '../../pilot/serviceregistry/snapshot-registry.js';
import { snapshotFromYaml } from '../../pilot/test-fixtures.js';
import { TypeUrl } from '../../xds-api/index.js';
import { XdsCache } from '../cache.js';
import type { Generated, Generator } from '../generator.js';
import { pushRequest, type PushRequest } from '../push-request.js';
import { envoyGenerators } from './envoy.js';

const svc = (name: string, ns: string, ip: string) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { clusterIP: ${ip}, selector: { app: ${name} }, ports: [{ name: http, port: 9080 }] }`;
const pod = (name: string, ns: string, app: string, version: string, ip: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}, labels: { app: ${app}, version: ${version} } }
spec: { containers: [{ name: app }] }
status: { podIP: ${ip}, conditions: [{ type: Ready, status: "True" }] }`;

function fixture(opts: { ratingsIp?: string; teamLb?: string } = {}): string {
  return [
    svc('reviews', 'default', '10.0.0.10'), svc('ratings', 'team', '10.0.0.11'), svc('web', 'labelled', '10.0.0.12'),
    pod('reviews-1', 'default', 'reviews', 'v1', '10.1.0.1'), pod('reviews-2', 'default', 'reviews', 'v2', '10.1.0.2'),
    pod('ratings-1', 'team', 'ratings', 'v1', opts.ratingsIp ?? '10.1.1.1'),
    pod('web-1', 'labelled', 'web', 'v1', '10.1.2.1'), pod('web-2', 'labelled', 'web', 'v2', '10.1.2.2'),
    // Only proxies in `team` see this rule: their reviews clusters differ from everyone else's.
    `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews-team, namespace: team }
spec:
  host: reviews.default.svc.cluster.local
  exportTo: [.]
  trafficPolicy: { loadBalancer: { simple: ${opts.teamLb ?? 'RANDOM'} } }
  subsets: [{ name: v1, labels: { version: v1 } }]`,
    // Routes for clients labelled version=v1 in `labelled` differ from version=v2's.
    `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-by-source, namespace: labelled }
spec:
  hosts: [reviews.default.svc.cluster.local]
  exportTo: [.]
  http:
  - match: [{ sourceLabels: { version: v1 } }]
    route: [{ destination: { host: reviews.default.svc.cluster.local, subset: v1 } }]
  - route: [{ destination: { host: reviews.default.svc.cluster.local } }]`,
    // Proxies in `scoped` see only their own namespace and ratings.
    `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: scoped }
spec: { egress: [{ hosts: [./*, team/ratings.team.svc.cluster.local] }] }`,
  ].join('\n---\n');
}

const mesh = applyMeshConfig({});
const resolved = resolveMesh(mesh);

function pushFrom(yaml: string, version: number): PushContext {
  const snapshot = snapshotFromYaml(yaml, version);
  const registry = new SnapshotRegistry(resolved);
  registry.update(snapshot);
  return PushContext.build({ snapshot, registry, mesh: resolved });
}

function proxy(name: string, ns: string, ip: string, labels: Record<string, string>): Proxy {
  return parseProxy(`sidecar~${ip}~${name}.${ns}~${ns}.svc.cluster.local`, { NAMESPACE: ns, LABELS: labels });
}

const PROXIES = {
  a1: proxy('a1', 'default', '10.2.0.1', { app: 'a', version: 'v1' }),
  a2: proxy('a2', 'default', '10.2.0.2', { app: 'b', version: 'v2' }),
  t1: proxy('t1', 'team', '10.2.0.3', { app: 'a', version: 'v1' }),
  s1: proxy('s1', 'scoped', '10.2.0.4', { app: 'a', version: 'v1' }),
  l1: proxy('l1', 'labelled', '10.2.0.5', { app: 'x', version: 'v1' }),
  l2: proxy('l2', 'labelled', '10.2.0.6', { app: 'x', version: 'v2' }),
  l3: proxy('l3', 'labelled', '10.2.0.7', { app: 'y', version: 'v1' }),
};
type Name = keyof typeof PROXIES;

const ROUTE = '9080';
const CLUSTER = 'outbound|9080||reviews.default.svc.cluster.local';
const EDS_NAMES = [CLUSTER, 'outbound|9080|v1|reviews.default.svc.cluster.local', 'outbound|9080||ratings.team.svc.cluster.local'];

type Kind = 'cds' | 'rds' | 'eds' | 'lds';
const TYPES: Record<Kind, string> = { lds: TypeUrl.Listener, cds: TypeUrl.Cluster, rds: TypeUrl.RouteConfiguration, eds: TypeUrl.ClusterLoadAssignment };

async function gen(gens: ReadonlyMap<string, Generator<PushContext>>, kind: Kind, p: Proxy, req: PushRequest<PushContext>, incremental = false): Promise<Generated> {
  const typeUrl = TYPES[kind];
  const names = new Set(kind === 'rds' ? [ROUTE] : kind === 'eds' ? EDS_NAMES : []);
  const out = await gens.get(typeUrl)!.generate(p, { typeUrl, wildcard: kind === 'cds' || kind === 'lds', names, incremental }, req);
  assert.ok(out, `${kind} for ${p.id}`);
  return out;
}

/** name → bytes (hex), the exact thing a proxy would receive. */
const bytes = (g: Generated) => new Map(g.resources.map((r) => [r.name, Buffer.from(r.resource.value).toString('hex')]));

test('cached generators give every proxy exactly the uncached bytes, in any order and after any other proxy', async () => {
  const push = pushFrom(fixture(), 1);
  const req = pushRequest({ full: true, reason: 'initial', start: 0, push });
  const plain = envoyGenerators(mesh);
  const orders: Name[][] = [['a1', 'a2', 't1', 's1', 'l1', 'l2', 'l3'], ['l3', 'l2', 'l1', 's1', 't1', 'a2', 'a1']];
  for (const order of orders) {
    const cache = new XdsCache();
    cache.onPush(req, push);
    const cached = envoyGenerators(mesh, cache);
    for (const name of order) {
      for (const kind of ['lds', 'cds', 'rds', 'eds'] as const) {
        const want = await gen(plain, kind, PROXIES[name], req);
        const got = await gen(cached, kind, PROXIES[name], req);
        assert.deepEqual(bytes(got), bytes(want), `${kind} ${name} (order ${order.join(',')})`);
        assert.equal(got.version, want.version, `${kind} ${name} version`);
      }
    }
    for (const t of Object.values(TYPES)) assert.ok(cache.stats(t).hits > 0, t);
  }
});

test('proxies whose inputs differ get different resources; the fixture really differs where it should', async () => {
  const push = pushFrom(fixture(), 1);
  const req = pushRequest({ full: true, reason: 'initial', start: 0, push });
  const cache = new XdsCache();
  cache.onPush(req, push);
  const g = envoyGenerators(mesh, cache);
  const cluster = async (n: Name) => bytes(await gen(g, 'cds', PROXIES[n], req)).get(CLUSTER);
  const route = async (n: Name) => bytes(await gen(g, 'rds', PROXIES[n], req)).get(ROUTE);
  const cases: Array<[string, () => Promise<unknown>, () => Promise<unknown>, boolean]> = [
    ['same namespace, different labels: same cluster', () => cluster('a1'), () => cluster('a2'), true],
    ['namespace-local DestinationRule: team differs', () => cluster('a1'), () => cluster('t1'), false],
    ['same namespace, no sourceLabels in scope: same routes', () => route('a1'), () => route('a2'), true],
    ['Sidecar scope: scoped differs from default', () => route('a1'), () => route('s1'), false],
    ['sourceLabels version=v1 vs v2: routes differ', () => route('l1'), () => route('l2'), false],
    ['sourceLabels: same version, other labels: labels are part of the key, bytes equal', () => route('l1'), () => route('l3'), true],
  ];
  for (const [name, a, b, same] of cases) {
    const [x, y] = [await a(), await b()];
    assert.ok(x !== undefined && y !== undefined, name);
    assert.equal(x === y, same, name);
  }
});

test('identical-scope proxies share entries: the second proxy causes no translation (no cache misses)', async () => {
  const push = pushFrom(fixture(), 1);
  const req = pushRequest({ full: true, reason: 'initial', start: 0, push });
  const cache = new XdsCache();
  cache.onPush(req, push);
  const g = envoyGenerators(mesh, cache);
  const snap = () => Object.fromEntries((['cds', 'rds', 'eds'] as const).map((k) => [k, { ...cache.stats(TYPES[k]) }]));
  for (const k of ['cds', 'rds', 'eds'] as const) await gen(g, k, PROXIES.a1, req);
  const first = snap();
  // default sees reviews, ratings and web (one port each): 3 outbound units; RDS: one name; EDS: three.
  assert.deepEqual(first, { cds: { hits: 0, misses: 3, stale: 0 }, rds: { hits: 0, misses: 1, stale: 0 }, eds: { hits: 0, misses: 3, stale: 0 } });
  for (const k of ['cds', 'rds', 'eds'] as const) await gen(g, k, PROXIES.a2, req);
  // a2 is of a1's class for this push: its clusters and assignments come from the class memo without
  // a single cache lookup; its route configuration is a cache hit.
  assert.deepEqual(snap(), { cds: { hits: 0, misses: 3, stale: 0 }, rds: { hits: 1, misses: 1, stale: 0 }, eds: { hits: 0, misses: 3, stale: 0 } });
  // t1 is another class: it shares the ratings and web clusters but not reviews (its own DestinationRule).
  await gen(g, 'cds', PROXIES.t1, req);
  assert.deepEqual(cache.stats(TypeUrl.Cluster), { hits: 2, misses: 4, stale: 0 });
});

test('a DestinationRule change invalidates only the clusters that apply it; a VirtualService change keeps every cluster', async () => {
  const push1 = pushFrom(fixture(), 1);
  const cache = new XdsCache();
  const g = envoyGenerators(mesh, cache);
  const plain = envoyGenerators(mesh);
  const req1 = pushRequest({ full: true, reason: 'initial', start: 0, push: push1 });
  cache.onPush(req1, push1);
  for (const n of ['a1', 't1'] as const) await gen(g, 'cds', PROXIES[n], req1);
  assert.equal(cache.size, 4, 'a1: reviews, ratings, web; t1 adds only its own reviews');

  const push2 = pushFrom(fixture({ teamLb: 'LEAST_REQUEST' }), 2);
  const req2 = pushRequest({ full: true, reason: 'config', start: 0, push: push2, configsUpdated: ['DestinationRule.networking.istio.io/team/reviews-team'] });
  cache.onPush(req2, push2);
  const before = { ...cache.stats(TypeUrl.Cluster) };
  for (const n of ['a1', 't1'] as const) {
    assert.deepEqual(bytes(await gen(g, 'cds', PROXIES[n], req2)), bytes(await gen(plain, 'cds', PROXIES[n], req2)), n);
  }
  const after = cache.stats(TypeUrl.Cluster);
  assert.deepEqual({ hits: after.hits - before.hits, misses: after.misses - before.misses }, { hits: 5, misses: 1 });

  const req3 = pushRequest({ full: true, reason: 'config', start: 0, push: push2, configsUpdated: ['VirtualService.networking.istio.io/labelled/reviews-by-source'] });
  cache.onPush(req3, push2);
  const b3 = { ...cache.stats(TypeUrl.Cluster) };
  // t1 has no Sidecar: the VirtualService push does not even ask for its clusters. s1's Sidecar
  // scope follows VirtualServices, so its clusters are assembled again, all from the cache.
  assert.equal(await g.get(TypeUrl.Cluster)!.generate(PROXIES.t1, { typeUrl: TypeUrl.Cluster, wildcard: true, names: new Set() }, req3), undefined);
  await gen(g, 'cds', PROXIES.s1, req3);
  assert.equal(cache.stats(TypeUrl.Cluster).misses - b3.misses, 0);
});

test('a VirtualService-only push skips CDS and EDS for sidecars without egress scoping; a Sidecar that imports through VirtualServices gets the new destination', async () => {
  const importer = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: alias, namespace: scoped }
spec:
  hosts: [alias.scoped.svc.cluster.local]
  http: [{ route: [{ destination: { host: reviews.default.svc.cluster.local } }] }]`;
  const push1 = pushFrom(fixture(), 1);
  const push2 = pushFrom(`${fixture()}\n---\n${importer}`, 2);
  const g = envoyGenerators(mesh);
  const vsOnly = pushRequest({ full: true, reason: 'config', start: 0, push: push2, configsUpdated: ['VirtualService.networking.istio.io/scoped/alias'] });
  const mixed = pushRequest({ full: true, reason: 'config', start: 0, push: push2, configsUpdated: ['VirtualService.networking.istio.io/scoped/alias', 'DestinationRule.networking.istio.io/team/reviews-team'] });
  const initial1 = pushRequest({ full: true, reason: 'initial', start: 0, push: push1 });
  const watch = (kind: 'cds' | 'eds') => ({ typeUrl: TYPES[kind], wildcard: kind === 'cds', names: new Set(kind === 'eds' ? EDS_NAMES : []), incremental: true });
  const cases: Array<[string, Name, PushRequest<PushContext>, 'cds' | 'eds', boolean]> = [
    ['no Sidecar, VirtualService-only: CDS skipped', 'a1', vsOnly, 'cds', false],
    ['no Sidecar, VirtualService-only: EDS skipped', 'a1', vsOnly, 'eds', false],
    ['no Sidecar, VirtualService + DestinationRule: CDS built', 'a1', mixed, 'cds', true],
    ['no Sidecar, VirtualService + DestinationRule: EDS built', 'a1', mixed, 'eds', true],
    ['egress Sidecar, VirtualService-only: CDS built', 's1', vsOnly, 'cds', true],
    ['egress Sidecar, VirtualService-only: EDS built', 's1', vsOnly, 'eds', true],
  ];
  for (const [name, p, req, kind, built] of cases) {
    const out = await g.get(TYPES[kind])!.generate(PROXIES[p], watch(kind), req);
    assert.equal(out !== undefined, built, name);
  }
  const names = async (req: PushRequest<PushContext>) => (await gen(g, 'cds', PROXIES.s1, req)).resources.map((r) => r.name).filter((n) => n.includes('reviews'));
  assert.deepEqual(await names(initial1), []);
  // (reviews' only DestinationRule is exported to `team` alone, so no subset cluster here.)
  assert.deepEqual(await names(vsOnly), ['outbound|9080||reviews.default.svc.cluster.local']);
});

test('an endpoint-only push re-translates only the changed service; delta gets just its assignment, SotW everything', async () => {
  const push1 = pushFrom(fixture(), 1);
  const cache = new XdsCache();
  const g = envoyGenerators(mesh, cache);
  const req1 = pushRequest({ full: true, reason: 'initial', start: 0, push: push1 });
  cache.onPush(req1, push1);
  const initial = await gen(g, 'eds', PROXIES.a1, req1, true);
  assert.equal(initial.partial, undefined);
  assert.deepEqual(initial.resources.map((r) => r.name).sort(), [...EDS_NAMES].sort());

  const push2 = pushFrom(fixture({ ratingsIp: '10.1.1.9' }), 2);
  const req2 = pushRequest({ full: false, reason: 'endpoint', start: 0, push: push2, configsUpdated: ['ServiceEntry/team/ratings.team.svc.cluster.local'] });
  cache.onPush(req2, push2);
  const before = { ...cache.stats(TypeUrl.ClusterLoadAssignment) };
  const delta = await gen(g, 'eds', PROXIES.a1, req2, true);
  assert.equal(delta.partial, true);
  assert.deepEqual(delta.resources.map((r) => r.name), ['outbound|9080||ratings.team.svc.cluster.local']);
  assert.ok(bytes(delta).get('outbound|9080||ratings.team.svc.cluster.local')!.includes(Buffer.from('10.1.1.9').toString('hex')));
  const sotw = await gen(g, 'eds', PROXIES.a1, req2, false);
  assert.equal(sotw.partial, undefined);
  assert.deepEqual(bytes(sotw), bytes(await gen(envoyGenerators(mesh), 'eds', PROXIES.a1, req2)));
  const after = cache.stats(TypeUrl.ClusterLoadAssignment);
  // Delta: one miss (ratings). SotW: ratings from the push's class memo, the two reviews assignments
  // are cache hits (they survived the endpoint push).
  assert.deepEqual({ hits: after.hits - before.hits, misses: after.misses - before.misses }, { hits: 2, misses: 1 });
});
