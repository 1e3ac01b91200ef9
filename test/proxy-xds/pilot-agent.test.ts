// The real pilot-agent process against a fake discovery server (src/xds serving hand-written
// Envoy resources) and echo backends: identity, readiness, admin shapes, traffic, control-plane loss.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { echoBackend, get } from '../../src/proxy/testing.js';
import { startAgent, httpGet, type AgentProcess } from './agent-process.js';
import { CDS, EDS, FakeControlPlane, LDS, RDS, cla, edsCluster, freePort, listener, routeConfig, waitFor } from './fake-control-plane.js';

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** PIDs whose parent is `pid` (from /proc: field 4 of /proc/N/stat, after the parenthesised name). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const ENV = {
  POD_NAME: 'reviews-v1-6b8c4d9f7-x7k2p', POD_NAMESPACE: 'bookinfo', INSTANCE_IP: '10.44.0.7', SERVICE_ACCOUNT: 'bookinfo-reviews',
  ISTIO_META_CLUSTER_ID: 'Kubernetes', ISTIO_METAJSON_LABELS: '{"app":"reviews","version":"v1"}', ISTIO_META_MESH_ID: 'cluster.local',
};

async function world() {
  const a = await echoBackend('a');
  const b = await echoBackend('b');
  cleanup.push(() => a.server.close(), () => b.server.close());
  const cp = new FakeControlPlane();
  await cp.start();
  cleanup.push(() => cp.stop().catch(() => undefined));
  const port = await freePort();
  cp.set(CDS, 'a', edsCluster('a'));
  cp.set(CDS, 'b', edsCluster('b'));
  cp.set(EDS, 'a', cla('a', [a.port]));
  cp.set(EDS, 'b', cla('b', [b.port]));
  cp.set(LDS, 'http', listener('http', port, 'r1'));
  cp.set(RDS, 'r1', routeConfig('r1', [{ prefix: '/b', cluster: 'b' }, { prefix: '/', cluster: 'a' }]));
  return { a, b, cp, port };
}

async function agentFor(cpPort: number, env: Record<string, string> = {}): Promise<AgentProcess> {
  const ag = await startAgent(['proxy', 'sidecar', '--discoveryAddress', `127.0.0.1:${cpPort}`, '--proxyAdminPort', '0', '--statusPort=0', '--concurrency', '2'], { ...ENV, ...env });
  cleanup.push(() => ag.stop());
  return ag;
}

