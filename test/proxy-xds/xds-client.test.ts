// The proxy's xDS client against the real ADS server serving hand-written Envoy resources, with
// echo backends on loopback: initial config, updates, per-resource NACKs, SotW fallback,
// control-plane loss and listener draining — asserting on what the backends and clients saw.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { TypeUrl, jsonToStruct, typedAny } from '../../src/xds-api/index.js';
import { Proxy } from '../../src/proxy/proxy.js';
import { echoBackend, get } from '../../src/proxy/testing.js';
import { XdsClient } from '../../src/proxy/xds/index.js';
import { CDS, EDS, FakeControlPlane, LDS, RDS, cla, edsCluster, freePort, listener, routeConfig, waitFor } from './fake-control-plane.js';

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function setup(opts: { delta?: boolean; mode?: 'auto' | 'sotw' } = {}) {
  const a = await echoBackend('a');
  const b = await echoBackend('b');
  cleanup.push(() => a.server.close(), () => b.server.close());
  const cp = new FakeControlPlane();
  await cp.start(0, { delta: opts.delta });
  cleanup.push(() => cp.stop().catch(() => undefined));
  const port = await freePort();
  cp.set(CDS, 'a', edsCluster('a'));
  cp.set(CDS, 'b', edsCluster('b'));
  cp.set(EDS, 'a', cla('a', [a.port]));
  cp.set(EDS, 'b', cla('b', [b.port]));
  cp.set(LDS, 'http', listener('http', port, 'r1'));
  cp.set(RDS, 'r1', routeConfig('r1', [{ prefix: '/b', cluster: 'b' }, { prefix: '/', cluster: 'a' }]));
  const proxy = new Proxy();
  let ready = false;
  const client = new XdsClient({
    address: `127.0.0.1:${cp.port}`,
    node: { id: 'sidecar~127.0.0.1~test.default~default.svc.cluster.local', metadata: jsonToStruct({ NAMESPACE: 'default' }) },
    apply: (c) => proxy.apply(c),
    mode: opts.mode,
    backoff: { initialMs: 100, maxMs: 400 },
    onReady: () => { ready = true; },
  });
  cleanup.push(() => proxy.close(), () => client.close());
  client.start();
  await waitFor(() => ready, 'initial config');
  return { a, b, cp, proxy, client, port };
}

const nack = (cp: FakeControlPlane, type: string) => cp.server.syncz().flatMap((s) => s.types ?? []).find((t: any) => t.typeUrl === type)?.lastNack;

test('initial config over delta xDS: clusters, endpoints, listener and routes apply and traffic flows', async () => {
  const { port, a, b, client, cp } = await setup();
  assert.equal(client.protocol, 'delta');
  const r1 = await get(port, '/hello');
  assert.equal(r1.status, 200);
  assert.equal(r1.headers['x-backend'], 'a');
  const r2 = await get(port, '/b/x');
  assert.equal(r2.headers['x-backend'], 'b');
  assert.equal(a.received.at(-1)?.url, '/hello');
  assert.equal(b.received.at(-1)?.url, '/b/x');
  assert.deepEqual(client.status().map((s) => [s.typeUrl, s.lastNack]), [[CDS, undefined], [EDS, undefined], [LDS, undefined], [RDS, undefined]]);
  // The server saw every response ACKed with its nonce, and the named subscriptions the proxy needs.
  await waitFor(() => cp.server.syncz()[0]?.types.every((t) => t.state === 'ACKED') === true, 'all ACKed');
  const sync = cp.server.syncz()[0];
  assert.equal(sync.stream, 'delta');
  assert.deepEqual(sync.types.map((t) => [t.type, t.state, t.ackedNonce === t.sentNonce, t.wildcard, t.names.sort()]).sort(),
    [['CDS', 'ACKED', true, true, []], ['EDS', 'ACKED', true, false, ['a', 'b']], ['LDS', 'ACKED', true, true, []], ['RDS', 'ACKED', true, false, ['r1']]]);
});

test('an update (new route) is applied; an endpoint change moves traffic', async () => {
  const { port, cp, a, b } = await setup();
  cp.set(RDS, 'r1', routeConfig('r1', [{ prefix: '/new', cluster: 'b' }, { prefix: '/', cluster: 'a' }]));
  await cp.push();
  await waitFor(async () => (await get(port, '/new')).headers['x-backend'] === 'b', 'new route');
  assert.equal((await get(port, '/b/x')).headers['x-backend'], 'a');
  cp.set(EDS, 'a', cla('a', [b.port]));
  await cp.push();
  await waitFor(async () => (await get(port, '/x')).headers['x-backend'] === 'b', 'endpoint update');
  assert.ok(a.received.length > 0);
});

