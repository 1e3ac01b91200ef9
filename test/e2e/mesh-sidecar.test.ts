// The mesh as Istio runs it: every app host has its app plus a `pilot-agent proxy sidecar` as
// UID 1337 with Istio's iptables capture (-p 15001 -z 15006 -u 1337 -m REDIRECT -i '*' -b '*').
// Clients are unmodified curls and Node programs that call `http://<service>:<port>/`, resolved
// through /etc/hosts to a ClusterIP that no host owns, so every byte goes through both sidecars:
// virtualOutbound (original destination) → outbound route/cluster → the backend host, whose
// inbound capture hands it to virtualInbound → the app (from 127.0.0.6, Istio's inbound
// passthrough source). The traffic-management table of mesh-gateway.test.ts runs here too, and
// an outside client reaches a sidecar-ful backend through the ingress gateway.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Mesh, e2eSkipReason } from './harness/index.js';
import { GATEWAY_YAML, apply, failures, fqdn, request, startLoad, tally, viaGateway, viaSidecar, virtualService, type ClientPath } from './scenarios.js';
import { SCENARIOS, TRAFFIC_APPS, resetRouting } from './traffic-scenarios.js';

const skip = e2eSkipReason();
let mesh: Mesh;
const path: ClientPath = viaSidecar('sleep');

before(async () => {
  if (skip) return;
  mesh = await Mesh.create({
    apps: [{ host: 'sleep', app: 'sleep' }, ...TRAFFIC_APPS, { host: 'external', app: 'external', sidecar: false, registered: false }],
    subnet: '10.250.3', ingress: true, outside: true, istio: { gateway: GATEWAY_YAML },
  });
}, { timeout: 150_000 });

after(async () => {
  await mesh?.close();
});