test('pilot-agent: Istio node ID and metadata, readiness after the first full config, Envoy-shaped admin, traffic', async () => {
  const { cp, port, b } = await world();
  // Hold EDS back: the proxy must stay not-ready while its clusters warm.
  const held = cp.byType.get(EDS)!.get('b')!;
  cp.set(EDS, 'b', undefined);
  const ag = await agentFor(cp.port);
  assert.equal(ag.nodeId, 'sidecar~10.44.0.7~reviews-v1-6b8c4d9f7-x7k2p.bookinfo~bookinfo.svc.cluster.local');
  await waitFor(() => cp.server.syncz().length > 0, 'agent connected');
  assert.equal(cp.server.syncz()[0].nodeId, ag.nodeId);
  assert.equal((await httpGet(ag.status, '/healthz/ready')).status, 503);
  assert.deepEqual(await httpGet(ag.admin, '/ready'), { status: 503, body: 'INITIALIZING\n' });
  cp.set(EDS, 'b', held);
  await cp.push();
  await waitFor(async () => (await httpGet(ag.status, '/healthz/ready')).status === 200, 'ready');
  assert.deepEqual(await httpGet(ag.admin, '/ready'), { status: 200, body: 'LIVE\n' });
  const r = await get(port, '/b/1');
  assert.equal(r.headers['x-backend'], 'b');
  assert.equal(b.received.at(-1)?.url, '/b/1');

  const dump = JSON.parse((await httpGet(ag.admin, '/config_dump')).body) as { configs: any[] };
  assert.deepEqual(dump.configs.map((c) => c['@type'].split('.').pop()), ['BootstrapConfigDump', 'ClustersConfigDump', 'ListenersConfigDump', 'ScopedRoutesConfigDump', 'RoutesConfigDump', 'SecretsConfigDump']);
  const node = dump.configs[0].bootstrap.node;
  assert.equal(node.id, ag.nodeId);
  assert.equal(node.cluster, 'reviews.bookinfo');
  assert.deepEqual(node.metadata.LABELS, { app: 'reviews', version: 'v1' });
  assert.equal(node.metadata.NAMESPACE, 'bookinfo');
  assert.equal(node.metadata.SERVICE_ACCOUNT, 'bookinfo-reviews');
  assert.equal(node.metadata.WORKLOAD_NAME, 'reviews-v1');
  assert.equal(node.metadata.INTERCEPTION_MODE, 'REDIRECT');
  const clusters = dump.configs[1].dynamic_active_clusters;
  assert.deepEqual(clusters.map((c: any) => c.cluster.name).sort(), ['a', 'b']);
  assert.equal(clusters[0].cluster['@type'], 'type.googleapis.com/envoy.config.cluster.v3.Cluster');
  assert.equal(clusters[0].cluster.connect_timeout, '1s');
  // Delta xDS: each resource carries the server's per-resource version; the dump's own is the system version.
  assert.match(clusters[0].version_info, /^\S+$/);
  assert.match(dump.configs[1].version_info, /^v\d+$/);
  assert.match(clusters[0].last_updated, /^\d{4}-\d\d-\d\dT/);
  const l = dump.configs[2].dynamic_listeners[0];
  assert.equal(l.name, 'http');
  assert.equal(l.active_state.listener.address.socket_address.port_value, port);
  assert.equal(l.active_state.listener.filter_chains[0].filters[0].typed_config.rds.route_config_name, 'r1');
  assert.equal(dump.configs[4].dynamic_route_configs[0].route_config.name, 'r1');
  const eds = JSON.parse((await httpGet(ag.admin, '/config_dump?include_eds')).body) as { configs: any[] };
  assert.equal(eds.configs[2]['@type'], 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump');

  const cj = JSON.parse((await httpGet(ag.admin, '/clusters?format=json')).body) as { cluster_statuses: any[] };
  const cb = cj.cluster_statuses.find((c) => c.name === 'b');
  assert.deepEqual(cb.host_statuses.map((h: any) => [h.address.socket_address.port_value, h.health_status.eds_health_status]), [[b.port, 'HEALTHY']]);
  assert.match((await httpGet(ag.admin, '/clusters')).body, new RegExp(`^b::127\\.0\\.0\\.1:${b.port}::health_flags::healthy$`, 'm'));
  assert.equal((await httpGet(ag.admin, '/listeners')).body, `http::127.0.0.1:${port}\n`);
  const info = JSON.parse((await httpGet(ag.admin, '/server_info')).body) as any;
  assert.equal(info.state, 'LIVE');
  assert.equal(info.command_line_options.concurrency, 2);
  // --concurrency 2: two worker processes share the listener; /stats sums their counters.
  const workers = () => childPids(ag.child.pid!);
  assert.equal(workers().length, 2);
  for (let i = 0; i < 10; i++) assert.equal((await get(port, `/n/${i}`)).status, 200);
  assert.match((await httpGet(ag.admin, '/stats?filter=http.http.downstream_rq_total')).body, /^http\.http\.downstream_rq_total: 11$/m);
  // A worker that dies is replaced and gets the config in force.
  const [victim] = workers();
  process.kill(victim, 'SIGKILL');
  await waitFor(() => workers().length === 2 && !workers().includes(victim), 'replacement worker');
  for (let i = 0; i < 6; i++) assert.equal((await get(port, '/b/after')).headers['x-backend'], 'b');
  assert.equal((await httpGet(ag.admin, '/logging?xds-client=debug')).status, 405);
  assert.match((await httpGet(ag.admin, '/logging?xds-client=debug', 'POST')).body, /^ {2}xds-client: debug$/m);
});

test('pilot-agent: control plane killed for 5 s → zero failed requests, reconnects and applies updates when it is back', async () => {
  const { cp, port } = await world();
  const ag = await agentFor(cp.port, { ISTIO_TS_XDS_BACKOFF_MS: '200' });
  await waitFor(async () => (await httpGet(ag.status, '/healthz/ready')).status === 200, 'ready');
  const cpPort = cp.port;
  let ok = 0;
  const failures: string[] = [];
  let running = true;
  const load = (async () => {
    while (running) {
      try {
        const r = await get(port, '/x');
        // `b` is the route pushed after the reconnect: it may apply before the loop stops.
        if (r.status === 200 && (r.headers['x-backend'] === 'a' || r.headers['x-backend'] === 'b')) ok++;
        else failures.push(`${r.status} ${String(r.headers['x-backend'])}`);
      } catch (e) {
        failures.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await cp.stop();
  const okAtStop = ok;
  // Short: this one runs against the fake control plane; the minute with the real istiod is
  // test/proxy-resilience/control-plane-outage.test.ts.
  await new Promise((r) => setTimeout(r, 5000));
  const okWhileDown = ok - okAtStop;
  const cp2 = new FakeControlPlane();
  for (const [t, m] of cp.byType) for (const [n, v] of m) cp2.set(t, n, v);
  cp2.set(RDS, 'r1', routeConfig('r1', [{ prefix: '/', cluster: 'b' }]));
  await cp2.start(cpPort);
  cleanup.push(() => cp2.stop().catch(() => undefined));
  await waitFor(() => cp2.server.syncz().length > 0, 'reconnected', 10_000);
  running = false;
  await load;
  assert.deepEqual(failures, []);
  // Sequential requests, 20 ms apart: ~150 on an idle machine, ~60 on a loaded one.
  assert.ok(okWhileDown >= 20, `only ${okWhileDown} requests completed while the control plane was down`);
  await waitFor(async () => (await get(port, '/x')).headers['x-backend'] === 'b', 'update after reconnect');
});
