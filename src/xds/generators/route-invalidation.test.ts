// VirtualService edits and the shared cache: only the route configurations of the ports the
// VirtualService's hosts (before and after) are served on are rebuilt, plus 80 (which carries
// hosts outside the registry), and every proxy still gets exactly the uncached bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMeshConfig } from '../../api/mesh/index.js';
import { resolveMesh } from '../../pilot/model/mesh.js';
import { parseProxy } from '../../pilot/model/proxy.js';
import { PushContext } from '../../pilot/model/push-context.js';
import { ALL_ROUTES, L4_VIRTUAL_SERVICES, routePortDep, virtualServiceDeps } from '../../pilot/networking/cache-key.js';
import { SnapshotRegistry } from '../../pilot/serviceregistry/snapshot-registry.js';
import { snapshotFromYaml } from '../../pilot/test-fixtures.js';
import { TypeUrl } from '../../xds-api/index.js';
import { XdsCache } from '../cache.js';
import { pushRequest } from '../push-request.js';
import { envoyGenerators } from './envoy.js';

const svc = (name: string, ip: string, port: number) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { clusterIP: ${ip}, selector: { app: ${name} }, ports: [{ name: http, port: ${port} }] }`;
const vs = (name: string, host: string, header: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: default }
spec:
  hosts: [${host}]
  http: [{ match: [{ headers: { x-rev: { exact: ${header} } } }], route: [{ destination: { host: ${host.includes('.') ? host : `${host}.default.svc.cluster.local`} } }] }, { route: [{ destination: { host: web.default.svc.cluster.local } }] }]`;
const tcpVs = (name: string, host: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: default }
spec:
  hosts: [${host}]
  tcp: [{ route: [{ destination: { host: web.default.svc.cluster.local, port: { number: 80 } } }] }]`;
const delegate = (header: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api-delegate, namespace: default }
spec:
  http: [{ match: [{ headers: { x-d: { exact: ${header} } } }], route: [{ destination: { host: api.default.svc.cluster.local } }] }]`;
