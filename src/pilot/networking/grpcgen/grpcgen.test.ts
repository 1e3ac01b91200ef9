import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAny, encodeAny, TypeUrl } from '../../../xds-api/index.js';
import { resolveMesh } from '../../model/mesh.js';
import { parseProxy } from '../../model/proxy.js';
import { PushContext } from '../../model/push-context.js';
import { SnapshotRegistry } from '../../serviceregistry/snapshot-registry.js';
import { snapshotFromYaml } from '../../test-fixtures.js';
import { buildGrpcClusters, buildGrpcEndpoints, buildGrpcListeners, buildGrpcRoutes, expandShortName, listenerSelections, parseClusterKey } from './index.js';

const HOST = 'echo.default.svc.cluster.local';

const BASE = `
apiVersion: v1
kind: Service
metadata: { name: echo, namespace: default }
spec: { clusterIP: 10.0.0.7, selector: { app: echo }, ports: [{ name: grpc, port: 7070 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: echo-1, namespace: default, labels: { kubernetes.io/service-name: echo } }
addressType: IPv4
ports: [{ name: grpc, port: 17070 }]
endpoints:
- { addresses: [127.0.0.11], targetRef: { kind: Pod, name: echo-v1, namespace: default } }
- { addresses: [127.0.0.12], targetRef: { kind: Pod, name: echo-v2, namespace: default } }
---
apiVersion: v1
kind: Pod
metadata: { name: echo-v1, namespace: default, labels: { app: echo, version: v1 } }
spec: { containers: [{ name: app, image: echo }] }
status: { podIP: 127.0.0.11, phase: Running, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: echo-v2, namespace: default, labels: { app: echo, version: v2 } }
spec: { containers: [{ name: app, image: echo }] }
status: { podIP: 127.0.0.12, phase: Running, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: echo, namespace: default }
spec:
  host: echo
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }
---`;

const VS = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: echo, namespace: default }
spec:
  hosts: [echo]
  http:
  - name: canary
    match: [{ headers: { x-canary: { exact: "yes" } } }]
    route: [{ destination: { host: echo, subset: v2 } }]
  - name: aborted
    match: [{ uri: { prefix: /echo.Echo/Fail } }]
    fault: { abort: { grpcStatus: ABORTED, percentage: { value: 100 } } }
    route: [{ destination: { host: echo, subset: v1 } }]
  - name: split
    timeout: 2.5s
    route:
    - { destination: { host: echo, subset: v1 }, weight: 80 }
    - { destination: { host: echo, subset: v2 }, weight: 20 }
