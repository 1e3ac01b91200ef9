// Protocol behaviour of the ADS server over a real gRPC connection on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { TypeUrl, WellKnownName, decodeAny, encodeAny, typedAny, type Any__Output } from '../xds-api/index.js';
import type { Generator } from './generator.js';
import { pushRequest } from './push-request.js';
import { AdsServer } from './server.js';
import { TestAdsClient, testNode } from './testing/ads-test-client.js';
import { snapshotInconsistencies } from './testing/consistency.js';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;
const RDS = TypeUrl.RouteConfiguration;
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

/** A mutable snapshot standing in for translation: generators read whatever it holds now. */
class FakeSnapshot {
  version = 'v1';
  readonly byType = new Map<string, Map<string, Any__Output>>([[LDS, new Map()], [RDS, new Map()], [CDS, new Map()], [EDS, new Map()]]);
  calls: Array<{ proxy: string; type: string; names: string[]; wildcard: boolean; full: boolean; reason: string }> = [];

  set(type: string, name: string, any: Any__Output | undefined): void {
    if (any) this.byType.get(type)!.set(name, any);
    else this.byType.get(type)!.delete(name);
  }

  generator(type: string): Generator<string> {
    return {
      generate: (proxy, watch, req) => {
        this.calls.push({ proxy: proxy.id, type, names: [...watch.names], wildcard: watch.wildcard, full: req.full, reason: [...req.reason.keys()].join(',') });
        return { version: this.version, resources: [...this.byType.get(type)!].map(([name, resource]) => ({ name, resource })) };
      },
    };
  }

  all() {
    const list = (t: string) => [...this.byType.get(t)!.values()];
    return { listeners: list(LDS), routes: list(RDS), clusters: list(CDS), endpoints: list(EDS) };
  }
}

function listener(name: string, port: number, rds: string) {
  return encodeAny(LDS, {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, {
      stat_prefix: name, rds: { route_config_name: rds, config_source: { ads: {}, resource_api_version: 'V3' } },
      http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }],
    }) }] }],
  });
}
const route = (name: string, cluster: string) => encodeAny(RDS, { name, virtual_hosts: [{ name: 'reviews.default.svc.cluster.local:9080', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] });
const cluster = (name: string) => encodeAny(CDS, { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } } });
const cla = (name: string, ip: string) => encodeAny(EDS, { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: 9080 } } } }] }] });
const names = (rs: Any__Output[], type: string) => rs.map((r) => {
  const m = decodeAny(r, type) as { name?: string; cluster_name?: string };
  return m.name ?? m.cluster_name;
}).sort();

let snap: FakeSnapshot;
let server: AdsServer<string>;
let port: number;
const clients: TestAdsClient[] = [];

function seed(): void {
  snap.version = 'v1';
  for (const m of snap.byType.values()) m.clear();
  snap.set(LDS, '0.0.0.0_9080', listener('0.0.0.0_9080', 9080, '9080'));
  snap.set(RDS, '9080', route('9080', REVIEWS));
  snap.set(CDS, REVIEWS, cluster(REVIEWS));
  snap.set(CDS, RATINGS, cluster(RATINGS));
  snap.set(EDS, REVIEWS, cla(REVIEWS, '10.0.0.1'));
  snap.set(EDS, RATINGS, cla(RATINGS, '10.0.0.2'));
  snap.calls = [];
}

function connect(): TestAdsClient {
  seed();
  const c = new TestAdsClient(port);
  clients.push(c);
  return c;
}

before(async () => {
  snap = new FakeSnapshot();
  server = new AdsServer<string>({
    generators: new Map([LDS, RDS, CDS, EDS].map((t) => [t, snap.generator(t)])),
    debounce: { quietMs: 10, maxMs: 100 },
    controlPlaneId: 'istiod-test',
  });
  port = await server.listen('127.0.0.1:0');
});

after(async () => {
  for (const c of clients) c.close();
  await server.close(500);
});

const waitFor = async (cond: () => boolean, what: string, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const syncFor = (nodeIdPart: string) => server.syncz().filter((s) => s.nodeId.includes(nodeIdPart));

test('TestInitialRequest: wildcard CDS gets every cluster with version, nonce and type URL', async () => {
  const c = connect();
  assert.deepEqual(snapshotInconsistencies(snap.all()), []);
  c.send({ node: testNode('sidecar~10.1.1.1~initial.default~default.svc.cluster.local'), type_url: CDS });
  const r = await c.next();
  assert.equal(r.type_url, CDS);
  assert.equal(r.version_info, 'v1');
  assert.match(r.nonce, /^[0-9a-f]{8}-[0-9a-z]+$/);
  assert.equal(r.control_plane?.identifier, 'istiod-test');
  assert.ok(r.resources.every((a) => a.type_url === CDS));
  assert.deepEqual(names(r.resources, CDS), [RATINGS, REVIEWS]);
  assert.deepEqual(snap.calls, [{ proxy: 'initial.default', type: CDS, names: [], wildcard: true, full: true, reason: 'initial' }]);
});

test('TestAck: an ACK is recorded and not answered', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~ack.default~default.svc.cluster.local'), type_url: CDS });
  const r = await c.next();
  c.send({ type_url: CDS, version_info: r.version_info, response_nonce: r.nonce });
  await c.expectSilence();
  const [s] = syncFor('~ack.default~');
  assert.deepEqual(s.types.map((t) => [t.type, t.state, t.sentVersion, t.ackedVersion, t.ackedNonce === r.nonce]), [['CDS', 'ACKED', 'v1', 'v1', true]]);
  assert.equal(s.proxyId, 'ack.default');
  assert.match(s.connectionId, /^ack\.default-\d+$/);
});