test('acceptance: an unmodified curl to http://httpbin:8080/ goes through both sidecars to an httpbin host', { skip, timeout: 60_000 }, async () => {
  const clientBefore = await mesh.stats('sleep');
  const r = await mesh.host('sleep').run('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_code} %{remote_ip}', 'http://httpbin:8080/hello?from=sleep'], { timeoutMs: 15_000 });
  assert.equal(r.code, 0, `${r.stderr}\n${mesh.describe()}`);
  const nl = r.stdout.lastIndexOf('\n');
  const [status, remoteIp] = r.stdout.slice(nl + 1).split(' ');
  assert.equal(status, '200');
  assert.equal(remoteIp, mesh.services.find((s) => s.name === 'httpbin')!.clusterIP, 'curl connected to the ClusterIP');
  const reply = JSON.parse(r.stdout.slice(0, nl)) as { app: string; version: string; path: string; peer: string; local: string; headers: Record<string, string> };
  assert.equal(reply.app, 'httpbin');
  assert.equal(reply.path, '/hello?from=sleep');
  const backend = `httpbin-${reply.version}`;
  // Istio's inbound cluster connects to the app from 127.0.0.6 (upstream_bind_config), at the
  // pod address the client's sidecar picked from the EndpointSlice.
  assert.equal(reply.peer, '127.0.0.6');
  assert.equal(reply.local, mesh.host(backend).ip);
  assert.equal(reply.headers.host, 'httpbin:8080');
  assert.equal(reply.headers['x-forwarded-proto'], 'http');
  assert.match(reply.headers['x-request-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const seen = mesh.appRequests(backend).filter((q) => q.path === '/hello?from=sleep');
  assert.equal(seen.length, 1);
  const clientAfter = await mesh.stats('sleep');
  const serverAfter = await mesh.stats(backend);
  const out = `cluster.outbound|8080||${fqdn('httpbin')}.upstream_rq_2xx`;
  assert.equal((clientAfter.get(out) ?? 0) - (clientBefore.get(out) ?? 0), 1, `client sidecar ${out}`);
  assert.ok((serverAfter.get('cluster.inbound|8080||.upstream_rq_2xx') ?? 0) >= 1, `server sidecar inbound stats:\n${[...serverAfter].filter(([k]) => k.includes('inbound')).join('\n')}`);
});

test('ingress: an outside curl through the gateway reaches httpbin through httpbin\'s sidecar', { skip, timeout: 60_000 }, async () => {
  await resetRouting(mesh, path);
  const before = await mesh.stats('httpbin-v1');
  const a = await request(mesh, viaGateway(mesh), 'httpbin', '/from-outside');
  assert.equal(a.status, 200, a.body);
  assert.equal(a.reply?.app, 'httpbin');
  assert.equal(a.reply?.version, 'v1');
  assert.equal(a.reply?.peer, '127.0.0.6', 'delivered by the backend sidecar\'s inbound cluster');
  assert.equal(a.reply?.headers['x-forwarded-for'], mesh.host('outside').ip);
  const after = await mesh.stats('httpbin-v1');
  const inbound = 'cluster.inbound|8080||.upstream_rq_2xx';
  assert.ok((after.get(inbound) ?? 0) - (before.get(inbound) ?? 0) >= 1, `${inbound} did not move`);
});

for (const s of SCENARIOS) {
  test(`via sidecar: ${s.name}`, { skip, timeout: 90_000 }, async () => {
    await resetRouting(mesh, path);
    await s.run(mesh, path);
  });
}

test('egress: ALLOW_ANY passes an unknown destination through with the client\'s address; REGISTRY_ONLY answers 502 (BlackHole)', { skip, timeout: 60_000 }, async () => {
  const ext = mesh.host('external');
  const url = `http://${ext.ip}:8080/outside`;
  const open = await mesh.host('sleep').curl(url);
  assert.equal(open.status, 200, open.stderr);
  assert.equal(JSON.parse(open.body).peer, mesh.host('sleep').ip, 'PassthroughCluster keeps the destination; the source is the client host');
  // The app's log line travels through a pipe: count only once it is in.
  await mesh.until('the external app logging the request', async () => mesh.appRequests('external').some((q) => q.path === '/outside'), 5_000);
  const seen = mesh.appRequests('external').length;
  const statuses: number[] = [];
  await apply(mesh, path, {
    'sidecar-registry-only': `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ["./*"]}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`,
  }, 'REGISTRY_ONLY', async () => {
    const r = await mesh.host('sleep').curl(url);
    statuses.push(r.status);
    return r.status === 502 ? true : `status ${r.status}`;
  });
  const blocked = await mesh.host('sleep').curl(`${url}/blocked`);
  assert.equal(blocked.status, 502);
  await new Promise((r) => setTimeout(r, 500));
  const got = mesh.appRequests('external').slice(seen);
  assert.equal(got.filter((q) => q.path === '/outside/blocked').length, 0, `the unknown destination got ${JSON.stringify(got)} (client saw ${statuses.join(',')})`);
  // Registered services still work.
  assert.equal((await request(mesh, path, 'httpbin', '/still')).status, 200);
  mesh.removeConfig('sidecar-registry-only');
  await mesh.until('ALLOW_ANY again', async () => (await mesh.host('sleep').curl(url)).status === 200);
});

test('SIGTERM on a server-side sidecar under load: no started request fails; traffic moves to the other endpoint', { skip, timeout: 90_000 }, async () => {
  await apply(mesh, path, { 'vs-httpbin': virtualService('httpbin', `- route: [{destination: {host: ${fqdn('httpbin')}, port: {number: 8080}}}]\n`) }, 'both versions', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add((await request(mesh, path, 'httpbin', '/')).reply?.version ?? '');
    return seen.has('v1') && seen.has('v2') ? true : [...seen].join(',');
  });
  const victim = mesh.entry('httpbin-v1').proxy!;
  const running = startLoad(mesh, path, 'httpbin', { durationMs: 14_000, rate: 20, concurrency: 4 });
  await running.started;
  await new Promise((r) => setTimeout(r, 3_000));
  const t = Date.now();
  // A pod deletion: SIGTERM to the sidecar and, at the same time, its endpoint turns terminating.
  // Without the second, requests after the proxy exits are refused and only retries (2, each
  // re-picking the dead host with probability 1/2 up to 6 times) move them, which rarely fails.
  mesh.markTerminating('httpbin-v1');
  victim.child.kill('SIGTERM');
  const code = await victim.exited;
  const drainedMs = Date.now() - t;
  const r = await running.report;
  assert.deepEqual(failures(r), [], `${r.requests.length} requests`);
  assert.equal(code, 0, victim.describe());
  assert.ok(drainedMs >= 4_000, `the proxy exited after ${drainedMs} ms, before its 5 s drain`);
  assert.ok((tally(r, 0, 2_500)['httpbin/v1'] ?? 0) > 0, JSON.stringify(tally(r, 0, 2_500)));
  assert.deepEqual(Object.keys(tally(r, 3_000 + drainedMs + 500)), ['httpbin/v2']);
});
