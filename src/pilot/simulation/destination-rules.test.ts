// Simulation of DestinationRule and EDS effects along the request path: the route a request takes
// picks a cluster (per subset), the route carries the consistent-hash key, and the cluster carries
// the load balancer, circuit breakers, outlier detection and TLS the rule asks for; EDS carries the
// subset's endpoints with locality, weight, metadata and health.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateYaml } from './harness.js';

const pod = (name: string, ip: string, labels: string, ready = 'True') => `
---
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: shop, labels: { app: cart, ${labels} } }
spec: { serviceAccountName: cart, containers: [{ name: app }] }
status: { podIP: ${ip}, conditions: [{ type: Ready, status: "${ready}" }] }`;

const CASE = `
kind: GoldenCase
proxy:
  id: sidecar~10.1.0.1~web-1.shop~shop.svc.cluster.local
  metadata: { NAMESPACE: shop, LABELS: { app: web } }
  locality: { region: us-east1, zone: us-east1-b }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { clusterIP: 10.0.1.2, selector: { app: cart }, ports: [{ name: http, port: 80, targetPort: 8080 }, { name: http-admin, port: 81, targetPort: 8081 }] }
${pod('cart-a', '10.2.0.1', 'version: v1, security.istio.io/tlsMode: istio, topology.kubernetes.io/region: us-east1, topology.kubernetes.io/zone: us-east1-b')}
${pod('cart-b', '10.2.0.2', 'version: v2, security.istio.io/tlsMode: istio, topology.kubernetes.io/region: us-west1, topology.kubernetes.io/zone: us-west1-a')}
${pod('cart-c', '10.2.0.3', 'version: v2, topology.kubernetes.io/region: us-west1, topology.kubernetes.io/zone: us-west1-a')}
${pod('cart-d', '10.2.0.4', 'version: v2', 'False')}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: cart, namespace: shop }
spec:
  host: cart
  trafficPolicy:
    connectionPool:
      tcp: { maxConnections: 10, connectTimeout: 2s }
      http: { http1MaxPendingRequests: 5, http2MaxRequests: 50, maxRetries: 3, idleTimeout: 60s }
    outlierDetection: { consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50 }
    loadBalancer:
      simple: LEAST_REQUEST
      localityLbSetting: { failover: [{ from: us-east1, to: us-west1 }] }
    tls: { mode: ISTIO_MUTUAL }
    portLevelSettings:
    - port: { number: 81 }
      loadBalancer: { consistentHash: { httpQueryParameterName: user } }
      tls: { mode: DISABLE }
  subsets:
  - name: v1
    labels: { version: v1 }
    trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: x-user, ringHash: { minimumRingSize: 4096 } } } }
  - name: v2
    labels: { version: v2 }
    trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: session, ttl: 60s }, maglev: { tableSize: 65537 } } } }
  - name: v3
    labels: { version: v3 }
    trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } }
  - name: warm
    labels: { version: v1 }
    trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN, warmupDurationSecs: 30s } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cart, namespace: shop }
spec:
  hosts: [cart]
  http:
  - match: [{ headers: { x-v: { exact: "1" } } }]
    route: [{ destination: { host: cart, subset: v1 } }]
  - match: [{ headers: { x-v: { exact: "2" } } }]
    route: [{ destination: { host: cart, subset: v2 } }]
  - match: [{ headers: { x-v: { exact: "3" } } }]
    route: [{ destination: { host: cart, subset: v3 } }]
  - match: [{ headers: { x-v: { exact: warm } } }]
    route: [{ destination: { host: cart, subset: warm } }]
  - match: [{ port: 81 }]
    route: [{ destination: { host: cart, port: { number: 81 } } }]
  - route: [{ destination: { host: cart } }]
`;

const { sim } = simulateYaml(CASE);
const req = (v?: string, port = 80) => sim.run({ address: '10.0.1.2', port, host: 'cart', ...(v ? { headers: { 'x-v': v } } : {}) });
const name = (subset: string, port = 80) => `outbound|${port}|${subset}|cart.shop.svc.cluster.local`;