test('TestNack: a NACK is recorded, the rejected config is not resent, and a new version is pushed', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~nack.default~default.svc.cluster.local'), type_url: CDS });
  const r1 = await c.next();
  c.send({ type_url: CDS, version_info: r1.version_info, response_nonce: r1.nonce });
  // The ACK must land before the push; otherwise it acknowledges an older nonce and is dropped.
  await waitFor(() => syncFor('~nack.default~')[0]?.types[0]?.state === 'ACKED', 'ACK');
  snap.version = 'v2';
  snap.set(CDS, 'bad', cluster('bad'));
  await server.pushAll(pushRequest({ full: true, reason: 'config', start: 0 }));
  const r2 = await c.next();
  assert.equal(r2.version_info, 'v2');
  c.send({ type_url: CDS, version_info: 'v1', response_nonce: r2.nonce, error_detail: { code: 3, message: 'cluster bad: invalid' } });
  await c.expectSilence();
  const t = syncFor('~nack.default~')[0].types[0];
  assert.equal(t.state, 'NACKED');
  assert.deepEqual(t.lastNack, { message: 'cluster bad: invalid', code: 3, nonce: r2.nonce, keptVersion: 'v1' });
  assert.equal(t.ackedVersion, 'v1');
  // Another push of the same (rejected) version is not sent.
  await server.pushAll(pushRequest({ full: true, reason: 'config', start: 0 }));
  await c.expectSilence();
  snap.version = 'v3';
  snap.set(CDS, 'bad', undefined);
  await server.pushAll(pushRequest({ full: true, reason: 'config', start: 0 }));
  const r3 = await c.next();
  assert.equal(r3.version_info, 'v3');
  assert.deepEqual(names(r3.resources, CDS), [RATINGS, REVIEWS]);
});

test('TestStaleNonce: a request with an old nonce is dropped, even if it changes names', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~stale.default~default.svc.cluster.local'), type_url: EDS, resource_names: [REVIEWS] });
  const r1 = await c.next();
  snap.version = 'v2';
  await server.pushAll(pushRequest({ full: false, reason: 'endpoint', start: 0 }));
  const r2 = await c.next();
  assert.notEqual(r1.nonce, r2.nonce);
  c.send({ type_url: EDS, version_info: r1.version_info, response_nonce: r1.nonce, resource_names: [REVIEWS, RATINGS] });
  await c.expectSilence();
  const t = syncFor('~stale.default~')[0].types[0];
  assert.deepEqual(t.names, [REVIEWS]);
  assert.equal(t.state, 'STALE');
  c.send({ type_url: EDS, version_info: r2.version_info, response_nonce: r2.nonce, resource_names: [REVIEWS, RATINGS] });
  const r3 = await c.next();
  assert.deepEqual(names(r3.resources, EDS), [RATINGS, REVIEWS]);
});

test('TestUnsubscribe: removed names get no response, later pushes carry only what is left, no names drops the watch', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~unsub.default~default.svc.cluster.local'), type_url: EDS, resource_names: [REVIEWS, RATINGS] });
  const r1 = await c.next();
  assert.deepEqual(names(r1.resources, EDS), [RATINGS, REVIEWS]);
  c.send({ type_url: EDS, version_info: r1.version_info, response_nonce: r1.nonce, resource_names: [REVIEWS] });
  await c.expectSilence();
  snap.version = 'v2';
  await server.pushAll(pushRequest({ full: false, reason: 'endpoint', start: 0 }));
  const r2 = await c.next();
  assert.deepEqual(names(r2.resources, EDS), [REVIEWS]);
  c.send({ type_url: EDS, version_info: r2.version_info, response_nonce: r2.nonce, resource_names: [] });
  await c.expectSilence();
  assert.deepEqual(syncFor('~unsub.default~')[0].types, []);
  snap.version = 'v3';
  await server.pushAll(pushRequest({ full: true, reason: 'config', start: 0 }));
  await c.expectSilence();
});

test('TestReconnectWithVersions: a new stream that already holds a version is resynced in full', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~reconnect.default~default.svc.cluster.local'), type_url: CDS, version_info: 'v0', response_nonce: 'from-old-istiod' });
  const r = await c.next();
  assert.equal(r.version_info, 'v1');
  assert.deepEqual(names(r.resources, CDS), [RATINGS, REVIEWS]);
  assert.deepEqual(snap.calls.filter((x) => x.proxy === 'reconnect.default').map((x) => x.reason), ['reconnect']);
});