const root = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api-root, namespace: default }
spec:
  hosts: [api.default.svc.cluster.local]
  http: [{ delegate: { name: api-delegate, namespace: default } }]`;

const BASE = { web: vs('web-vs', 'web', 'r0'), grpc: vs('grpc-vs', 'grpc', 'r0'), ext: vs('ext-vs', 'ext.example.com', 'r0'), delegate: delegate('d0') };
type Parts = typeof BASE;
const yaml = (p: Parts) => [svc('web', '10.0.0.1', 80), svc('api', '10.0.0.2', 9080), svc('grpc', '10.0.0.3', 7070), p.web, p.grpc, p.ext, root, p.delegate].filter(Boolean).join('\n---\n');

const mesh = resolveMesh(applyMeshConfig({}));
function pushOf(p: Parts, version: number): PushContext {
  const snapshot = snapshotFromYaml(yaml(p), version);
  const registry = new SnapshotRegistry(mesh);
  registry.update(snapshot);
  return PushContext.build({ snapshot, registry, mesh });
}

const proxy = parseProxy('sidecar~10.2.0.1~client.default~default.svc.cluster.local', { NAMESPACE: 'default', LABELS: { app: 'client' } });
const ROUTES = ['80', '9080', '7070'];
const KEY = (name: string) => `VirtualService.networking.istio.io/default/${name}`;

test('virtualServiceDeps: the ports of the hosts before and after, 80 always, delegates unbounded', () => {
  const before = pushOf(BASE, 1);
  const cases: Array<[string, Partial<Parts>, string, string[]]> = [
    ['host on port 80 only', { web: vs('web-vs', 'web', 'r1') }, 'web-vs', [routePortDep(80)]],
    ['host on 7070', { grpc: vs('grpc-vs', 'grpc', 'r1') }, 'grpc-vs', [routePortDep(80), routePortDep(7070)]],
    ['host moved from grpc to api: both ports', { grpc: vs('grpc-vs', 'api', 'r1') }, 'grpc-vs', [routePortDep(80), routePortDep(7070), routePortDep(9080)]],
    ['deleted: the old hosts', { grpc: '' }, 'grpc-vs', [routePortDep(80), routePortDep(7070)]],
    ['outside the registry', { ext: vs('ext-vs', 'ext.example.com', 'r1') }, 'ext-vs', [routePortDep(80)]],
    ['delegate (no hosts)', { delegate: delegate('d1') }, 'api-delegate', [ALL_ROUTES]],
    ['tcp routes added: outbound listeners too', { grpc: tcpVs('grpc-vs', 'grpc') }, 'grpc-vs', [routePortDep(80), routePortDep(7070), L4_VIRTUAL_SERVICES]],
  ];
  for (const [name, change, vsName, want] of cases) {
    assert.deepEqual(virtualServiceDeps(KEY(vsName), pushOf({ ...BASE, ...change }, 2), before), want, name);
  }
});

test('after a VirtualService edit, cached route configurations equal the uncached ones and only touched ports are rebuilt', async () => {
  const cases: Array<[string, Partial<Parts>, string, string[]]> = [
    ['web (port 80)', { web: vs('web-vs', 'web', 'r1') }, 'web-vs', ['80']],
    ['grpc (port 7070)', { grpc: vs('grpc-vs', 'grpc', 'r1') }, 'grpc-vs', ['80', '7070']],
    ['grpc moved to api', { grpc: vs('grpc-vs', 'api', 'r1') }, 'grpc-vs', ['80', '9080', '7070']],
    ['grpc deleted', { grpc: '' }, 'grpc-vs', ['80', '7070']],
    ['external host', { ext: vs('ext-vs', 'ext.example.com', 'r1') }, 'ext-vs', ['80']],
    ['delegate of api', { delegate: delegate('d1') }, 'api-delegate', ['80', '9080', '7070']],
  ];
  for (const [name, change, vsName, rebuilt] of cases) {
    const cache = new XdsCache({ virtualServiceDeps: virtualServiceDeps });
    const cached = envoyGenerators(undefined, cache);
    const plain = envoyGenerators();
    const rds = async (g: typeof cached, req: ReturnType<typeof pushRequest<PushContext>>) =>
      (await g.get(TypeUrl.RouteConfiguration)!.generate(proxy, { typeUrl: TypeUrl.RouteConfiguration, wildcard: false, names: new Set(ROUTES) }, req))!;
    const push1 = pushOf(BASE, 1);
    const req1 = pushRequest({ full: true, reason: 'initial', start: 0, push: push1 });
    cache.onPush(req1, push1);
    await rds(cached, req1);
    const push2 = pushOf({ ...BASE, ...change }, 2);
    const req2 = pushRequest({ full: true, reason: 'config', start: 0, push: push2, configsUpdated: [KEY(vsName)] });
    cache.onPush(req2, push2);
    const before = { ...cache.stats(TypeUrl.RouteConfiguration) };
    const got = await rds(cached, req2);
    const want = await rds(plain, req2);
    assert.deepEqual(got.resources.map((r) => [r.name, r.version]), want.resources.map((r) => [r.name, r.version]), name);
    assert.notDeepEqual(got.resources.map((r) => r.version), (await rds(plain, req1)).resources.map((r) => r.version), `${name}: the edit changed something`);
    const after = cache.stats(TypeUrl.RouteConfiguration);
    assert.deepEqual({ misses: after.misses - before.misses, hits: after.hits - before.hits }, { misses: rebuilt.length, hits: ROUTES.length - rebuilt.length }, name);
  }
});

test('a sidecar\'s inbound listeners are reused across VirtualService-only pushes and rebuilt after any other', async () => {
  const cache = new XdsCache({ virtualServiceDeps: virtualServiceDeps });
  const lds = envoyGenerators(undefined, cache).get(TypeUrl.Listener)!;
  const plain = envoyGenerators().get(TypeUrl.Listener)!;
  // The client is itself a `web` workload, so it has inbound listeners for web's port.
  const web = parseProxy('sidecar~10.2.0.9~web-1.default~default.svc.cluster.local', { NAMESPACE: 'default', LABELS: { app: 'web' } });
  const pod = `
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: default, labels: { app: web } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.2.0.9, conditions: [{ type: Ready, status: "True" }] }`;
  const pushWith = (p: Parts, extra: string, version: number) => {
    const snapshot = snapshotFromYaml(`${yaml(p)}\n---\n${pod}${extra}`, version);
    const registry = new SnapshotRegistry(mesh);
    registry.update(snapshot);
    return PushContext.build({ snapshot, registry, mesh });
  };
  const watch = { typeUrl: TypeUrl.Listener, wildcard: true, names: new Set<string>() };
  const inboundOf = (g: Awaited<ReturnType<typeof lds.generate>>) => g!.resources.find((r) => r.name === 'virtualInbound')!;
  // [step, push, configsUpdated, full, LDS asked (EDS-only pushes do not), inbound reused]
  const steps: Array<[string, PushContext, string[], boolean, boolean, boolean]> = [
    ['initial', pushWith(BASE, '', 1), [], true, true, false],
    ['VirtualService edit: reused', pushWith({ ...BASE, web: vs('web-vs', 'web', 'r1') }, '', 2), [KEY('web-vs')], true, true, true],
    ['endpoint-only push (LDS not asked)', pushWith({ ...BASE, web: vs('web-vs', 'web', 'r1') }, '', 3), ['ServiceEntry/default/web.default.svc.cluster.local'], false, false, false],
    ['VirtualService edit after an endpoint push: rebuilt', pushWith({ ...BASE, web: vs('web-vs', 'web', 'r2') }, '', 4), [KEY('web-vs')], true, true, false],
    ['another VirtualService edit: reused', pushWith({ ...BASE, web: vs('web-vs', 'web', 'r3') }, '', 5), [KEY('web-vs')], true, true, true],
    ['DestinationRule and VirtualService: rebuilt', pushWith(BASE, '', 6), [KEY('web-vs'), 'DestinationRule.networking.istio.io/default/x'], true, true, false],
  ];
  let previous: ReturnType<typeof inboundOf> | undefined;
  for (const [name, push, keys, full, asked, reused] of steps) {
    const req = pushRequest({ full, reason: 'config', start: 0, push, configsUpdated: keys });
    cache.onPush(req, push);
    if (!asked) continue;
    const got = inboundOf(await lds.generate(web, watch, req));
    const want = inboundOf(await plain.generate(web, watch, req));
    assert.equal(got.version, want.version, `${name}: equal to the uncached translation`);
    assert.equal(got === previous, reused, `${name}: reused`);
    previous = got;
  }
});

test('outbound listeners are rebuilt after a VirtualService edit only when it has tcp or tls routes', async () => {
  const tcpSvc = `