test('a bad resource is NACKed with its name and field; the good ones in the same response apply; traffic on the old config is untouched', async () => {
  const { port, cp, client } = await setup();
  // One response carries a bad regex (r1) and a good new route config (r2, for a new listener).
  const port2 = await freePort();
  cp.set(RDS, 'r1', routeConfig('r1', [{ regex: '/(unclosed', cluster: 'b' }]));
  cp.set(LDS, 'http2', listener('http2', port2, 'r2'));
  cp.set(RDS, 'r2', routeConfig('r2', [{ prefix: '/', cluster: 'b' }]));
  await cp.push();
  await waitFor(() => client.status().find((s) => s.typeUrl === RDS)?.lastNack !== undefined, 'RDS NACK');
  const msg = client.status().find((s) => s.typeUrl === RDS)!.lastNack!.message;
  assert.match(msg, /^RDS r1: virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex: invalid RE2 regex "\/\(unclosed": /);
  await waitFor(() => nack(cp, RDS) !== undefined, 'server saw the NACK');
  assert.match(String(nack(cp, RDS)?.message), /RDS r1: virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex\.regex/);
  // The good resources applied: the new listener serves r2.
  await waitFor(async () => (await get(port2, '/z').catch(() => ({ headers: {} as Record<string, unknown> }))).headers['x-backend'] === 'b', 'new listener');
  // The old r1 is still in force.
  assert.equal((await get(port, '/b/x')).headers['x-backend'], 'b');
  assert.equal((await get(port, '/other')).headers['x-backend'], 'a');
  // A listener with an unknown required HTTP filter is NACKed by name; its old version keeps serving.
  cp.set(LDS, 'http', listener('http', port, 'r2', [{ name: 'envoy.filters.http.rbac', typed_config: typedAny(TypeUrl.HttpRbac, {}) }]));
  cp.set(RDS, 'r1', routeConfig('r1', [{ prefix: '/b', cluster: 'b' }, { prefix: '/', cluster: 'a' }]));
  await cp.push().catch(() => undefined);
  await waitFor(() => client.status().find((s) => s.typeUrl === LDS)?.lastNack !== undefined, 'LDS NACK');
  assert.equal(client.status().find((s) => s.typeUrl === LDS)!.lastNack!.message,
    'LDS http: filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: unknown HTTP filter envoy.filters.http.rbac (type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC)');
  assert.equal((await get(port, '/other')).headers['x-backend'], 'a');
});

test('falls back to state of the world when the server does not implement delta', async () => {
  const { port, client, cp } = await setup({ delta: false });
  assert.equal(client.protocol, 'sotw');
  assert.equal((await get(port, '/b')).headers['x-backend'], 'b');
  cp.set(RDS, 'r1', routeConfig('r1', [{ prefix: '/', cluster: 'b' }]));
  await cp.push();
  await waitFor(async () => (await get(port, '/')).headers['x-backend'] === 'b', 'SotW update');
});

function rawConn(port: number) {
  const s = connect(port, '127.0.0.1');
  const st = { text: '', closed: false };
  s.setEncoding('latin1');
  s.on('data', (d: string) => { st.text += d; });
  s.on('close', () => { st.closed = true; });
  s.on('error', () => undefined);
  cleanup.push(() => s.destroy());
  return { s, st };
}

test('a removed listener drains: idle keep-alive connections close, a request in flight completes with connection: close', async () => {
  const { port, cp } = await setup();
  const idle = rawConn(port);
  idle.s.write('GET /x HTTP/1.1\r\nhost: a\r\n\r\n');
  await waitFor(() => idle.st.text.includes('"backend":"a"'), 'first response');
  const busy = rawConn(port);
  busy.s.write('POST /y HTTP/1.1\r\nhost: a\r\ncontent-length: 10\r\n\r\n12345');
  await new Promise((r) => setTimeout(r, 50));
  cp.set(LDS, 'http', undefined);
  await cp.push();
  await waitFor(() => idle.st.closed, 'idle connection closed by the drain');
  assert.equal(busy.st.closed, false);
  await assert.rejects(get(port, '/new-connection'), /ECONNREFUSED/);
  busy.s.write('67890');
  await waitFor(() => busy.st.closed, 'busy connection closed after its response');
  assert.match(busy.st.text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(busy.st.text, /\r\nconnection: close\r\n/i);
  assert.match(busy.st.text, /"body":"1234567890"/);
});

test('an update the proxy cannot apply (listener port already taken) is rolled back and NACKed; the config in force keeps serving', async () => {
  const { port, cp, client } = await setup();
  const { createServer } = await import('node:net');
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => squatter.close());
  const taken = (squatter.address() as { port: number }).port;
  cp.set(LDS, 'clash', listener('clash', taken, 'r1'));
  await cp.push();
  await waitFor(() => client.status().find((s) => s.typeUrl === LDS)?.lastNack !== undefined, 'LDS NACK');
  assert.match(client.status().find((s) => s.typeUrl === LDS)!.lastNack!.message, new RegExp(`^LDS: update could not be applied: .*EADDRINUSE.*${taken}`));
  assert.equal((await get(port, '/b/ok')).headers['x-backend'], 'b');
  assert.deepEqual([...client.state.listeners.entries.keys()], ['http']);
});
