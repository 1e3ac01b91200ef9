// The real istiod (--configDir with a Service, its EndpointSlice, a Sidecar binding an egress
// listener without capture, and a VirtualService; Istio puts a service in an egress listener's
// routes only when its port is the listener's, so the Services use the bound port) and the real pilot-agent: a request sent to
// the proxy's egress port is routed by the VirtualService to the backend the EndpointSlice names.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { echoBackend, get } from '../../src/proxy/testing.js';
import { startIstiod } from '../istiod/harness.js';
import { httpGet, startAgent } from './agent-process.js';
import { freePort, waitFor } from './fake-control-plane.js';
import { egressSidecar, loopbackService } from './mesh-yaml.js';

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

test('istiod + pilot-agent: a VirtualService routes a request through the proxy to the EndpointSlice backend', async () => {
  const v1 = await echoBackend('reviews-v1');
  const v2 = await echoBackend('reviews-v2');
  cleanup.push(() => v1.server.close(), () => v2.server.close());
  const egress = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'istio-ts-agent-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const svc = (name: string, ip: string, port: number) => loopbackService(name, ip, egress, port);
  writeFileSync(join(dir, 'mesh.yaml'), `apiVersion: v1
kind: Namespace
metadata: {name: default}
---${svc('reviews', '10.96.0.10', v1.port)}---${svc('reviews-v2', '10.96.0.11', v2.port)}---
${egressSidecar(egress)}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /v2}}]
    rewrite: {uri: /api}
    route: [{destination: {host: reviews-v2, port: {number: ${egress}}}}]
  - route: [{destination: {host: reviews, port: {number: ${egress}}}}]
`);
  const istiod = await startIstiod(['--configDir', dir]);
  cleanup.push(() => istiod.stop());
  const ag = await startAgent(['proxy', 'sidecar', '--discoveryAddress', istiod.grpcAddr, '--proxyAdminPort', '0', '--statusPort', '0'], {
    POD_NAME: 'productpage-v1-6b8c4d9f7-x7k2p', POD_NAMESPACE: 'default', INSTANCE_IP: '127.0.0.1', ISTIO_META_INTERCEPTION_MODE: 'NONE',
  });
  cleanup.push(() => ag.stop());
  await waitFor(async () => (await httpGet(ag.status, '/healthz/ready')).status === 200, 'agent ready', 15_000);
  const r2 = await get(egress, '/v2/ratings', { host: `reviews:${egress}` });
  assert.equal(r2.status, 200, r2.body);
  assert.equal(r2.headers['x-backend'], 'reviews-v2');
  assert.equal(v2.received.at(-1)?.url, '/api/ratings');
  const r1 = await get(egress, '/other', { host: `reviews.default.svc.cluster.local:${egress}` });
  assert.equal(r1.headers['x-backend'], 'reviews-v1');
  assert.equal(v1.received.at(-1)?.url, '/other');
  // istiod's view: this proxy connected and has the listener bound where the Sidecar said.
  const dump = JSON.parse((await httpGet(ag.admin, '/config_dump')).body) as { configs: any[] };
  const names = dump.configs[2].dynamic_listeners.map((l: any) => l.name);
  assert.ok(names.includes(`127.0.0.1_${egress}`), names.join(','));
});