apiVersion: v1
kind: Service
metadata: { name: cache, namespace: default }
spec: { clusterIP: 10.0.0.4, selector: { app: cache }, ports: [{ name: tcp-redis, port: 6379 }] }`;
  const tcpRoute = (port: number) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cache-vs, namespace: default }
spec:
  hosts: [cache.default.svc.cluster.local]
  tcp: [{ route: [{ destination: { host: cache.default.svc.cluster.local, port: { number: ${port} } } }] }]`;
  const pushWith = (p: Parts, tcp: string, version: number) => {
    const snapshot = snapshotFromYaml(`${yaml(p)}\n---\n${tcpSvc}\n---\n${tcp}`, version);
    const registry = new SnapshotRegistry(mesh);
    registry.update(snapshot);
    return PushContext.build({ snapshot, registry, mesh });
  };
  const cache = new XdsCache({ virtualServiceDeps });
  const lds = envoyGenerators(undefined, cache).get(TypeUrl.Listener)!;
  const plain = envoyGenerators().get(TypeUrl.Listener)!;
  const watch = { typeUrl: TypeUrl.Listener, wildcard: true, names: new Set<string>() };
  const steps: Array<[string, PushContext, string[], { hits: number; misses: number }]> = [
    ['initial', pushWith(BASE, tcpRoute(6379), 1), [], { hits: 0, misses: 1 }],
    ['http-only VirtualService edit: outbound listeners from the cache', pushWith({ ...BASE, web: vs('web-vs', 'web', 'r1') }, tcpRoute(6379), 2), [KEY('web-vs')], { hits: 1, misses: 0 }],
    ['tcp VirtualService edit: rebuilt', pushWith({ ...BASE, web: vs('web-vs', 'web', 'r1') }, tcpRoute(6380), 3), [KEY('cache-vs')], { hits: 0, misses: 1 }],
  ];
  for (const [name, push, keys, counts] of steps) {
    const req = pushRequest({ full: true, reason: 'config', start: 0, push, configsUpdated: keys });
    cache.onPush(req, push);
    const before = { ...cache.stats(TypeUrl.Listener) };
    const got = (await lds.generate(proxy, watch, req))!;
    const after = cache.stats(TypeUrl.Listener);
    assert.deepEqual({ hits: after.hits - before.hits, misses: after.misses - before.misses }, counts, name);
    assert.deepEqual(got.resources.map((r) => [r.name, r.version]), (await plain.generate(proxy, watch, req))!.resources.map((r) => [r.name, r.version]), `${name}: equal to uncached`);
  }
});