test('TestWildcardVsNamed: LDS/CDS wildcard get everything, RDS/EDS and named LDS only what they name', async () => {
  const c = connect();
  snap.set(LDS, '0.0.0.0_8080', listener('0.0.0.0_8080', 8080, '8080'));
  snap.set(RDS, '8080', route('8080', RATINGS));
  assert.deepEqual(snapshotInconsistencies(snap.all()), []);
  const node = testNode('sidecar~10.1.1.1~wild.default~default.svc.cluster.local');
  c.send({ node, type_url: LDS });
  assert.deepEqual(names((await c.next()).resources, LDS), ['0.0.0.0_8080', '0.0.0.0_9080']);
  c.send({ type_url: RDS, resource_names: ['9080'] });
  const rds = await c.next();
  assert.equal(rds.type_url, RDS);
  assert.deepEqual(names(rds.resources, RDS), ['9080']);
  c.send({ type_url: EDS, resource_names: [RATINGS, 'outbound|1||missing.default.svc.cluster.local'] });
  assert.deepEqual(names((await c.next()).resources, EDS), [RATINGS]);

  const named = connect();
  snap.set(LDS, '0.0.0.0_8080', listener('0.0.0.0_8080', 8080, '8080'));
  named.send({ node: testNode('sidecar~10.1.1.1~named.default~default.svc.cluster.local'), type_url: LDS, resource_names: ['0.0.0.0_8080'] });
  assert.deepEqual(names((await named.next()).resources, LDS), ['0.0.0.0_8080']);
});

test('TestPushAfterGeneratorChange: a debounced config update reaches every watch in CDS, EDS, LDS, RDS order; EDS-only pushes touch only EDS', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~push.default~default.svc.cluster.local'), type_url: LDS });
  const l1 = await c.next();
  c.send({ type_url: LDS, version_info: l1.version_info, response_nonce: l1.nonce });
  c.send({ type_url: CDS });
  const c1 = await c.next();
  c.send({ type_url: CDS, version_info: c1.version_info, response_nonce: c1.nonce });
  c.send({ type_url: RDS, resource_names: ['9080'] });
  const r1 = await c.next();
  c.send({ type_url: RDS, version_info: r1.version_info, response_nonce: r1.nonce, resource_names: ['9080'] });
  c.send({ type_url: EDS, resource_names: [REVIEWS] });
  const e1 = await c.next();
  c.send({ type_url: EDS, version_info: e1.version_info, response_nonce: e1.nonce, resource_names: [REVIEWS] });
  await c.expectSilence(50);

  snap.version = 'v2';
  snap.set(EDS, REVIEWS, cla(REVIEWS, '10.0.0.9'));
  snap.calls = [];
  server.configUpdate(pushRequest({ full: true, reason: 'config', start: 0, configsUpdated: ['VirtualService/default/reviews'] }));
  server.configUpdate(pushRequest({ full: false, reason: 'endpoint', start: 0 }));
  const got = [await c.next(), await c.next(), await c.next(), await c.next()];
  assert.deepEqual(got.map((r) => r.type_url), [CDS, EDS, LDS, RDS]);
  assert.ok(got.every((r) => r.version_info === 'v2'));
  assert.equal(decodeAny(got[1].resources[0], EDS).endpoints[0].lb_endpoints[0].endpoint?.address?.socket_address?.address, '10.0.0.9');
  const mine = () => snap.calls.filter((x) => x.proxy === 'push.default');
  assert.deepEqual(mine().map((x) => x.reason), ['config,endpoint', 'config,endpoint', 'config,endpoint', 'config,endpoint']);
  for (const r of got) c.send({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce, resource_names: r.type_url === RDS ? ['9080'] : r.type_url === EDS ? [REVIEWS] : [] });
  await c.expectSilence(50);

  snap.version = 'v3';
  snap.calls = [];
  server.configUpdate(pushRequest({ full: false, reason: 'endpoint', start: 0 }));
  const eds = await c.next();
  assert.equal(eds.type_url, EDS);
  await c.expectSilence(100);
  assert.deepEqual(mine().map((x) => x.type), [EDS]);
});

test('TestBadNode: a malformed node ID closes the stream with INVALID_ARGUMENT and says why', async () => {
  const c = connect();
  c.send({ node: { id: 'sidecar~10.1.1.1~only-three' }, type_url: CDS });
  const s = await c.status.next(2000, 'status');
  assert.equal(s.code, grpc.status.INVALID_ARGUMENT);
  assert.match(s.details, /missing parts in the service node "sidecar~10\.1\.1\.1~only-three"/);
});

test('TestCancellation: a closed stream leaves syncz', async () => {
  const c = connect();
  c.send({ node: testNode('sidecar~10.1.1.1~gone.default~default.svc.cluster.local'), type_url: CDS });
  await c.next();
  assert.equal(syncFor('~gone.default~').length, 1);
  c.close();
  await waitFor(() => syncFor('~gone.default~').length === 0, 'connection removal');
});
