// The agent's admin and status endpoints that change state: /drain_listeners, /logging,
// /quitquitquit, and readiness while draining (in-process agent, fake discovery server).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Agent, buildNode } from '../../src/proxy/agent/index.js';
import { echoBackend, get } from '../../src/proxy/testing.js';
import { httpGet } from './agent-process.js';
import { CDS, EDS, FakeControlPlane, LDS, RDS, cla, edsCluster, freePort, listener, routeConfig, waitFor } from './fake-control-plane.js';

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

test('/drain_listeners stops the listeners and makes the proxy not ready; /logging sets levels; /quitquitquit exits', async () => {
  const be = await echoBackend('a');
  cleanup.push(() => be.server.close());
  const cp = new FakeControlPlane();
  await cp.start();
  cleanup.push(() => cp.stop());
  const port = await freePort();
  cp.set(CDS, 'a', edsCluster('a'));
  cp.set(EDS, 'a', cla('a', [be.port]));
  cp.set(LDS, 'http', listener('http', port, 'r'));
  cp.set(RDS, 'r', routeConfig('r', [{ prefix: '/', cluster: 'a' }]));
  const node = buildNode({ type: 'router', env: { POD_NAME: 'gw-1', POD_NAMESPACE: 'istio-system', INSTANCE_IP: '127.0.0.1' }, istioVersion: 't', concurrency: 1, statusPort: 0, adminPort: 0 });
  let exitCode: number | undefined;
  const agent = new Agent({ node, discoveryAddress: `127.0.0.1:${cp.port}`, adminPort: 0, statusPort: 0, concurrency: 1, version: 't', onExit: (c) => { exitCode = c; } });
  const { adminPort, statusPort } = await agent.start();
  cleanup.push(() => (exitCode === undefined ? agent.stop() : undefined));
  await waitFor(() => agent.isReady, 'ready');
  assert.equal((await get(port, '/')).status, 200);
  assert.equal((await httpGet(adminPort, '/stats?filter=http.http.downstream_rq_2xx')).body, 'http.http.downstream_rq_2xx: 1\n');

  assert.equal((await httpGet(adminPort, '/logging?level=bogus', 'POST')).status, 400);
  assert.match((await httpGet(adminPort, '/logging?level=warning', 'POST')).body, /^ {2}xds-client: warn$/m);
  assert.match((await httpGet(adminPort, '/logging?level=error', 'POST')).body, /^ {2}xds-client: error$/m);

  assert.equal((await httpGet(adminPort, '/drain_listeners')).status, 405);
  assert.deepEqual(await httpGet(adminPort, '/drain_listeners', 'POST'), { status: 200, body: 'OK\n' });
  await waitFor(async () => (await get(port, '/').then(() => 'open', (e: Error) => e.message)).includes('ECONNREFUSED'), 'listener closed');
  assert.deepEqual(await httpGet(adminPort, '/ready'), { status: 503, body: 'DRAINING\n' });
  assert.equal((await httpGet(statusPort, '/healthz/ready')).status, 503);
  assert.equal(JSON.parse((await httpGet(adminPort, '/server_info')).body).state, 'DRAINING');
  // A config push after the drain does not bring the listener back.
  cp.set(RDS, 'r', routeConfig('r', [{ prefix: '/x', cluster: 'a' }]));
  await cp.push();
  await new Promise((r) => setTimeout(r, 100));
  await assert.rejects(get(port, '/'), /ECONNREFUSED/);

  assert.equal((await httpGet(adminPort, '/quitquitquit', 'POST')).status, 200);
  await waitFor(() => exitCode === 0, 'exit');
});
