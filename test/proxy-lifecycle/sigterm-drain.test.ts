// SIGTERM on a server-side proxy under load (pilot-agent sidecar process, two workers, fake
// discovery server, echo backends on loopback): readiness flips at once, the inbound listeners
// refuse new connections, every request that had started completes (HTTP/1.1 answers carry
// `connection: close`, HTTP/2 gets GOAWAY and its open stream finishes), TCP proxy connections
// keep flowing until the deadline, outbound listeners keep serving the app, and the process
// exits 0 once the drain duration is over.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent as HttpAgent, createServer, request, type Server } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { TypeUrl, WellKnownName, encodeAny, typedAny } from '../../src/xds-api/index.js';
import { spawn } from 'node:child_process';
import { binArgs, startAgent, httpGet, type AgentProcess } from '../proxy-xds/agent-process.js';
import { CDS, EDS, FakeControlPlane, LDS, RDS, cla, edsCluster, freePort, routeConfig, waitFor } from '../proxy-xds/fake-control-plane.js';

const DRAIN_SECONDS = 2;
const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** Runs `pilot-agent wait ...`; resolves with its exit code, output and when it exited. */
function pilotAgentWait(args: string[]): Promise<{ code: number | null; out: string; err: string; at: number }> {
  const child = spawn(process.execPath, [...binArgs('pilot-agent'), 'wait', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.push(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err, at: Date.now() })));
}

/** `/slow?ms=N` answers after N ms with the backend's name. */
async function slowBackend(name: string): Promise<number> {
  const server: Server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? '0');
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
      res.end(name);
    }, ms);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

const ads = { ads: {}, resource_api_version: 'V3' as const };

function httpListener(name: string, port: number, direction: 'INBOUND' | 'OUTBOUND', rds: string): ReturnType<typeof encodeAny> {
  return encodeAny(LDS, {
    name, traffic_direction: direction,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, {
      stat_prefix: name, rds: { route_config_name: rds, config_source: ads },
      http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }],
    }) }] }],
  });
}

function tcpListener(name: string, port: number, cluster: string): ReturnType<typeof encodeAny> {
  return encodeAny(LDS, {
    name, traffic_direction: 'INBOUND',
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{ name: WellKnownName.TcpProxy, typed_config: typedAny(TypeUrl.TcpProxy, { stat_prefix: name, cluster }) }] }],
  });
}

interface Outcome { readonly startedAt: number; readonly status: number | string; readonly connection: string | undefined }

/** One request on a keep-alive agent; resolves with its outcome instead of throwing. */
function send(agent: HttpAgent, port: number, path: string): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.once('end', () => resolve({ startedAt, status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ startedAt, status: e.code ?? e.message, connection: undefined }));
    req.end();
  });
}