test('subsets: one cluster per subset, the request reaches the subset its route names, EDS has only its endpoints', () => {
  const cases: [string | undefined, string, string[]][] = [
    ['1', name('v1'), ['10.2.0.1:8080']],
    // The not-ready pod is left out.
    ['2', name('v2'), ['10.2.0.2:8080', '10.2.0.3:8080']],
    ['3', name('v3'), []],
    [undefined, name(''), ['10.2.0.1:8080', '10.2.0.2:8080', '10.2.0.3:8080']],
  ];
  for (const [v, cluster, eps] of cases) {
    const got = req(v);
    assert.equal(got.cluster, cluster, `x-v ${v}`);
    assert.equal(got.clusterConfig?.type, 'EDS');
    assert.deepEqual(got.endpoints, eps, `x-v ${v}`);
  }
});

test('load balancer: simple, ring hash, maglev, warmup; consistent hash key on the route (header, cookie, source IP, query parameter)', () => {
  const cases: [string | undefined, number, string, unknown][] = [
    ['1', 80, 'RING_HASH', { header: { header_name: 'x-user' } }],
    ['2', 80, 'MAGLEV', { cookie: { name: 'session', ttl: { seconds: 60 } } }],
    ['3', 80, 'RING_HASH', { connection_properties: { source_ip: true } }],
    ['warm', 80, 'ROUND_ROBIN', undefined],
    [undefined, 80, 'LEAST_REQUEST', undefined],
    // Port 81's port-level policy: query parameter hash, and its routes use it too.
    [undefined, 81, 'RING_HASH', { query_parameter: { name: 'user' } }],
  ];
  for (const [v, port, lb, hash] of cases) {
    const got = req(v, port);
    assert.equal(got.clusterConfig?.lb_policy ?? 'ROUND_ROBIN', lb, `${v}/${port} lb`);
    assert.deepEqual(got.matchedRoute?.route?.hash_policy?.[0], hash, `${v}/${port} hash`);
  }
  assert.deepEqual(sim.cluster(name('v1'))?.ring_hash_lb_config?.minimum_ring_size, { value: 4096 });
  assert.deepEqual(sim.cluster(name('v2'))?.maglev_lb_config?.table_size, { value: 65537 });
  assert.deepEqual(sim.cluster(name('warm'))?.round_robin_lb_config?.slow_start_config?.slow_start_window, { seconds: 30 });
  // With consistent hashing a retry stays on the hashed host: no previous-hosts predicate.
  assert.equal(req('1').matchedRoute?.route?.retry_policy?.retry_host_predicate, undefined);
  assert.equal(req().matchedRoute?.route?.retry_policy?.retry_host_predicate?.length, 1);
});

test('connection pool → circuit breakers and timeouts; outlier detection; TLS per port', () => {
  const c = sim.cluster(name(''))!;
  assert.deepEqual(c.connect_timeout, { seconds: 2 });
  const t = c.circuit_breakers?.thresholds?.[0];
  assert.deepEqual([t?.max_connections, t?.max_pending_requests, t?.max_requests, t?.max_retries], [{ value: 10 }, { value: 5 }, { value: 50 }, { value: 3 }]);
  const od = c.outlier_detection!;
  assert.deepEqual([od.consecutive_5xx, od.interval, od.base_ejection_time, od.max_ejection_percent], [{ value: 3 }, { seconds: 10 }, { seconds: 30 }, { value: 50 }]);
  // ISTIO_MUTUAL: Istio's SDS secrets `default` and `ROOTCA` from the agent.
  const tls = JSON.stringify(c.transport_socket ?? c.transport_socket_matches);
  assert.match(tls, /"name":"default"/);
  assert.match(tls, /"name":"ROOTCA"/);
  assert.match(tls, /"sni":"outbound_.80_._.cart.shop.svc.cluster.local"/);
  // Port 81 DISABLE: no TLS at all.
  const plain = sim.cluster(name('', 81))!;
  assert.equal(plain.transport_socket, undefined);
  assert.equal(plain.transport_socket_matches, undefined);
});

