// Warming as Envoy does it: clusters wait for their endpoints and listeners for their routes;
// a changed resource keeps its previous version live until the new one is warm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, WellKnownName, encodeAny, typedAny } from '../../xds-api/index.js';
import { resourceTypes } from './resource-types.js';
import { XdsState, leadingName } from './xds-state.js';

const ads = { ads: {}, resource_api_version: 'V3' as const };
const cluster = (name: string, svc = name) => ({ any: encodeAny(TypeUrl.Cluster, { name, type: 'EDS', eds_cluster_config: { eds_config: ads, service_name: svc } }) });
const cla = (name: string, ip: string) => ({ any: encodeAny(TypeUrl.ClusterLoadAssignment, { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: 80 } } } }] }] }) });
const listener = (name: string, rds: string) => ({ any: encodeAny(TypeUrl.Listener, {
  name, address: { socket_address: { address: '127.0.0.1', port_value: 1 } },
  filter_chains: [{ filters: [{ name: 'hcm', typed_config: typedAny(TypeUrl.HttpConnectionManager, { stat_prefix: name, rds: { route_config_name: rds, config_source: ads }, http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }] }) }] }],
}) });
const route = (name: string) => ({ any: encodeAny(TypeUrl.RouteConfiguration, { name, virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'a' } }] }] }) });

function applied(s: XdsState) {
  const a = s.assemble();
  s.commit();
  return {
    clusters: a.config.clusters.map((c) => c.name),
    endpoints: Object.fromEntries((a.config.endpoints ?? []).map((e) => [e.clusterName, e.endpoints.map((x) => x.address)])),
    listeners: a.config.listeners.map((l) => l.name),
    warming: a.warming,
    nextTimeoutAt: a.nextTimeoutAt,
  };
}

test('clusters warm with their endpoints; a changed cluster keeps its old version until the new one is warm', () => {
  const now = 1000;
  const s = new XdsState(resourceTypes(), 15_000, () => now);
  s.update(s.clusters, [cluster('a'), cluster('b')], 'v1', 'absent');
  assert.equal(s.clustersInitialized(), false);
  assert.deepEqual(applied(s), { clusters: [], endpoints: {}, listeners: [], warming: { listeners: [], clusters: ['a', 'b'] }, nextTimeoutAt: 16_000 });
  s.update(s.endpoints, [cla('a', '10.0.0.1')], 'v1', []);
  assert.deepEqual(applied(s).clusters, ['a']);
  s.update(s.endpoints, [cla('b', '10.0.0.2')], 'v1', []);
  assert.equal(s.clustersInitialized(), true);
  assert.deepEqual(applied(s).endpoints, { a: ['10.0.0.1'], b: ['10.0.0.2'] });
  // b now reads endpoints from another EDS name that has not arrived: the old b keeps serving.
  s.update(s.clusters, [cluster('a'), cluster('b', 'b-v2')], 'v2', 'absent');
  assert.deepEqual(s.edsWanted(), new Set(['a', 'b-v2']));
  const mid = applied(s);
  assert.deepEqual(mid.warming.clusters, ['b']);
  assert.deepEqual(mid.endpoints, { a: ['10.0.0.1'], b: ['10.0.0.2'] });
  s.update(s.endpoints, [cla('b-v2', '10.0.0.9')], 'v2', []);
  assert.deepEqual(applied(s).endpoints, { a: ['10.0.0.1'], b: ['10.0.0.9'] });
  // A cluster removed from a SotW CDS response goes away.
  s.update(s.clusters, [cluster('a')], 'v3', 'absent');
  assert.deepEqual(applied(s).clusters, ['a']);
});

