// Simulation of what a sidecar can reach and how unmatched traffic leaves: Sidecar egress hosts and
// exportTo scope the config, outboundTrafficPolicy (mesh or Sidecar) picks PassthroughCluster or
// BlackHoleCluster, virtualOutbound hands captured connections to the original destination's
// listener, virtualInbound serves the proxy's own ports, and TCP/TLS VirtualServices route by
// destination subnet, port and SNI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateYaml } from './harness.js';

const BASE = `
kind: GoldenCase
proxy:
  id: sidecar~10.1.0.1~web-1.shop~shop.svc.cluster.local
  metadata: { NAMESPACE: shop, LABELS: { app: web } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { clusterIP: 10.0.1.1, selector: { app: web }, ports: [{ name: http, port: 8080, targetPort: 8081 }, { name: tcp-admin, port: 9000 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.1.0.1, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { clusterIP: 10.0.1.2, ports: [{ name: http, port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ledger, namespace: finance }
spec: { clusterIP: 10.0.2.1, ports: [{ name: http, port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: vault, namespace: finance, annotations: { networking.istio.io/exportTo: "." } }
spec: { clusterIP: 10.0.2.2, ports: [{ name: http, port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: mysql, namespace: shop }
spec: { clusterIP: 10.0.1.5, ports: [{ name: mysql, port: 3306 }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: payments, namespace: shop }
spec:
  hosts: [pay.example.com, refund.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: mysql, namespace: shop }
spec:
  hosts: [mysql]
  tcp:
  - match: [{ destinationSubnets: [10.0.1.5/32], port: 3306 }]
    route: [{ destination: { host: mysql, subset: primary } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: payments, namespace: shop }
spec:
  hosts: [pay.example.com, refund.example.com]
  tls:
  - match: [{ sniHosts: [refund.example.com], port: 443 }]
    route: [{ destination: { host: pay.example.com, port: { number: 443 } } }]
`;

test('sidecar outbound: virtualOutbound hands captured traffic to the original destination listener', () => {
  const { sim, gen } = simulateYaml(BASE);
  const vo = gen.listeners.find((l) => l.name === 'virtualOutbound')!;
  assert.equal((vo.address as any).socket_address.port_value, 15001);
  assert.equal(vo.use_original_dst?.value, true);
  const cases: [string, Parameters<typeof sim.run>[0], Record<string, string>][] = [
    ['HTTP port: shared 0.0.0.0_<port> listener, RDS <port>', { address: '10.0.1.2', port: 80, host: 'cart' },
      { listener: '0.0.0.0_80', routeConfig: '80', cluster: 'outbound|80||cart.shop.svc.cluster.local' }],
    ['cross-namespace service by namespace-qualified name', { address: '10.0.2.1', port: 80, host: 'ledger.finance' },
      { listener: '0.0.0.0_80', cluster: 'outbound|80||ledger.finance.svc.cluster.local' }],
    ['TCP VirtualService: destinationSubnets + port', { address: '10.0.1.5', port: 3306 },
      { listener: '10.0.1.5_3306', cluster: 'outbound|3306|primary|mysql.shop.svc.cluster.local' }],
    ['TLS VirtualService: SNI refund → pay', { address: '240.0.0.1', port: 443, sni: 'refund.example.com', tls: true },
      { listener: '0.0.0.0_443', cluster: 'outbound|443||pay.example.com' }],
    // The VirtualService's TLS routes replace the host's default SNI chain (Istio adds it only without a TLS match).
    ['TLS host whose VirtualService routes only another SNI', { address: '240.0.0.1', port: 443, sni: 'pay.example.com', tls: true },
      { listener: '0.0.0.0_443', cluster: 'PassthroughCluster' }],
    ['TLS without a VirtualService: SNI to its own cluster', { address: '240.0.0.1', port: 443, sni: 'api.example.com', tls: true },
      { listener: '0.0.0.0_443', cluster: 'outbound|443||api.example.com' }],
    ['unknown TLS SNI passes through', { address: '240.0.0.1', port: 443, sni: 'other.example.com', tls: true },
      { listener: '0.0.0.0_443', cluster: 'PassthroughCluster' }],
    ['unknown destination, ALLOW_ANY', { address: '192.0.2.1', port: 7777 }, { listener: 'virtualOutbound', cluster: 'PassthroughCluster' }],
    ['unknown HTTP host, ALLOW_ANY', { port: 80, host: 'example.org' }, { virtualHost: 'allow_any', cluster: 'PassthroughCluster' }],
  ];
  for (const [name, req, want] of cases) {
    const got = sim.run(req);
    assert.equal(got.error, undefined, `${name}: ${got.error}`);
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, got[k as keyof typeof got]])), want, name);
  }
  // exportTo ".": finance/vault is invisible from shop — no virtual host, no cluster.
  assert.equal(sim.run({ port: 80, host: 'vault.finance' }).virtualHost, 'allow_any');
  assert.equal(sim.cluster('outbound|80||vault.finance.svc.cluster.local'), undefined);
  // A DNS ServiceEntry's cluster carries its hosts as inline endpoints.
  assert.deepEqual(sim.endpointsOf('outbound|443||pay.example.com'), ['pay.example.com:443']);
});