test('under a Sidecar egress scope, a VirtualService edit that imports a destination from another namespace rebuilds that port\'s listeners and routes', async () => {
  const sidecar = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: default }
spec: { egress: [{ hosts: ["./*"] }] }`;
  const other = `
apiVersion: v1
kind: Service
metadata: { name: api, namespace: other }
spec: { clusterIP: 10.0.1.2, selector: { app: api }, ports: [{ name: http, port: 9080 }] }`;
  const webVs = (dest: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web-vs, namespace: default }
spec:
  hosts: [web]
  http: [{ route: [{ destination: { host: ${dest} } }] }]`;
  const pushWith = (dest: string, version: number) => {
    const snapshot = snapshotFromYaml([svc('web', '10.0.0.1', 80), other, sidecar, webVs(dest)].join('\n---\n'), version);
    const registry = new SnapshotRegistry(mesh);
    registry.update(snapshot);
    return PushContext.build({ snapshot, registry, mesh });
  };
  const cache = new XdsCache({ virtualServiceDeps });
  const cached = envoyGenerators(undefined, cache);
  const plain = envoyGenerators();
  const routes = { typeUrl: TypeUrl.RouteConfiguration, wildcard: false, names: new Set(['80', '9080']) };
  const listeners = { typeUrl: TypeUrl.Listener, wildcard: true, names: new Set<string>() };
  const both = async (g: typeof cached, req: ReturnType<typeof pushRequest<PushContext>>) => {
    const out = [];
    for (const [type, w] of [[TypeUrl.Listener, listeners], [TypeUrl.RouteConfiguration, routes]] as const) {
      out.push(...(await g.get(type)!.generate(proxy, w, req))!.resources.map((r) => [type, r.name, r.version]));
    }
    return out;
  };
  const push1 = pushWith('web', 1);
  const req1 = pushRequest({ full: true, reason: 'initial', start: 0, push: push1 });
  cache.onPush(req1, push1);
  const first = await both(cached, req1);
  assert.ok(!first.some(([, name]) => name === '0.0.0.0_9080'), 'api is not in scope before the edit');
  const push2 = pushWith('api.other.svc.cluster.local', 2);
  const req2 = pushRequest({ full: true, reason: 'config', start: 0, push: push2, configsUpdated: [KEY('web-vs')] });
  cache.onPush(req2, push2);
  const got = await both(cached, req2);
  assert.deepEqual(got, await both(plain, req2));
  assert.ok(got.some(([, name]) => name === '0.0.0.0_9080'), 'the edit imported api:9080 into the scope');
});
