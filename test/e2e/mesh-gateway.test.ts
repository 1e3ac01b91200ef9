// The traffic-management scenarios end to end across hosts, with clients outside the mesh: an
// "outside" host curls the ingress-gateway host (`pilot-agent proxy router`, Gateway + bound
// VirtualServices from istiod's config directory), which routes to app hosts by their
// EndpointSlice addresses. The backends run without sidecars here, so these scenarios prove the
// gateway's routing and resilience independently of transparent capture (mesh-sidecar.test.ts
// runs the same table through captured sidecars).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Mesh, e2eSkipReason } from './harness/index.js';
import { GATEWAY_YAML, request, viaGateway, type ClientPath } from './scenarios.js';
import { SCENARIOS, TRAFFIC_APPS, resetRouting } from './traffic-scenarios.js';

const skip = e2eSkipReason();
let mesh: Mesh;
let path: ClientPath;

before(async () => {
  if (skip) return;
  mesh = await Mesh.create({
    apps: TRAFFIC_APPS.map((a) => ({ ...a, sidecar: false })), ingress: true, outside: true, subnet: '10.250.1',
    istio: { gateway: GATEWAY_YAML },
  });
  path = viaGateway(mesh);
}, { timeout: 120_000 });

after(async () => {
  await mesh?.close();
});

test('ingress: an outside curl reaches httpbin through the gateway, which adds Envoy headers; an unknown Host is 404', { skip, timeout: 60_000 }, async () => {
  await resetRouting(mesh, path);
  const a = await request(mesh, path, 'httpbin', '/hello?x=1');
  assert.equal(a.status, 200);
  assert.equal(a.reply?.app, 'httpbin');
  assert.equal(a.reply?.path, '/hello?x=1');
  assert.equal(a.reply?.peer, mesh.host('ingress').ip, 'the backend sees the gateway host as its peer');
  assert.equal(a.reply?.headers['x-forwarded-for'], mesh.host('outside').ip);
  assert.equal(a.reply?.headers['x-forwarded-proto'], 'http');
  assert.match(String(a.reply?.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  const none = await request(mesh, path, 'httpbin', '/', ['Host: nothing.example.com']);
  assert.equal(none.status, 404);
  const stats = await mesh.stats('ingress');
  assert.ok((stats.get('http.outbound_0.0.0.0_80.downstream_rq_2xx') ?? 0) >= 1, [...stats].filter(([k]) => k.startsWith('http.')).join('\n'));
});

for (const s of SCENARIOS) {
  test(`via gateway: ${s.name}`, { skip, timeout: 90_000 }, async () => {
    await resetRouting(mesh, path);
    await s.run(mesh, path);
  });
}
