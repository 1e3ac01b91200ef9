// Simulation tests: requests walked through the LDS/RDS istio-ts generates, the way Envoy would.
// Every push passes the harness's consistency checks (encoding, RDS and EDS names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateYaml } from './harness.js';
import { Simulation, type SimRequest, type SimResult } from './simulate.js';

const BOOKINFO = `
kind: GoldenCase
proxy:
  id: sidecar~10.1.0.1~productpage-v1.default~default.svc.cluster.local
  metadata: { NAMESPACE: default, LABELS: { app: productpage, version: v1 } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { clusterIP: 10.0.0.10, selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: productpage, namespace: default }
spec: { clusterIP: 10.0.0.9, selector: { app: productpage }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: other }
spec: { clusterIP: 10.0.0.11, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: mysql, namespace: default }
spec: { clusterIP: 10.0.0.5, ports: [{ name: tcp, port: 3306 }] }
---
apiVersion: v1
kind: Service
metadata: { name: legacy, namespace: default }
spec: { clusterIP: 10.0.0.7, ports: [{ port: 8000 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: productpage-v1, namespace: default, labels: { app: productpage, version: v1 } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.1.0.1, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
  - match: [{ headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - match: [{ uri: { prefix: /old } }]
    redirect: { uri: /new, redirectCode: 302 }
  - match: [{ uri: { regex: "/teapot/[0-9]+" } }]
    directResponse: { status: 418 }
  - route:
    - { destination: { host: reviews, subset: v1 }, weight: 80 }
    - { destination: { host: reviews, subset: v3 }, weight: 20 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: mysql, namespace: default }
spec:
  hosts: [mysql]
  tcp:
  - match: [{ destinationSubnets: [10.9.0.0/16] }]
    route: [{ destination: { host: mysql, subset: replica } }]
`;

function setup(text: string, proxyOverride?: string) {
  const { gen, sim } = simulateYaml(proxyOverride ? text.replace(/proxy:\n {2}id: .*\n {2}metadata: .*\n/, proxyOverride) : text);
  return { sim, listeners: gen.listeners, routes: gen.routes };
}

const pick = (r: SimResult, keys: (keyof SimResult)[]) => Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));