test('sidecar inbound: virtualInbound chains per target port to inbound|port|| , others to InboundPassthroughCluster', () => {
  const { sim, gen } = simulateYaml(BASE);
  const vi = gen.listeners.find((l) => l.name === 'virtualInbound')!;
  assert.equal((vi.address as any).socket_address.port_value, 15006);
  const http = sim.run({ inbound: true, address: '10.1.0.1', port: 8081, host: 'web' });
  // Inbound clusters and routes are named after the target (workload) port.
  assert.deepEqual([http.routeConfig, http.cluster], ['inbound|8081||', 'inbound|8081||']);
  assert.equal(http.clusterConfig?.type, 'ORIGINAL_DST');
  assert.equal(sim.run({ inbound: true, address: '10.1.0.1', port: 9000 }).cluster, 'inbound|9000||');
  assert.equal(sim.run({ inbound: true, address: '10.1.0.1', port: 5555 }).cluster, 'InboundPassthroughCluster');
});

test('REGISTRY_ONLY from the mesh, ALLOW_ANY from a Sidecar override (and the reverse)', () => {
  const blocked = simulateYaml(BASE.replace('kind: GoldenCase\n', 'kind: GoldenCase\nmesh: { outboundTrafficPolicy: { mode: REGISTRY_ONLY } }\n')).sim;
  assert.equal(blocked.run({ address: '192.0.2.1', port: 7777 }).cluster, 'BlackHoleCluster');
  assert.deepEqual([blocked.run({ port: 80, host: 'example.org' }).virtualHost, blocked.run({ port: 80, host: 'example.org' }).directResponse], ['block_all', 502]);
  assert.equal(blocked.run({ address: '240.0.0.1', port: 443, sni: 'other.example.com', tls: true }).cluster, 'BlackHoleCluster');
  const sidecar = (mode: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: shop }
spec: { outboundTrafficPolicy: { mode: ${mode} } }
`;
  const allowed = simulateYaml(BASE.replace('kind: GoldenCase\n', 'kind: GoldenCase\nmesh: { outboundTrafficPolicy: { mode: REGISTRY_ONLY } }\n') + sidecar('ALLOW_ANY')).sim;
  assert.equal(allowed.run({ address: '192.0.2.1', port: 7777 }).cluster, 'PassthroughCluster');
  assert.equal(allowed.run({ port: 80, host: 'example.org' }).cluster, 'PassthroughCluster');
  const locked = simulateYaml(BASE + sidecar('REGISTRY_ONLY')).sim;
  assert.equal(locked.run({ address: '192.0.2.1', port: 7777 }).cluster, 'BlackHoleCluster');
  assert.equal(locked.run({ port: 80, host: 'example.org' }).virtualHost, 'block_all');
});

test('Sidecar egress hosts: a proxy only sees what it can reach', () => {
  const { sim, gen } = simulateYaml(`${BASE}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: shop }
spec:
  egress: [{ hosts: ["./*", "finance/ledger.finance.svc.cluster.local"] }]
`);
  const clusters = gen.clusters.map((c) => c.name).filter((n) => n?.startsWith('outbound|'));
  assert.deepEqual(clusters.sort(), [
    'outbound|3306|primary|mysql.shop.svc.cluster.local'.replace('|primary|', '||'),
    'outbound|443||api.example.com', 'outbound|443||pay.example.com', 'outbound|443||refund.example.com',
    'outbound|80||cart.shop.svc.cluster.local', 'outbound|80||ledger.finance.svc.cluster.local',
    'outbound|8080||web.shop.svc.cluster.local', 'outbound|9000||web.shop.svc.cluster.local',
  ].sort());
  assert.equal(sim.run({ port: 80, host: 'ledger.finance' }).cluster, 'outbound|80||ledger.finance.svc.cluster.local');
  const rc = gen.routes.find((r) => r.name === '80')!;
  assert.deepEqual(rc.virtual_hosts!.map((v) => v.name), ['cart.shop.svc.cluster.local:80', 'ledger.finance.svc.cluster.local:80', 'allow_any']);
});

// Regression: Sidecar ingress listeners referenced `inbound|<port>||` clusters that CDS never built
// (inbound clusters came only from the services' target ports, and none at all without capture).
test('Sidecar egress port + captureMode NONE binds the listener itself; ingress with bind and defaultEndpoint has its cluster', () => {
  const { sim, gen } = simulateYaml(`${BASE}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: shop }
spec:
  workloadSelector: { labels: { app: web } }
  ingress:
  - port: { number: 8080, protocol: HTTP, name: http }
    bind: 127.0.0.5
    captureMode: NONE
    defaultEndpoint: 127.0.0.1:8081
  egress:
  - port: { number: 5000, protocol: HTTP, name: http-egress }
    bind: 127.0.0.1
    captureMode: NONE
    hosts: ["shop/cart.shop.svc.cluster.local"]
`.replace('LABELS: { app: web } }', 'LABELS: { app: web }, INTERCEPTION_MODE: NONE }'));
  assert.deepEqual(gen.listeners.map((l) => l.name).sort(), ['127.0.0.1_5000', '127.0.0.5_8080']);
  for (const l of gen.listeners) assert.equal(l.bind_to_port, undefined, `${l.name} binds its own socket`);
  // Route config 5000 holds only egress hosts with a port 5000 (Istio); cart serves 80, so its Host falls to allow_any.
  const got = sim.run({ address: '127.0.0.1', port: 5000, host: 'cart' });
  assert.equal(got.error, undefined, got.error);
  assert.equal(got.routeConfig, '5000');
  assert.equal(got.virtualHost, 'allow_any');
  const inbound = sim.run({ address: '127.0.0.5', port: 8080, host: 'web' });
  assert.equal(inbound.cluster, 'inbound|8080||');
  const cl = sim.cluster('inbound|8080||')!;
  assert.equal(cl.type, 'STATIC');
  assert.deepEqual(sim.endpointsOf('inbound|8080||'), ['127.0.0.1:8081']);
});
