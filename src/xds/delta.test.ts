// Incremental (delta) xDS behaviour over a real gRPC connection on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TypeUrl, decodeAny, encodeAny, type Any__Output } from '../xds-api/index.js';
import { pushRequest } from './push-request.js';
import { AdsServer } from './server.js';
import { TestAdsClient, testNode } from './testing/ads-test-client.js';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const clusters = new Map<string, Any__Output>();
const endpoints = new Map<string, Any__Output>();
let version = 1;
let server: AdsServer;
let port: number;
const clients: TestAdsClient[] = [];

const cluster = (name: string, timeoutS = 1) => encodeAny(CDS, { name, type: 'EDS', connect_timeout: { seconds: timeoutS }, eds_cluster_config: { eds_config: { ads: {} } } });
const cla = (name: string, ip: string) => encodeAny(EDS, { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: 80 } } } }] }] });

before(async () => {
  const gen = (m: Map<string, Any__Output>) => ({ generate: () => ({ version: `v${version}`, resources: [...m].map(([name, resource]) => ({ name, resource })) }) });
  server = new AdsServer({ generators: new Map([[CDS, gen(clusters)], [EDS, gen(endpoints)]]), debounce: { quietMs: 5, maxMs: 50 } });
  port = await server.listen('127.0.0.1:0');
});
after(async () => {
  for (const c of clients) c.close();
  await server.close(500);
});

function reset(): TestAdsClient {
  clusters.clear();
  endpoints.clear();
  version = 1;
  clusters.set('a', cluster('a'));
  clusters.set('b', cluster('b'));
  endpoints.set('a', cla('a', '10.0.0.1'));
  endpoints.set('b', cla('b', '10.0.0.2'));
  const c = new TestAdsClient(port);
  clients.push(c);
  return c;
}
const push = () => server.pushAll(pushRequest({ full: true, reason: 'config', start: 0 }));

test('TestDeltaWildcardAddRemove: initial sends all with versions; a push sends only changes and removals', async () => {
  const c = reset();
  c.sendDelta({ node: testNode('sidecar~10.1.1.1~delta1.default~default.svc.cluster.local'), type_url: CDS });
  const r1 = await c.nextDelta();
  assert.equal(r1.type_url, CDS);
  assert.equal(r1.system_version_info, 'v1');
  assert.deepEqual(r1.resources.map((r) => r.name).sort(), ['a', 'b']);
  assert.ok(r1.resources.every((r) => /^[A-Za-z0-9_-]{16}$/.test(r.version) && r.resource?.type_url === CDS));
  assert.deepEqual(r1.removed_resources, []);
  c.sendDelta({ type_url: CDS, response_nonce: r1.nonce });

  version = 2;
  clusters.delete('b');
  clusters.set('a', cluster('a', 5));
  clusters.set('c', cluster('c'));
  await push();
  const r2 = await c.nextDelta();
  assert.deepEqual(r2.resources.map((r) => r.name).sort(), ['a', 'c']);
  assert.equal(decodeAny(r2.resources.find((r) => r.name === 'a')!.resource!, CDS).connect_timeout?.seconds, '5');
  assert.deepEqual(r2.removed_resources, ['b']);
  c.sendDelta({ type_url: CDS, response_nonce: r2.nonce });

  // Nothing changed: no response at all.
  version = 3;
  await push();
  await c.expectSilence();
});

test('TestDeltaNamedSubscribeUnsubscribe: EDS names come and go; a re-subscribed name is sent again', async () => {
  const c = reset();
  c.sendDelta({ node: testNode('sidecar~10.1.1.1~delta2.default~default.svc.cluster.local'), type_url: EDS, resource_names_subscribe: ['a'] });
  const r1 = await c.nextDelta();
  assert.deepEqual(r1.resources.map((r) => r.name), ['a']);
  c.sendDelta({ type_url: EDS, response_nonce: r1.nonce, resource_names_subscribe: ['b'] });
  const r2 = await c.nextDelta();
  assert.deepEqual(r2.resources.map((r) => r.name), ['b'], 'only the newly subscribed resource');
  c.sendDelta({ type_url: EDS, response_nonce: r2.nonce, resource_names_unsubscribe: ['a'] });
  await c.expectSilence();
  endpoints.set('a', cla('a', '10.9.9.9'));
  await push();
  await c.expectSilence();
  c.sendDelta({ type_url: EDS, response_nonce: r2.nonce, resource_names_subscribe: ['a'] });
  const r3 = await c.nextDelta();
  assert.deepEqual(r3.resources.map((r) => r.name), ['a']);
  const [s] = server.syncz().filter((x) => x.proxyId === 'delta2.default');
  assert.equal(s.stream, 'delta');
  assert.deepEqual(s.types[0].names, ['a', 'b']);
});

test('TestDeltaInitialResourceVersions: what the proxy already holds is not sent again after a reconnect', async () => {
  const first = reset();
  const node = testNode('sidecar~10.1.1.1~delta3.default~default.svc.cluster.local');
  first.sendDelta({ node, type_url: CDS });
  const r1 = await first.nextDelta();
  const held = Object.fromEntries(r1.resources.map((r) => [r.name, r.version]));
  first.close();

  clusters.set('b', cluster('b', 9));
  const second = new TestAdsClient(port);
  clients.push(second);
  second.sendDelta({ node, type_url: CDS, initial_resource_versions: { ...held, gone: 'x1' } });
  const r2 = await second.nextDelta();
  assert.deepEqual(r2.resources.map((r) => r.name), ['b']);
  assert.deepEqual(r2.removed_resources, ['gone']);
});

test('TestDeltaNack: a NACK is recorded and the same resources are not resent', async () => {
  const c = reset();
  c.sendDelta({ node: testNode('sidecar~10.1.1.1~delta4.default~default.svc.cluster.local'), type_url: CDS });
  const r1 = await c.nextDelta();
  c.sendDelta({ type_url: CDS, response_nonce: r1.nonce, error_detail: { code: 3, message: 'cluster a: bad' } });
  await c.expectSilence();
  await push();
  await c.expectSilence();
  const t = server.syncz().find((x) => x.proxyId === 'delta4.default')!.types[0];
  assert.equal(t.state, 'NACKED');
  assert.equal(t.lastNack?.message, 'cluster a: bad');
});