test('sidecar outbound: requests walk listener → chain → route config → virtual host → route → cluster', () => {
  const { sim } = setup(BOOKINFO);
  const cases: { name: string; req: SimRequest; want: Partial<SimResult> }[] = [
    { name: 'header end-user: jason goes to v2', req: { address: '10.0.0.10', port: 9080, host: 'reviews', headers: { 'end-user': 'jason' } },
      want: { listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local' } },
    { name: 'other users split 80/20', req: { port: 9080, host: 'reviews.default.svc.cluster.local', path: '/x' },
      want: { weightedClusters: [{ name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 80 }, { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 20 }] } },
    { name: 'redirect', req: { port: 9080, host: 'reviews.default', path: '/old/a' }, want: { redirect: { response_code: 'FOUND', path_redirect: '/new' } } },
    { name: 'direct response by RE2 regex', req: { port: 9080, host: 'reviews.default.svc', path: '/teapot/42' }, want: { directResponse: 418 } },
    { name: 'VIP as Host', req: { port: 9080, host: '10.0.0.10:9080' }, want: { cluster: undefined } },
    { name: 'no VirtualService: default route', req: { port: 9080, host: 'productpage' }, want: { route: 'default', cluster: 'outbound|9080||productpage.default.svc.cluster.local' } },
    { name: 'other namespace needs ns-qualified name', req: { port: 9080, host: 'ratings.other' }, want: { cluster: 'outbound|9080||ratings.other.svc.cluster.local' } },
    { name: 'short name of another namespace is unknown: allow_any', req: { port: 9080, host: 'ratings' }, want: { virtualHost: 'allow_any', cluster: 'PassthroughCluster' } },
    { name: 'TCP to the mysql VIP', req: { address: '10.0.0.5', port: 3306 }, want: { listener: '10.0.0.5_3306', cluster: 'outbound|3306||mysql.default.svc.cluster.local' } },
    { name: 'unknown TCP destination passes through', req: { address: '1.2.3.4', port: 5555 }, want: { listener: 'virtualOutbound', cluster: 'PassthroughCluster' } },
    { name: 'unnamed port sniffs HTTP', req: { address: '10.0.0.7', port: 8000, host: 'legacy' }, want: { listener: '10.0.0.7_8000', routeConfig: 'legacy.default.svc.cluster.local:8000', cluster: 'outbound|8000||legacy.default.svc.cluster.local' } },
    { name: 'unnamed port: TCP falls to the service cluster', req: { address: '10.0.0.7', port: 8000 }, want: { cluster: 'outbound|8000||legacy.default.svc.cluster.local' } },
    { name: 'TCP on an HTTP port to an unknown IP passes through', req: { address: '8.8.8.8', port: 9080 }, want: { filterChain: 'PassthroughFilterChain', cluster: 'PassthroughCluster' } },
  ];
  for (const c of cases) {
    const got = sim.run(c.req);
    assert.equal(got.error, undefined, `${c.name}: ${got.error}`);
    if (c.name === 'VIP as Host') {
      assert.equal(got.cluster ?? got.weightedClusters?.[0]?.name, 'outbound|9080|v1|reviews.default.svc.cluster.local', c.name);
      continue;
    }
    assert.deepEqual(pick(got, Object.keys(c.want) as (keyof SimResult)[]), c.want, c.name);
  }
});

test('REGISTRY_ONLY: unknown hosts get block_all (502) and unknown TCP the BlackHoleCluster', () => {
  const { sim } = setup(BOOKINFO.replace('kind: GoldenCase\n', 'kind: GoldenCase\nmesh: { outboundTrafficPolicy: { mode: REGISTRY_ONLY } }\n'));
  assert.deepEqual(pick(sim.run({ port: 9080, host: 'example.com' }), ['virtualHost', 'directResponse']), { virtualHost: 'block_all', directResponse: 502 });
  assert.equal(sim.run({ address: '1.2.3.4', port: 5555 }).cluster, 'BlackHoleCluster');
});

test('sidecar inbound: virtualInbound chains per service port, passthrough for others', () => {
  const { sim, listeners } = setup(BOOKINFO);
  assert.ok(listeners.some((l) => l.name === 'virtualInbound'));
  const inbound = new Simulation(listeners.filter((l) => l.name === 'virtualInbound').map((l) => ({ ...l, name: 'virtualOutbound' })), []);
  assert.deepEqual(pick(inbound.run({ address: '10.1.0.1', port: 9080, host: 'productpage' }), ['filterChain', 'routeConfig', 'cluster']),
    { filterChain: '0.0.0.0_9080', routeConfig: 'inbound|9080||', cluster: 'inbound|9080||' });
  assert.deepEqual(pick(inbound.run({ address: '10.1.0.1', port: 7777 }), ['filterChain', 'cluster']), { filterChain: 'virtualInbound', cluster: 'InboundPassthroughCluster' });
  assert.deepEqual(pick(inbound.run({ address: '10.1.0.1', port: 7777, host: 'x' }), ['filterChain', 'cluster']), { filterChain: 'virtualInbound-catchall-http', cluster: 'InboundPassthroughCluster' });
  assert.equal(inbound.run({ address: '10.1.0.1', port: 15006 }).cluster, 'BlackHoleCluster');
  void sim;
});

test('Sidecar captureMode NONE: bound ingress and egress listeners on explicit addresses, no virtual listeners', () => {
  const sidecar = `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: default }
spec:
  ingress:
  - port: { number: 9080, protocol: HTTP, name: http }
    bind: 127.0.0.2
    captureMode: NONE
  egress:
  - port: { number: 9080, protocol: HTTP, name: http }
    bind: 127.0.0.1
    captureMode: NONE
    hosts: ["./reviews.default.svc.cluster.local"]
`;
  const { sim, listeners } = setup(BOOKINFO + sidecar, `proxy:\n  id: sidecar~10.1.0.1~productpage-v1.default~default.svc.cluster.local\n  metadata: { NAMESPACE: default, INTERCEPTION_MODE: NONE, LABELS: { app: productpage } }\n`);
  assert.deepEqual(listeners.map((l) => l.name).sort(), ['127.0.0.1_9080', '127.0.0.2_9080']);
  for (const l of listeners) assert.equal(l.bind_to_port, undefined, `${l.name} binds its port`);
  const got = sim.run({ address: '127.0.0.1', port: 9080, host: 'reviews', headers: { 'end-user': 'jason' } });
  assert.equal(got.cluster, 'outbound|9080|v2|reviews.default.svc.cluster.local');
  assert.equal(sim.run({ address: '127.0.0.1', port: 9080, host: 'productpage' }).virtualHost, 'allow_any');
  assert.equal(sim.run({ address: '127.0.0.2', port: 9080, host: 'anything' }).cluster, 'inbound|9080||');
});

test('gateway: http.<port> routes bound from VirtualServices naming the gateway, httpsRedirect, TLS passthrough by SNI', () => {
  const gw = `
kind: GoldenCase
proxy:
  id: router~10.2.0.1~ingress.istio-system~istio-system.svc.cluster.local
  metadata: { NAMESPACE: istio-system, LABELS: { istio: ingressgateway } }
---
apiVersion: v1
kind: Service
metadata: { name: productpage, namespace: default }
spec: { clusterIP: 10.0.0.9, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: secure, namespace: default }
spec: { clusterIP: 10.0.0.19, ports: [{ name: https, port: 443 }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: bookinfo, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
  - port: { number: 8080, name: http, protocol: HTTP }
    hosts: ["*"]
  - port: { number: 8081, name: http-redirect, protocol: HTTP }
    hosts: ["default/shop.example.com"]
    tls: { httpsRedirect: true }
  - port: { number: 8443, name: tls, protocol: TLS }
    hosts: ["secure.example.com"]
    tls: { mode: PASSTHROUGH }
  - port: { number: 9443, name: https, protocol: HTTPS }
    hosts: ["shop.example.com"]
    tls: { mode: SIMPLE, credentialName: shop-cert }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: bookinfo, namespace: default }
spec:
  hosts: ["*"]
  gateways: [bookinfo]
  http:
  - match: [{ uri: { exact: /productpage } }]
    route: [{ destination: { host: productpage, port: { number: 9080 } } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: shop, namespace: default }
spec:
  hosts: [shop.example.com]
  gateways: [bookinfo]
  http:
  - route: [{ destination: { host: productpage } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: secure, namespace: default }
spec:
  hosts: [secure.example.com]
  gateways: [bookinfo]
  tls:
  - match: [{ sniHosts: [secure.example.com], port: 8443 }]
    route: [{ destination: { host: secure.default.svc.cluster.local, port: { number: 443 } } }]
`;
  const { sim, listeners, routes } = setup(gw);
  assert.deepEqual(listeners.map((l) => l.name).sort(), ['0.0.0.0_8080', '0.0.0.0_8081', '0.0.0.0_8443', '0.0.0.0_9443']);
  assert.deepEqual(routes.map((r) => r.name).sort(), ['http.8080', 'http.8081', 'https.9443.https.bookinfo.default']);
  assert.deepEqual(pick(sim.run({ port: 8080, host: 'anything.com', path: '/productpage' }), ['routeConfig', 'virtualHost', 'cluster']),
    { routeConfig: 'http.8080', virtualHost: '*:8080', cluster: 'outbound|9080||productpage.default.svc.cluster.local' });
  assert.match(sim.run({ port: 8080, host: 'anything.com', path: '/other' }).error ?? '', /no route/);
  const redirectHost = routes.find((r) => r.name === 'http.8081')!.virtual_hosts!.find((v) => v.name === 'shop.example.com:8081');
  assert.equal(redirectHost?.require_tls, 'ALL');
  assert.equal(sim.run({ port: 8443, sni: 'secure.example.com', tls: true }).cluster, 'outbound|443||secure.default.svc.cluster.local');
  const https = listeners.find((l) => l.name === '0.0.0.0_9443')!;
  const tls = https.filter_chains![0].transport_socket!.typed_config as unknown as { common_tls_context: { tls_certificate_sds_secret_configs: { name: string }[] } };
  assert.equal(tls.common_tls_context.tls_certificate_sds_secret_configs[0].name, 'kubernetes://shop-cert');
  assert.equal(sim.run({ port: 9443, sni: 'shop.example.com', tls: true, host: 'shop.example.com' }).cluster, 'outbound|9080||productpage.default.svc.cluster.local');
});
