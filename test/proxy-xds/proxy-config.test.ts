// `istioctl proxy-config` against a live in-process agent (proxy + xDS client + admin API) fed by
// the fake discovery server with Istio-named resources: the tables istioctl prints.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { runIstioctl } from '../../src/cli/index.js';
import { Agent, buildNode } from '../../src/proxy/agent/index.js';
import { echoBackend } from '../../src/proxy/testing.js';
import { CDS, EDS, FakeControlPlane, LDS, RDS, cla, edsCluster, freePort, listener, routeConfig, waitFor } from './fake-control-plane.js';

const REVIEWS = 'outbound|9080|v1|reviews.default.svc.cluster.local';
const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function istioctl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await runIstioctl(args, { stdout, stderr, stdin: new PassThrough(), cwd: process.cwd() });
  return { code, out, err };
}

test('istioctl proxy-config clusters|listeners|routes|endpoints|all print Istio tables from the admin API', async () => {
  const be = await echoBackend('reviews');
  cleanup.push(() => be.server.close());
  const cp = new FakeControlPlane();
  await cp.start();
  cleanup.push(() => cp.stop());
  const port = await freePort();
  cp.set(CDS, REVIEWS, edsCluster(REVIEWS));
  cp.set(EDS, REVIEWS, cla(REVIEWS, [be.port]));
  cp.set(LDS, `127.0.0.1_${port}`, listener(`127.0.0.1_${port}`, port, '9080'));
  cp.set(RDS, '9080', routeConfig('9080', [{ prefix: '/', cluster: REVIEWS }], ['reviews.default.svc.cluster.local']));
  const node = buildNode({ type: 'sidecar', env: { POD_NAME: 'productpage-v1-abc', POD_NAMESPACE: 'default', INSTANCE_IP: '10.1.1.1' }, istioVersion: 'test', concurrency: 2, statusPort: 0, adminPort: 0 });
  const agent = new Agent({ node, discoveryAddress: `127.0.0.1:${cp.port}`, adminPort: 0, statusPort: 0, concurrency: 2, version: 'test' });
  const ports = await agent.start();
  cleanup.push(() => agent.stop());
  await waitFor(() => agent.isReady, 'agent ready');
  const addr = ['productpage-v1-abc', '--admin-addr', `127.0.0.1:${ports.adminPort}`];

  const clusters = await istioctl(['proxy-config', 'clusters', ...addr]);
  assert.equal(clusters.code, 0, clusters.err);
  assert.equal(clusters.out,
    'SERVICE FQDN                          PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE\n' +
    'reviews.default.svc.cluster.local     9080     v1         outbound      EDS      \n');
  const listeners = await istioctl(['proxy-config', 'listeners', ...addr]);
  assert.equal(listeners.out, `ADDRESSES PORT  MATCH DESTINATION\n127.0.0.1 ${String(port).padEnd(5)} ALL   Route: 9080\n`);
  const routes = await istioctl(['proxy-config', 'routes', ...addr]);
  assert.equal(routes.out, 'NAME  VHOST NAME  DOMAINS                            MATCH  VIRTUAL SERVICE\n9080  vh          reviews.default.svc.cluster.local  /*     \n');
  const eps = await istioctl(['proxy-config', 'endpoints', ...addr]);
  const ep = `127.0.0.1:${be.port}`;
  assert.equal(eps.out, `ENDPOINT${' '.repeat(ep.length - 8 + 5)}STATUS      LOCALITY     CLUSTER\n${ep}     HEALTHY                  ${REVIEWS}\n`);
  const json = await istioctl(['proxy-config', 'cluster', ...addr, '-o', 'json']);
  assert.deepEqual(JSON.parse(json.out).map((c: any) => [c.name, c.type]), [[REVIEWS, 'EDS']]);
  const all = await istioctl(['proxy-config', 'all', ...addr]);
  assert.ok(all.out.startsWith(clusters.out) && all.out.includes(listeners.out) && all.out.endsWith(eps.out));
  const missing = await istioctl(['proxy-config', 'clusters', 'productpage-v1-abc']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^Error: --admin-addr HOST:PORT is required/);
});