test('listeners wait for their route configuration, or go live without it after the initial fetch timeout', () => {
  let now = 0;
  const s = new XdsState(resourceTypes(), 15_000, () => now);
  s.update(s.clusters, [], 'v1', 'absent');
  s.update(s.listeners, [listener('l1', 'r1'), listener('l2', 'r2')], 'v1', 'absent');
  assert.deepEqual(s.rdsWanted(), new Set(['r1', 'r2']));
  s.update(s.routes, [route('r1')], 'v1', []);
  const a = applied(s);
  assert.deepEqual([a.listeners, a.warming.listeners, a.nextTimeoutAt], [['l1'], ['l2'], 15_000]);
  assert.equal(s.fullyWarm(s.assemble()), false);
  now = 15_000;
  const b = applied(s);
  assert.deepEqual([b.listeners, b.warming.listeners], [['l1', 'l2'], []]);
});

test('a rejected resource keeps its last good version; rollback restores the entries', () => {
  const s = new XdsState(resourceTypes(), 0);
  s.update(s.routes, [route('r1')], 'v1', []);
  const bad = { any: encodeAny(TypeUrl.RouteConfiguration, { name: 'r1', virtual_hosts: [{ name: 'vh', domains: [] }] }) };
  const r = s.update(s.routes, [bad, route('r2')], 'v2', []);
  assert.deepEqual(r.errors.map((e) => [e.name, e.details]), [['r1', 'virtual_hosts[0].domains: at least one domain is required']]);
  assert.deepEqual([...s.routes.entries.keys()], ['r1', 'r2']);
  assert.equal(s.routes.entries.get('r1')!.version, 'v1');
  r.rollback();
  assert.deepEqual([...s.routes.entries.keys()], ['r1']);
});

test('leadingName reads field 1 (name / cluster_name) without decoding, or gives up', () => {
  const long = 'x'.repeat(300); // a two-byte length varint
  const cases: Array<[string, Uint8Array, string | undefined]> = [
    ['cluster', cluster('outbound|80||a.b.svc.cluster.local').any.value, 'outbound|80||a.b.svc.cluster.local'],
    ['load assignment', cla('c1', '10.0.0.1').any.value, 'c1'],
    ['listener, long name', listener(long, 'r').any.value, long],
    ['route', route('9080').any.value, '9080'],
    ['empty', new Uint8Array(0), undefined],
    ['another field first', Uint8Array.from([0x12, 0x01, 0x61]), undefined],
    ['length past the end', Uint8Array.from([0x0a, 0x05, 0x61]), undefined],
    ['unterminated varint', Uint8Array.from([0x0a, 0xff, 0xff]), undefined],
  ];
  for (const [what, bytes, want] of cases) assert.equal(leadingName(bytes), want, what);
});

test('a resent resource with the same bytes keeps its entry without decoding; changed bytes decode; stored bytes are a private copy', () => {
  let decodes = 0;
  const types = resourceTypes();
  const counting = { ...types, cluster: { ...types.cluster, decode: (...a: Parameters<typeof types.cluster.decode>) => { decodes++; return types.cluster.decode(...a); } } };
  const s = new XdsState(counting, 15_000, () => 0);
  // A SotW response: the Anys are views into one shared buffer, as gRPC hands them over.
  const a = cluster('a').any.value;
  const b = cluster('b').any.value;
  const wire = Buffer.concat([a, b]);
  const view = (off: number, len: number) => ({ any: { type_url: TypeUrl.Cluster, value: wire.subarray(off, off + len) } });
  s.update(s.clusters, [view(0, a.length), view(a.length, b.length)], 'v1', 'absent');
  assert.equal(decodes, 2);
  const first = s.clusters.entries.get('a')!;
  wire.fill(0);
  assert.equal(leadingName(first.resource.any.value), 'a');
  assert.equal(leadingName(s.clusters.entries.get('b')!.resource.any.value), 'b');
  s.update(s.clusters, [cluster('a'), cluster('b', 'b-v2')], 'v2', 'absent');
  assert.equal(decodes, 3);
  assert.equal(s.clusters.entries.get('a')!.resource, first.resource);
  assert.equal(s.clusters.entries.get('a')!.version, 'v2');
  assert.equal(s.clusters.entries.get('b')!.resource.value.edsServiceName, 'b-v2');
});
