// Simulation of VirtualService delegation and of gateways: a delegate's routes answer under the
// root's match; a gateway listens per server port, binds VirtualServices that name it, redirects
// to HTTPS, passes TLS through by SNI and proxies TCP servers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateYaml } from './harness.js';

const SERVICES = `
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { clusterIP: 10.0.0.10, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: default }
spec: { clusterIP: 10.0.0.11, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: data }
spec: { clusterIP: 10.0.0.20, ports: [{ name: tcp, port: 5432 }] }
---
apiVersion: v1
kind: Service
metadata: { name: secure, namespace: default }
spec: { clusterIP: 10.0.0.21, ports: [{ name: https, port: 443 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: root, namespace: default }
spec:
  hosts: [reviews, shop.example.com]
  gateways: [mesh, edge]
  http:
  - match: [{ uri: { prefix: /reviews } }]
    delegate: { name: reviews-child, namespace: team }
  - match: [{ uri: { prefix: /ratings } }]
    route: [{ destination: { host: ratings.default.svc.cluster.local } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-child, namespace: team }
spec:
  http:
  - match: [{ uri: { prefix: /reviews/v2 } }]
    route: [{ destination: { host: reviews.default.svc.cluster.local, subset: v2 } }]
  - match: [{ uri: { prefix: /other } }]
    route: [{ destination: { host: ratings.default.svc.cluster.local } }]
  - route: [{ destination: { host: reviews.default.svc.cluster.local, subset: v1 } }]
`;

test('delegate: the child answers under the root match; child matches outside it are dropped', () => {
  const { sim } = simulateYaml(`
kind: GoldenCase
proxy:
  id: sidecar~10.1.0.1~web-1.default~default.svc.cluster.local
  metadata: { NAMESPACE: default }
${SERVICES}`);
  const cases: [string, string | undefined, string | undefined][] = [
    ['/reviews/v2/x', 'outbound|9080|v2|reviews.default.svc.cluster.local', undefined],
    ['/reviews', 'outbound|9080|v1|reviews.default.svc.cluster.local', undefined],
    ['/ratings', 'outbound|9080||ratings.default.svc.cluster.local', undefined],
    // `/other` conflicts with the root's `/reviews` prefix: no route; the request falls off the virtual host.
    ['/other', undefined, 'no route (404 NR)'],
  ];
  for (const [path, cluster, error] of cases) {
    const got = sim.run({ address: '10.0.0.10', port: 9080, host: 'reviews', path });
    assert.equal(got.cluster, cluster, path);
    assert.equal(got.error, error, path);
  }
});

test('gateway: server ports, bound routes (incl. delegates), HTTPS redirect, TLS passthrough, TCP', () => {
  const { sim, gen } = simulateYaml(`
kind: GoldenCase
proxy:
  id: router~10.2.0.1~edge-1.default~default.svc.cluster.local
  metadata: { NAMESPACE: default, LABELS: { istio: edge } }
${SERVICES}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: default }
spec:
  selector: { istio: edge }
  servers:
  - { port: { number: 8080, name: http, protocol: HTTP }, hosts: ["shop.example.com"], tls: { httpsRedirect: true } }
  - { port: { number: 8443, name: https, protocol: HTTPS }, hosts: ["shop.example.com"], tls: { mode: SIMPLE, credentialName: shop-cert } }
  - { port: { number: 9443, name: tls, protocol: TLS }, hosts: ["secure.example.com"], tls: { mode: PASSTHROUGH } }
  - { port: { number: 15432, name: tcp, protocol: TCP }, hosts: ["*"] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: secure, namespace: default }
spec:
  hosts: [secure.example.com]
  gateways: [edge]
  tls: [{ match: [{ sniHosts: [secure.example.com] }], route: [{ destination: { host: secure.default.svc.cluster.local, port: { number: 443 } } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: db, namespace: default }
spec:
  hosts: ["*"]
  gateways: [edge]
  tcp: [{ match: [{ port: 15432 }], route: [{ destination: { host: db.data.svc.cluster.local, port: { number: 5432 } } }] }]
`);
  assert.deepEqual(gen.listeners.map((l) => l.name).sort(), ['0.0.0.0_15432', '0.0.0.0_8080', '0.0.0.0_8443', '0.0.0.0_9443']);
  const redirect = gen.routes.find((r) => r.name === 'http.8080')!.virtual_hosts!.find((v) => v.domains!.includes('shop.example.com'))!;
  assert.equal(redirect.require_tls, 'ALL');
  const https = sim.run({ port: 8443, tls: true, sni: 'shop.example.com', host: 'shop.example.com', path: '/reviews/v2' });
  assert.equal(https.routeConfig, 'https.8443.https.edge.default');
  assert.equal(https.cluster, 'outbound|9080|v2|reviews.default.svc.cluster.local');
  assert.equal(sim.run({ port: 8443, tls: true, sni: 'shop.example.com', host: 'shop.example.com', path: '/ratings' }).cluster, 'outbound|9080||ratings.default.svc.cluster.local');
  const tls = sim.run({ port: 9443, tls: true, sni: 'secure.example.com' });
  assert.equal(tls.cluster, 'outbound|443||secure.default.svc.cluster.local');
  assert.equal(tls.clusterConfig?.type, 'EDS');
  assert.equal(sim.run({ port: 9443, tls: true, sni: 'unknown.example.com' }).error, 'no filter chain');
  assert.equal(sim.run({ port: 15432 }).cluster, 'outbound|5432||db.data.svc.cluster.local');
});
