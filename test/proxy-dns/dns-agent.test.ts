// A STRICT_DNS cluster as istiod sends it for a `resolution: DNS` ServiceEntry (dns_lookup_family,
// dns_refresh_rate, respect_dns_ttl; here also dns_resolvers naming the loopback DNS responder),
// through the agent's xDS client: traffic reaches both resolved addresses, and the admin's
// /clusters lists the resolved hosts rather than the hostname.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Agent, buildNode } from '../../src/proxy/agent/index.js';
import { get } from '../../src/proxy/testing.js';
import { encodeAny } from '../../src/xds-api/index.js';
import { httpGet } from '../proxy-xds/agent-process.js';
import { CDS, FakeControlPlane, LDS, RDS, freePort, listener, routeConfig, waitFor } from '../proxy-xds/fake-control-plane.js';
import { startDnsResponder } from './dns-responder.js';

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function backend(ip: string, port: number): Promise<Server> {
  const s = createServer((req, res) => { req.resume(); req.on('end', () => res.end(ip)); });
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, ip, () => resolve()); });
  cleanup.push(() => { s.closeAllConnections(); s.close(); });
  return s;
}

test('xDS STRICT_DNS cluster: both A records carry traffic and /clusters shows them', async () => {
  const a = await backend('127.0.0.1', 0);
  const port = (a.address() as AddressInfo).port;
  await backend('127.0.0.2', port);
  const dns = await startDnsResponder({ 'api.example.test': { a: ['127.0.0.1', '127.0.0.2'], ttl: 30 } });
  cleanup.push(() => dns.stop().catch(() => {}));
  const name = 'outbound|80||api.example.test';

  const cp = new FakeControlPlane();
  await cp.start();
  cleanup.push(() => cp.stop());
  const lport = await freePort();
  cp.set(CDS, name, encodeAny(CDS, {
    name, type: 'STRICT_DNS', connect_timeout: { seconds: 1 },
    dns_lookup_family: 'V4_ONLY', dns_refresh_rate: { seconds: 60 }, respect_dns_ttl: true,
    dns_resolvers: [{ socket_address: { address: '127.0.0.1', port_value: dns.port } }],
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'api.example.test', port_value: port } } } }] }] },
  }));
  cp.set(LDS, 'http', listener('http', lport, 'r'));
  cp.set(RDS, 'r', routeConfig('r', [{ prefix: '/', cluster: name }]));
  const node = buildNode({ type: 'router', env: { POD_NAME: 'gw-1', POD_NAMESPACE: 'istio-system', INSTANCE_IP: '127.0.0.1' }, istioVersion: 't', concurrency: 1, statusPort: 0, adminPort: 0 });
  const agent = new Agent({ node, discoveryAddress: `127.0.0.1:${cp.port}`, adminPort: 0, statusPort: 0, concurrency: 1, version: 't', onExit: () => {} });
  const { adminPort } = await agent.start();
  cleanup.push(() => agent.stop());
  await waitFor(() => agent.isReady, 'ready');

  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) seen.add((await get(lport, '/')).body);
  assert.deepEqual([...seen].sort(), ['127.0.0.1', '127.0.0.2']);

  const text = (await httpGet(adminPort, '/clusters')).body;
  assert.match(text, new RegExp(`^${escape(name)}::127\\.0\\.0\\.1:${port}::health_flags::healthy$`, 'm'));
  assert.match(text, new RegExp(`^${escape(name)}::127\\.0\\.0\\.2:${port}::health_flags::healthy$`, 'm'));
  assert.doesNotMatch(text, new RegExp(`::api\\.example\\.test:${port}::`), 'no host named by the hostname');
  const json = JSON.parse((await httpGet(adminPort, '/clusters?format=json')).body) as { cluster_statuses: { name: string; host_statuses?: { address: { socket_address: { address: string } } }[] }[] };
  const hosts = json.cluster_statuses.find((c) => c.name === name)?.host_statuses?.map((h) => h.address.socket_address.address);
  assert.deepEqual(hosts, ['127.0.0.1', '127.0.0.2']);
  assert.match((await httpGet(adminPort, `/stats?filter=${encodeURIComponent(`cluster.${name}.update_success`)}`)).body, /update_success: [1-9]/);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