test('EDS: locality groups and failover priorities for this client, tlsMode metadata, weights', () => {
  const cla = (n: string) => sim.assignment(n) as any;
  const groups = cla(name('')).endpoints.map((g: any) => [g.locality?.region ?? '', g.priority ?? 0, g.load_balancing_weight?.value, g.lb_endpoints.length]);
  assert.deepEqual(groups, [['us-east1', 0, 1, 1], ['us-west1', 1, 2, 2]]);
  const meta = cla(name('v2')).endpoints[0].lb_endpoints.map((e: any) => [e.endpoint.address.socket_address.address, e.metadata?.filter_metadata?.['envoy.transport_socket_match']?.fields?.tlsMode?.stringValue]);
  assert.deepEqual(meta, [['10.2.0.2', 'istio'], ['10.2.0.3', undefined]]);
  // Workload labels reach telemetry metadata: name;namespace;canonical service;revision;cluster.
  const first = cla(name('v1')).endpoints[0].lb_endpoints[0];
  assert.equal(first.metadata.filter_metadata.istio.fields.workload.stringValue, 'cart-a;shop;cart;v1;Kubernetes');
  assert.equal(first.health_status, 'HEALTHY');
});

test('locality distribute weights and failoverPriority labels shape EDS for this client; SIMPLE and MUTUAL TLS clusters', () => {
  const policies = `
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: cart, namespace: shop }
spec:
  host: cart
  trafficPolicy:
    loadBalancer:
      localityLbSetting: { distribute: [{ from: "us-east1/*", to: { "us-east1/*": 80, "us-west1/*": 20 } }] }
    portLevelSettings:
    - port: { number: 81 }
      outlierDetection: { consecutive5xxErrors: 1 }
      loadBalancer: { localityLbSetting: { failoverPriority: [version] } }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext, namespace: shop }
spec: { hosts: [simple.example.com, mutual.example.com], location: MESH_EXTERNAL, resolution: DNS, ports: [{ number: 443, name: tls, protocol: TLS }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: simple, namespace: shop }
spec: { host: simple.example.com, trafficPolicy: { tls: { mode: SIMPLE, sni: simple.example.com } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mutual, namespace: shop }
spec: { host: mutual.example.com, trafficPolicy: { tls: { mode: MUTUAL, clientCertificate: /certs/c.pem, privateKey: /certs/k.pem, caCertificates: /certs/ca.pem } } }
`;
  const base = CASE.slice(0, CASE.indexOf('---\napiVersion: networking.istio.io/v1\nkind: DestinationRule'));
  const { sim: s } = simulateYaml(base.replace('LABELS: { app: web }', 'LABELS: { app: web, version: v2 }') + policies);
  const groups = (n: string) => (s.assignment(n) as any).endpoints.map((g: any) => [g.locality?.region ?? '', g.priority ?? 0, g.load_balancing_weight?.value, g.lb_endpoints.map((e: any) => e.endpoint.address.socket_address.address)]);
  assert.deepEqual(groups(name('')), [['us-east1', 0, 80, ['10.2.0.1']], ['us-west1', 0, 20, ['10.2.0.2', '10.2.0.3']]]);
  // failoverPriority [version]: endpoints whose version equals the client's (v2) first, the rest next.
  const byPriority = groups(name('', 81)).map(([, p, , eps]: [string, number, number, string[]]) => [p, eps]).sort();
  assert.deepEqual(byPriority, [[0, ['10.2.0.2', '10.2.0.3']], [1, ['10.2.0.1']]]);
  const tlsOf = (host: string) => JSON.stringify(s.cluster(`outbound|443||${host}`)?.transport_socket);
  assert.match(tlsOf('simple.example.com'), /"sni":"simple.example.com"/);
  assert.doesNotMatch(tlsOf('simple.example.com'), /tls_certificate_sds_secret_configs/);
  assert.match(tlsOf('mutual.example.com'), /"name":"file-cert:\/certs\/c.pem~\/certs\/k.pem"/);
  assert.match(tlsOf('mutual.example.com'), /"name":"file-root:\/certs\/ca.pem"/);
});
