// The real istiod (--configDir: Services, EndpointSlices, Pods, a DestinationRule with subsets,
// outlier detection and a consistent hash, VirtualServices with retries, a fault and a mirror, and
// a Sidecar egress listener with captureMode NONE) and the real pilot-agent: the proxy ACKs every
// type (istiod's /debug/syncz shows no NACK for it) and each feature is seen on the wire, with
// backends on distinct loopback addresses so that each endpoint is its own pod.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { get } from '../../src/proxy/testing.js';
import { startIstiod } from '../istiod/harness.js';
import { httpGet, startAgent } from './agent-process.js';
import { freePort, waitFor } from './fake-control-plane.js';
import { egressSidecar } from './mesh-yaml.js';

interface Hit { backend: string; url: string; host: string }

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** A backend on `ip:port` that answers 200 with its name, or `status` when given. */
async function backend(name: string, ip: string, port: number, hits: Hit[], status = 200): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push({ backend: name, url: req.url ?? '', host: req.headers.host ?? '' });
      res.writeHead(status, { 'x-backend': name, 'content-length': name.length });
      res.end(name);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });
  return server;
}

const pod = (name: string, ip: string, labels: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default, labels: {${labels}}}
spec: {containers: [{name: app}]}
status: {podIP: ${ip}, conditions: [{type: Ready, status: "True"}]}
---`;
const service = (name: string, vip: string, port: number, target: number, ips: string[]) => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  clusterIP: ${vip}
  selector: {app: ${name}}
  ports: [{name: http, port: ${port}, targetPort: ${target}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: ${target}, protocol: TCP}]
endpoints: [${ips.map((ip) => `{addresses: [${ip}], conditions: {ready: true}}`).join(', ')}]
---`;