test('SIGTERM drains a sidecar under load: no started request fails, new connections are refused, exit 0 after the drain', { timeout: 60_000 }, async () => {
  const inboundBackend = await slowBackend('inbound');
  const outboundBackend = await slowBackend('outbound');
  const tcpEcho = createTcpServer((s) => s.pipe(s));
  tcpEcho.listen(0, '127.0.0.1');
  await once(tcpEcho, 'listening');
  cleanup.push(() => tcpEcho.close());

  const cp = new FakeControlPlane();
  await cp.start();
  cleanup.push(() => cp.stop());
  const [inPort, outPort, tcpPort] = [await freePort(), await freePort(), await freePort()];
  cp.set(CDS, 'inbound', edsCluster('inbound'));
  cp.set(EDS, 'inbound', cla('inbound', [inboundBackend]));
  cp.set(CDS, 'outbound', edsCluster('outbound'));
  cp.set(EDS, 'outbound', cla('outbound', [outboundBackend]));
  cp.set(CDS, 'tcp-echo', edsCluster('tcp-echo'));
  cp.set(EDS, 'tcp-echo', cla('tcp-echo', [(tcpEcho.address() as AddressInfo).port]));
  cp.set(LDS, 'inbound', httpListener('inbound', inPort, 'INBOUND', 'in'));
  cp.set(LDS, 'outbound', httpListener('outbound', outPort, 'OUTBOUND', 'out'));
  cp.set(LDS, 'inbound-tcp', tcpListener('inbound-tcp', tcpPort, 'tcp-echo'));
  cp.set(RDS, 'out', routeConfig('out', [{ prefix: '/', cluster: 'outbound' }]));
  // RDS `in` is withheld at first: without the first full config the proxy must not be ready.

  const agent: AgentProcess = await startAgent(
    ['proxy', 'sidecar', '--discoveryAddress', `127.0.0.1:${cp.port}`, '--proxyAdminPort', '0', '--statusPort', '0', '--concurrency', '2'],
    { POD_NAME: 'app-1', POD_NAMESPACE: 'default', INSTANCE_IP: '127.0.0.1', TERMINATION_DRAIN_DURATION_SECONDS: String(DRAIN_SECONDS), ISTIO_META_ENVOY_STATUS_PORT: '0' },
  );
  cleanup.push(() => agent.stop());
  const readyPort = agent.ready;
  assert.ok(readyPort !== undefined && readyPort > 0, 'readiness served on the Envoy status port');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await httpGet(agent.status, '/healthz/ready')).status, 503, 'not ready before RDS arrives');
  // holdApplicationUntilProxyStarts: `pilot-agent wait` returns only once the proxy is ready.
  const waiting = pilotAgentWait(['--url', `http://127.0.0.1:${readyPort}/healthz/ready`, '--periodMillis', '100', '--timeoutSeconds', '30']);
  await new Promise((r) => setTimeout(r, 1500));
  const pushedAt = Date.now();
  cp.set(RDS, 'in', routeConfig('in', [{ prefix: '/', cluster: 'inbound' }]));
  await cp.push();
  const waited = await waiting;
  assert.deepEqual({ code: waited.code, out: waited.out }, { code: 0, out: 'Waiting for Envoy proxy to be ready (timeout: 30 seconds)...\nEnvoy is ready!\n' }, waited.err);
  assert.ok(waited.at >= pushedAt, 'wait returned only after the config arrived');
  await waitFor(async () => (await httpGet(agent.status, '/healthz/ready')).status === 200, 'ready', 10_000);
  assert.equal((await httpGet(readyPort, '/healthz/ready')).status, 200);

  // Load: four keep-alive clients in a loop, one long request, one HTTP/2 stream, one TCP session.
  const agents = Array.from({ length: 4 }, () => new HttpAgent({ keepAlive: true, maxSockets: 1 }));
  cleanup.push(() => agents.forEach((a) => a.destroy()));
  let stopLoops = false;
  const outcomes: Outcome[] = [];
  const loops = agents.map(async (a) => {
    while (!stopLoops) {
      const o = await send(a, inPort, '/slow?ms=40');
      outcomes.push(o);
      if (typeof o.status === 'string') await new Promise((r) => setTimeout(r, 20));
    }
  });
  const h2 = h2connect(`http://127.0.0.1:${inPort}`);
  h2.on('error', () => { /* asserted through the stream */ });
  cleanup.push(() => h2.destroy());
  let goawayAt: number | undefined;
  h2.once('goaway', () => { goawayAt = Date.now(); });
  await once(h2, 'connect');
  const tcp: Socket = connect(tcpPort, '127.0.0.1');
  cleanup.push(() => tcp.destroy());
  let tcpEcho1 = '';
  tcp.on('data', (d: Buffer) => { tcpEcho1 += d.toString(); });
  tcp.on('error', () => { /* closed at the deadline */ });
  await once(tcp, 'connect');
  await new Promise((r) => setTimeout(r, 400));

  const longReq = send(new HttpAgent({ keepAlive: true }), inPort, '/slow?ms=1000');
  const h2Stream = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const s = h2.request({ ':path': '/slow?ms=800' });
    let body = '';
    let status = 0;
    s.on('response', (h) => { status = Number(h[':status']); });
    s.on('data', (d: Buffer) => { body += d.toString(); });
    s.once('end', () => resolve({ status, body }));
    s.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 150));

  const exited = new Promise<{ code: number | null; at: number }>((resolve) => agent.child.once('exit', (code) => resolve({ code, at: Date.now() })));
  const t0 = Date.now();
  agent.child.kill('SIGTERM');

  // Readiness fails at once; the inbound listener refuses new connections.
  await waitFor(async () => (await httpGet(agent.status, '/healthz/ready')).status === 503, 'not ready after SIGTERM', 1000);
  assert.deepEqual(await httpGet(readyPort, '/healthz/ready'), { status: 503, body: 'proxy is draining\n' });
  await waitFor(async () => (await send(new HttpAgent(), inPort, '/')).status === 'ECONNREFUSED', 'inbound refuses new connections', 1000);
  const drainSeenAt = Date.now();
  // The outbound listener keeps serving the app during the drain, on new connections too.
  const outbound = await send(new HttpAgent(), outPort, '/slow?ms=10');
  assert.equal(outbound.status, 200);
  // The TCP proxy connection still carries bytes both ways.
  tcp.write('still-open');
  await waitFor(() => tcpEcho1 === 'still-open', 'tcp echo during drain', 1000);

  const long = await longReq;
  assert.deepEqual({ status: long.status, connection: long.connection }, { status: 200, connection: 'close' }, 'in-flight request finishes, told to close');
  const stream = await h2Stream;
  assert.deepEqual(stream, { status: 200, body: 'inbound' }, 'the open HTTP/2 stream completes');
  assert.ok(goawayAt !== undefined && goawayAt - t0 < 1000, `GOAWAY ${goawayAt === undefined ? 'never came' : `after ${goawayAt - t0} ms`}`);
  assert.throws(() => h2.request({ ':path': '/' }), /ERR_HTTP2_GOAWAY_SESSION|closed|destroyed/i);

  const exit = await exited;
  // Once the proxy is gone, `wait` times out with Istio's message and exit code 1.
  const gone = await pilotAgentWait(['--url', `http://127.0.0.1:${readyPort}/healthz/ready`, '--periodMillis', '100', '--timeoutSeconds', '1']);
  assert.equal(gone.code, 1);
  assert.equal(gone.err, `Error: timeout waiting for Envoy proxy to become ready. Last error: connect ECONNREFUSED 127.0.0.1:${readyPort}\n`);
  stopLoops = true;
  await Promise.all(loops);
  assert.equal(exit.code, 0, agent.stderr);
  const took = exit.at - t0;
  assert.ok(took >= DRAIN_SECONDS * 1000 - 100 && took < DRAIN_SECONDS * 1000 + 2000, `exited after ${took} ms`);
  assert.equal(tcp.destroyed || tcp.readableEnded, true, 'TCP connection closed at the deadline');

  // Every request that had started before SIGTERM succeeded; after that, only refusals.
  const before = outcomes.filter((o) => o.startedAt < t0);
  const failedBefore = before.filter((o) => o.status !== 200);
  assert.ok(before.length >= 20, `load before SIGTERM: ${before.length} requests`);
  assert.deepEqual(failedBefore, [], 'requests started before SIGTERM that failed');
  const afterDrain = outcomes.filter((o) => o.startedAt > drainSeenAt);
  assert.ok(afterDrain.length > 0 && afterDrain.every((o) => o.status === 'ECONNREFUSED'), `after the drain: ${[...new Set(afterDrain.map((o) => o.status))].join(', ')}`);
  // The keep-alive clients that were mid-request learnt to close from their last answer.
  assert.ok(outcomes.some((o) => o.status === 200 && o.connection === 'close'), 'some responses carried connection: close');
});