---`;

function setup(yaml: string) {
  const snapshot = snapshotFromYaml(yaml);
  const mesh = resolveMesh({});
  const registry = new SnapshotRegistry(mesh);
  registry.update(snapshot);
  const push = PushContext.build({ snapshot, registry, mesh });
  const proxy = parseProxy('sidecar~127.0.0.1~client.default~default.svc.cluster.local', { GENERATOR: 'grpc', NAMESPACE: 'default' });
  return { push, proxy };
}

/** Round-trips through protobuf so the assertions see exactly what a client decodes. */
function wire<U extends string>(typeUrl: U, msg: object) {
  return decodeAny(encodeAny(typeUrl, msg as never), typeUrl);
}

test('cluster keys parse only in Istio form', () => {
  const cases: Array<[string, ReturnType<typeof parseClusterKey>]> = [
    [`outbound|7070|v1|${HOST}`, { direction: 'outbound', port: 7070, subset: 'v1', hostname: HOST }],
    [`outbound|7070||${HOST}`, { direction: 'outbound', port: 7070, subset: '', hostname: HOST }],
    [`inbound|80||`, undefined],
    [`outbound|http||${HOST}`, undefined],
    [`outbound|0||${HOST}`, undefined],
    [HOST, undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(parseClusterKey(name), want, name);
});

test('short names expand in the client namespace only', () => {
  const dom = 'default.svc.cluster.local';
  const cases: Array<[string, string | undefined]> = [
    ['echo', HOST], ['echo.default', HOST], ['echo.default.svc', HOST], [HOST, undefined], ['echo.other', undefined],
  ];
  for (const [name, want] of cases) assert.equal(expandShortName(name, 'default', dom), want, name);
  const sel = listenerSelections(['echo:7070', `${HOST}:7070`, 'other.ns.svc.cluster.local'], 'default', dom);
  assert.deepEqual([...sel.get(HOST)!.requestedHosts].sort(), ['echo', HOST]);
  assert.deepEqual([...sel.get(HOST)!.ports], [7070]);
  assert.deepEqual([...sel.get('other.ns.svc.cluster.local')!.ports], [], 'no port: every port');
});

test('LDS: an api_listener per requested host:port with RDS over ADS, fault then router', () => {
  const { push, proxy } = setup(BASE);
  const ls = buildGrpcListeners(proxy, push, [`${HOST}:7070`, 'echo:7070', `${HOST}:9999`, 'nope.default.svc.cluster.local:1']);
  assert.deepEqual(ls.map((l) => l.name), ['echo:7070', `${HOST}:7070`]);
  const l = wire(TypeUrl.Listener, ls[1].listener);
  assert.equal(l.address?.socket_address?.address, '10.0.0.7');
  assert.equal(l.address?.socket_address?.port_value, 7070);
  const hcm = decodeAny(l.api_listener!.api_listener!, TypeUrl.HttpConnectionManager);
  assert.deepEqual(hcm.http_filters.map((f) => [f.name, f.typed_config?.type_url]), [
    ['envoy.filters.http.fault', TypeUrl.Fault], ['envoy.filters.http.router', TypeUrl.Router],
  ]);
  assert.equal(hcm.rds?.route_config_name, `outbound|7070||${HOST}`);
  assert.ok(hcm.rds?.config_source?.ads);
  assert.deepEqual(buildGrpcListeners(proxy, push, []).map((x) => x.name), [`${HOST}:7070`], 'wildcard: FQDNs');
});

test('RDS without a VirtualService: the default route to the service cluster', () => {
  const { push, proxy } = setup(BASE);
  const [rc] = buildGrpcRoutes(proxy, push, [`outbound|7070||${HOST}`, 'garbage']).map((r) => wire(TypeUrl.RouteConfiguration, r.routeConfiguration));
  assert.equal(rc.virtual_hosts.length, 1);
  const vh = rc.virtual_hosts[0];
  assert.equal(vh.name, `${HOST}:7070`);
  assert.deepEqual(vh.domains, [HOST, `${HOST}:7070`, 'echo', 'echo:7070', 'echo.default', 'echo.default:7070', 'echo.default.svc', 'echo.default.svc:7070', '10.0.0.7:7070']);
  assert.equal(vh.routes.length, 1);
  assert.equal(vh.routes[0].match?.prefix, '/');
  assert.equal(vh.routes[0].route?.cluster, `outbound|7070||${HOST}`);
  assert.equal(vh.routes[0].route?.retry_policy?.num_retries?.value, 2);
});

test('RDS with a VirtualService: header match, gRPC-status fault, 80/20 weighted subsets, timeout', () => {
  const { push, proxy } = setup(BASE + VS);
  const [rc] = buildGrpcRoutes(proxy, push, [`outbound|7070||${HOST}`]).map((r) => wire(TypeUrl.RouteConfiguration, r.routeConfiguration));
  const routes = rc.virtual_hosts[0].routes;
  assert.deepEqual(routes.map((r) => r.name), ['canary', 'aborted', 'split']);
  assert.deepEqual(routes[0].match?.headers.map((h) => [h.name, h.string_match?.exact]), [['x-canary', 'yes']]);
  assert.equal(routes[0].route?.cluster, `outbound|7070|v2|${HOST}`);
  assert.equal(routes[1].match?.prefix, '/echo.Echo/Fail');
  const fault = decodeAny(routes[1].typed_per_filter_config['envoy.filters.http.fault'], TypeUrl.Fault);
  assert.equal(fault.abort?.grpc_status, 10);
  assert.deepEqual([fault.abort?.percentage?.numerator, fault.abort?.percentage?.denominator], [1_000_000, 'MILLION']);
  assert.deepEqual(routes[2].route?.weighted_clusters?.clusters.map((c) => [c.name, c.weight?.value]), [
    [`outbound|7070|v1|${HOST}`, 80], [`outbound|7070|v2|${HOST}`, 20],
  ]);
  assert.deepEqual(routes[2].route?.max_stream_duration?.max_stream_duration, { seconds: '2', nanos: 500_000_000 });
});

test('CDS: default and subset EDS clusters, only those named', () => {
  const { push, proxy } = setup(BASE);
  const all = buildGrpcClusters(proxy, push, []);
  assert.deepEqual(all.map((c) => c.name), [`outbound|7070||${HOST}`, `outbound|7070|v1|${HOST}`, `outbound|7070|v2|${HOST}`]);
  const named = buildGrpcClusters(proxy, push, [`outbound|7070|v2|${HOST}`, `outbound|7070|v9|${HOST}`, `outbound|1||${HOST}`]);
  assert.deepEqual(named.map((c) => c.name), [`outbound|7070|v2|${HOST}`]);
  const c = wire(TypeUrl.Cluster, named[0].cluster);
  assert.equal(c.type, 'EDS');
  assert.equal(c.eds_cluster_config?.service_name, `outbound|7070|v2|${HOST}`);
  assert.ok(c.eds_cluster_config?.eds_config?.ads);
});

test('EDS: endpoints by subset labels, weighted localities', () => {
  const { push, proxy } = setup(BASE);
  const cases: Array<[string, string[]]> = [
    [`outbound|7070||${HOST}`, ['127.0.0.11:17070', '127.0.0.12:17070']],
    [`outbound|7070|v1|${HOST}`, ['127.0.0.11:17070']],
    [`outbound|7070|v2|${HOST}`, ['127.0.0.12:17070']],
    [`outbound|7070|v3|${HOST}`, []],
  ];
  for (const [name, want] of cases) {
    const [la] = buildGrpcEndpoints(proxy, push, [name]).map((x) => wire(TypeUrl.ClusterLoadAssignment, x.loadAssignment));
    assert.equal(la.cluster_name, name);
    const got = la.endpoints.flatMap((l) => l.lb_endpoints.map((e) => `${e.endpoint?.address?.socket_address?.address}:${e.endpoint?.address?.socket_address?.port_value}`));
    assert.deepEqual(got, want, name);
    for (const l of la.endpoints) assert.equal(l.load_balancing_weight?.value, l.lb_endpoints.length, 'locality weight = sum of endpoint weights');
  }
});

test('LDS inbound: a gRPC server at a workload address gets a listener for its serving ports only', () => {
  const { push } = setup(BASE);
  const server = parseProxy('sidecar~127.0.0.11~echo-v1.default~default.svc.cluster.local', { GENERATOR: 'grpc', NAMESPACE: 'default' });
  const names = ['xds.istio.io/grpc/lds/inbound/0.0.0.0:17070', 'xds.istio.io/grpc/lds/inbound/0.0.0.0:9999'];
  const ls = buildGrpcListeners(server, push, names);
  assert.deepEqual(ls.map((l) => l.name), [names[0]]);
  const l = wire(TypeUrl.Listener, ls[0].listener);
  assert.deepEqual([l.address?.socket_address?.address, l.address?.socket_address?.port_value], ['0.0.0.0', 17070]);
  const hcm = decodeAny(l.filter_chains[0].filters[0].typed_config!, TypeUrl.HttpConnectionManager);
  assert.deepEqual(hcm.http_filters.map((f) => f.name), ['envoy.filters.http.router']);
  const route = hcm.route_config!.virtual_hosts[0].routes[0];
  assert.equal(route.match?.prefix, '/');
  assert.ok(route.non_forwarding_action);
  assert.deepEqual(buildGrpcListeners(parseProxy('sidecar~10.9.9.9~x.default~default.svc.cluster.local', { GENERATOR: 'grpc' }), push, names), []);
});