test('istiod + pilot-agent: retries, fault abort, mirroring, consistent hash and outlier detection from Istio YAML; every type ACKed', async () => {
  const hits: Hit[] = [];
  const egress = await freePort();
  const bp = await freePort();
  const servers: Server[] = [];
  cleanup.push(() => servers.forEach((s) => s.close()));
  servers.push(
    await backend('reviews-1', '127.0.0.2', bp, hits),
    await backend('reviews-2', '127.0.0.3', bp, hits),
    await backend('reviews-3', '127.0.0.4', bp, hits),
    await backend('ratings-bad', '127.0.0.5', bp, hits, 503),
    await backend('ratings-good', '127.0.0.7', bp, hits),
    await backend('mirror', '127.0.0.8', bp, hits),
  );
  const dir = mkdtempSync(join(tmpdir(), 'istio-ts-features-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'mesh.yaml'), `apiVersion: v1
kind: Namespace
metadata: {name: default}
---${pod('reviews-a', '127.0.0.2', 'app: reviews, version: v1')}${pod('reviews-b', '127.0.0.3', 'app: reviews, version: v1')}${pod('reviews-c', '127.0.0.4', 'app: reviews, version: v2')}
${pod('ratings-a', '127.0.0.5', 'app: ratings')}${pod('ratings-b', '127.0.0.7', 'app: ratings')}${pod('mirror-a', '127.0.0.8', 'app: mirror')}
${service('reviews', '10.96.0.10', egress, bp, ['127.0.0.2', '127.0.0.3', '127.0.0.4'])}${service('ratings', '10.96.0.11', egress, bp, ['127.0.0.5', '127.0.0.7'])}${service('mirror', '10.96.0.12', egress, bp, ['127.0.0.8'])}
${egressSidecar(egress)}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {consistentHash: {httpHeaderName: x-user}}
    outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /mirror}}]
    route: [{destination: {host: reviews, subset: v2}}]
    mirror: {host: mirror}
    mirrorPercentage: {value: 100}
  - route: [{destination: {host: reviews, subset: v1}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec:
  hosts: [ratings]
  http:
  - match: [{uri: {prefix: /fault}}]
    fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
    route: [{destination: {host: ratings}}]
  - route: [{destination: {host: ratings}}]
    retries: {attempts: 4, retryOn: 5xx}
`);
  const istiod = await startIstiod(['--configDir', dir]);
  cleanup.push(() => istiod.stop());
  const ag = await startAgent(['proxy', 'sidecar', '--discoveryAddress', istiod.grpcAddr, '--proxyAdminPort', '0', '--statusPort', '0'], {
    POD_NAME: 'productpage-v1-6b8c4d9f7-x7k2p', POD_NAMESPACE: 'default', INSTANCE_IP: '127.0.0.1', ISTIO_META_INTERCEPTION_MODE: 'NONE',
  });
  cleanup.push(() => ag.stop());
  await waitFor(async () => (await httpGet(ag.status, '/healthz/ready')).status === 200, 'agent ready', 20_000);

  // Every type ACKed: istiod records no NACK for this proxy, and the proxy holds Istio's ORIGINAL_DST clusters.
  const syncz = async () => ((await (await fetch(`http://${istiod.monitoringAddr}/debug/syncz`)).json()) as Array<Record<string, any>>)
    .find((r) => r.proxy === 'productpage-v1-6b8c4d9f7-x7k2p.default');
  await waitFor(async () => {
    const row = await syncz();
    return row !== undefined && ['cluster', 'endpoint', 'listener', 'route'].every((f) => row[`${f}_sent`] !== '' && row[`${f}_acked`] === row[`${f}_sent`]);
  }, 'every type acked', 15_000);
  const row = await syncz();
  assert.deepEqual(row?.nacks ?? {}, {}, `NACKs: ${JSON.stringify(row?.nacks)}`);
  const dump = JSON.parse((await httpGet(ag.admin, '/config_dump')).body) as { configs: any[] };
  const clusters = dump.configs.flatMap((c) => c.dynamic_active_clusters ?? []).map((c: any) => c.cluster);
  const byName = new Map<string, any>(clusters.map((c: any) => [c.name, c]));
  for (const n of ['PassthroughCluster', 'InboundPassthroughCluster']) assert.equal(byName.get(n)?.type, 'ORIGINAL_DST', n);
  const v1 = byName.get(`outbound|${egress}|v1|reviews.default.svc.cluster.local`);
  assert.equal(v1?.lb_policy, 'RING_HASH');
  assert.equal(v1?.outlier_detection?.consecutive_5xx, 3);

  const host = (svc: string) => ({ host: `${svc}:${egress}` });
  // Retries hide the failing ratings endpoint (previous_hosts sends the retry elsewhere). The
  // balancer (LEAST_REQUEST, random on ties) picks it first in about half the requests: keep going
  // until it has been tried (12 in a row without it failed once in many runs; 40 is 2^-40).
  hits.length = 0;
  for (let i = 0; i < 40 && (i < 12 || !hits.some((h) => h.backend === 'ratings-bad')); i++) {
    const r = await get(egress, `/r${i}`, host('ratings'));
    assert.equal(r.status, 200, `request ${i}: ${r.body}`);
    assert.equal(r.body, 'ratings-good');
  }
  assert.ok(hits.some((h) => h.backend === 'ratings-bad'), 'the failing endpoint was tried');
  // Fault abort: the configured status, and the backend never sees the request.
  hits.length = 0;
  const f = await get(egress, '/fault', host('ratings'));
  assert.equal(f.status, 418);
  assert.equal(hits.length, 0);
  // Consistent hash on x-user: one backend per key within subset v1; keys spread over both.
  hits.length = 0;
  const chosen = new Map<string, Set<string>>();
  for (let k = 0; k < 8; k++) {
    for (let i = 0; i < 3; i++) {
      const r = await get(egress, '/hash', { ...host('reviews'), 'x-user': `user-${k}` });
      assert.equal(r.status, 200);
      chosen.set(`user-${k}`, (chosen.get(`user-${k}`) ?? new Set()).add(r.body));
    }
  }
  for (const [k, set] of chosen) assert.equal(set.size, 1, `${k} went to ${[...set].join(',')}`);
  const used = new Set([...chosen.values()].flatMap((s) => [...s]));
  assert.ok([...used].every((b) => b === 'reviews-1' || b === 'reviews-2'), [...used].join(','));
  assert.equal(used.size, 2, 'eight keys land on both v1 endpoints');
  // Mirror: the v2 backend answers, the mirror backend gets a copy with the -shadow host.
  hits.length = 0;
  const m = await get(egress, '/mirror/x', host('reviews'));
  assert.equal(m.body, 'reviews-3');
  await waitFor(async () => hits.some((h) => h.backend === 'mirror'), 'mirror copy', 5000);
  assert.deepEqual(hits.filter((h) => h.backend === 'mirror').map((h) => [h.url, h.host]), [['/mirror/x', `reviews-shadow:${egress}`]]);
});
