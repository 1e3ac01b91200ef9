import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveMesh } from '../../model/mesh.js';
import { snapshotFromYaml } from '../../test-fixtures.js';
import { KubeRegistry } from './kube-registry.js';

const ctx = { mesh: resolveMesh({ trustDomain: 'example.org' }), clusterId: 'Kubernetes' };

const REVIEWS = `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: bookinfo, labels: { app: reviews }, creationTimestamp: "2024-01-02T00:00:00Z" }
spec:
  clusterIP: 10.0.0.10
  selector: { app: reviews }
  ports:
  - { name: http, port: 9080, targetPort: 9080 }
  - { name: grpc-api, port: 9090, targetPort: grpc, appProtocol: grpc }
  - { name: metrics, port: 15014 }
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1-5c8d7f9b6-x2x7k
  namespace: bookinfo
  labels: { app: reviews, version: v1, pod-template-hash: 5c8d7f9b6, security.istio.io/tlsMode: istio,
            topology.kubernetes.io/region: us-east1, topology.kubernetes.io/zone: us-east1-b, topology.istio.io/subzone: rack7 }
spec:
  serviceAccountName: bookinfo-reviews
  nodeName: node-1
  containers: [{ name: app, ports: [{ name: grpc, containerPort: 9091 }] }]
status: { phase: Running, podIP: 10.1.0.5, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: reviews-v2, namespace: bookinfo, labels: { app: reviews, version: v2, istio-locality: eu-west1.eu-west1-a } }
spec: { containers: [{ name: app, ports: [{ name: grpc, containerPort: 9092 }] }] }
status: { podIP: 10.1.0.6, conditions: [{ type: Ready, status: "False" }] }
`;

function endpointsOf(reg: KubeRegistry, hostname: string, namespace: string) {
  return reg.instances({ hostname, namespace }).map((i) => ({
    port: i.servicePort.port, address: i.endpoint.address, endpointPort: i.endpoint.endpointPort, portName: i.endpoint.servicePortName, health: i.endpoint.healthStatus,
  }));
}

test('kube: Service fields as Istio converts them', () => {
  const reg = new KubeRegistry(ctx);
  reg.update(snapshotFromYaml(REVIEWS));
  const svc = reg.getService('reviews.bookinfo.svc.cluster.local');
  assert.ok(svc);
  assert.deepEqual(
    { ns: svc.namespace, res: svc.resolution, addr: svc.defaultAddress, ext: svc.meshExternal, created: svc.creationTime, registry: svc.registry },
    { ns: 'bookinfo', res: 'ClientSideLB', addr: '10.0.0.10', ext: false, created: Date.parse('2024-01-02T00:00:00Z'), registry: 'Kubernetes' },
  );
  assert.deepEqual(svc.ports.map((p) => [p.name, p.port, p.protocol]), [['http', 9080, 'HTTP'], ['grpc-api', 9090, 'GRPC'], ['metrics', 15014, 'UnsupportedProtocol']]);
});

test('kube: endpoints from selected pods resolve named targetPorts and carry pod metadata', () => {
  const reg = new KubeRegistry(ctx);
  reg.update(snapshotFromYaml(REVIEWS));
  assert.deepEqual(endpointsOf(reg, 'reviews.bookinfo.svc.cluster.local', 'bookinfo'), [
    { port: 9080, address: '10.1.0.5', endpointPort: 9080, portName: 'http', health: 'Healthy' },
    { port: 9080, address: '10.1.0.6', endpointPort: 9080, portName: 'http', health: 'UnHealthy' },
    { port: 9090, address: '10.1.0.5', endpointPort: 9091, portName: 'grpc-api', health: 'Healthy' },
    { port: 9090, address: '10.1.0.6', endpointPort: 9092, portName: 'grpc-api', health: 'UnHealthy' },
    { port: 15014, address: '10.1.0.5', endpointPort: 15014, portName: 'metrics', health: 'Healthy' },
    { port: 15014, address: '10.1.0.6', endpointPort: 15014, portName: 'metrics', health: 'UnHealthy' },
  ]);
  const v1 = reg.endpoints({ hostname: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo' }, 9080, { version: 'v1' });
  assert.equal(v1.length, 1);
  const ep = v1[0].endpoint;
  assert.deepEqual(
    { sa: ep.serviceAccount, tls: ep.tlsMode, loc: ep.locality, wl: ep.workloadName, node: ep.nodeName, cluster: ep.labels['topology.istio.io/cluster'] },
    { sa: 'spiffe://example.org/ns/bookinfo/sa/bookinfo-reviews', tls: 'istio', loc: { region: 'us-east1', zone: 'us-east1-b', subzone: 'rack7' }, wl: 'reviews-v1', node: 'node-1', cluster: 'Kubernetes' },
  );
  const v2 = reg.endpoints({ hostname: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo' }, 9080, { version: 'v2' })[0].endpoint;
  assert.deepEqual({ sa: v2.serviceAccount, tls: v2.tlsMode, loc: v2.locality, wl: v2.workloadName }, {
    sa: 'spiffe://example.org/ns/bookinfo/sa/default', tls: 'disabled', loc: { region: 'eu-west1', zone: 'eu-west1-a', subzone: '' }, wl: 'reviews-v2',
  });
  assert.deepEqual(reg.workloadsByAddress('10.1.0.5').map((w) => w.name), ['reviews-v1-5c8d7f9b6-x2x7k']);
  assert.deepEqual(reg.serviceTargets('10.1.0.5').map((i) => i.servicePort.port), [9080, 9090, 15014]);
});

test('kube: EndpointSlices win over Endpoints and pods; ports match by name; not-ready and terminating', () => {
  const reg = new KubeRegistry(ctx);
  reg.update(snapshotFromYaml(`${REVIEWS}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: reviews-abc, namespace: bookinfo, labels: { kubernetes.io/service-name: reviews } }
addressType: IPv4
ports: [{ name: http, port: 9080 }, { name: unknown, port: 1 }]
endpoints:
- { addresses: [10.1.0.5], conditions: { ready: true }, targetRef: { kind: Pod, name: reviews-v1-5c8d7f9b6-x2x7k } }
- { addresses: [10.1.0.7], conditions: { ready: false, terminating: true }, zone: zone-z }
- { addresses: [10.1.0.8], conditions: { ready: false } }
---
apiVersion: v1
kind: Endpoints
metadata: { name: reviews, namespace: bookinfo }
subsets: [{ addresses: [{ ip: 10.9.9.9 }], ports: [{ name: http, port: 1 }] }]
`));
  const eps = reg.instances({ hostname: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo' });
  assert.deepEqual(eps.map((i) => [i.endpoint.address, i.endpoint.endpointPort, i.endpoint.healthStatus, i.endpoint.tlsMode, i.endpoint.locality.zone]), [
    ['10.1.0.5', 9080, 'Healthy', 'istio', 'us-east1-b'],
    ['10.1.0.7', 9080, 'Terminating', 'disabled', 'zone-z'],
    ['10.1.0.8', 9080, 'UnHealthy', 'disabled', ''],
  ]);
});

test('kube: headless, ExternalName, selector-less with Endpoints, exportTo and service-account annotations', () => {
  const reg = new KubeRegistry(ctx);
  reg.update(snapshotFromYaml(`
apiVersion: v1
kind: Service
metadata: { name: db, namespace: data }
spec: { clusterIP: None, ports: [{ name: tcp-pg, port: 5432 }] }
---
apiVersion: v1
kind: Endpoints
metadata: { name: db, namespace: data }
subsets:
- addresses: [{ ip: 192.168.1.1, hostname: db-0 }]
  notReadyAddresses: [{ ip: 192.168.1.2 }]
  ports: [{ name: tcp-pg, port: 5433 }]
---
apiVersion: v1
kind: Service
metadata:
  name: ext
  namespace: data
  annotations: { networking.istio.io/exportTo: ". , other", alpha.istio.io/kubernetes-serviceaccounts: "a,b", alpha.istio.io/canonical-serviceaccounts: "x@example.com" }
spec: { type: ExternalName, externalName: api.example.com, ports: [{ name: https, port: 443 }] }
`));
  const db = reg.getService('db.data.svc.cluster.local')!;
  assert.deepEqual([db.resolution, db.defaultAddress, db.addresses, db.ports[0].protocol], ['Passthrough', '0.0.0.0', [], 'TCP']);
  assert.deepEqual(reg.instances(db).map((i) => [i.endpoint.address, i.endpoint.endpointPort, i.endpoint.healthStatus, i.endpoint.hostname]), [
    ['192.168.1.1', 5433, 'Healthy', 'db-0'], ['192.168.1.2', 5433, 'UnHealthy', undefined],
  ]);
  const ext = reg.getService('ext.data.svc.cluster.local')!;
  assert.deepEqual(
    [ext.resolution, ext.meshExternal, ext.externalName, ext.exportTo, ext.serviceAccounts, reg.instances(ext).length],
    ['Alias', true, 'api.example.com', ['.', 'other'], ['x@example.com', 'spiffe://example.org/ns/data/sa/a', 'spiffe://example.org/ns/data/sa/b'], 0],
  );
});

test('kube: WorkloadEntries selected by a Service selector become its endpoints', () => {
  const reg = new KubeRegistry(ctx);
  reg.update(snapshotFromYaml(`
apiVersion: v1
kind: Service
metadata: { name: vm, namespace: ns1 }
spec: { clusterIP: 10.0.0.20, selector: { app: vm }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm-1, namespace: ns1 }
spec: { address: 172.16.0.1, labels: { app: vm }, serviceAccount: vm-sa, locality: r1/z1 }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm-2, namespace: ns1 }
spec: { address: 172.16.0.2, labels: { app: vm }, ports: { http: 9999 } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm-other-ns, namespace: ns2 }
spec: { address: 172.16.0.3, labels: { app: vm } }
`));
  const eps = reg.instances({ hostname: 'vm.ns1.svc.cluster.local', namespace: 'ns1' });
  assert.deepEqual(eps.map((i) => [i.endpoint.address, i.endpoint.endpointPort, i.endpoint.tlsMode, i.endpoint.serviceAccount, i.endpoint.workloadName]), [
    ['172.16.0.1', 8080, 'istio', 'spiffe://example.org/ns/ns1/sa/vm-sa', 'vm-1'],
    ['172.16.0.2', 9999, 'disabled', '', 'vm-2'],
  ]);
});

test('kube: changes are classified as service, endpoint-only or headless-endpoint changes', () => {
  const base = (ip: string, port = 9080, headlessIp = '192.168.0.1') => `
apiVersion: v1
kind: Service
metadata: { name: a, namespace: n }
spec: { clusterIP: 10.0.0.1, selector: { app: a }, ports: [{ name: http, port: ${port} }] }
---
apiVersion: v1
kind: Pod
metadata: { name: a-1, namespace: n, labels: { app: a } }
spec: { containers: [{ name: app, image: a }] }
status: { podIP: ${ip} }
---
apiVersion: v1
kind: Service
metadata: { name: h, namespace: n }
spec: { clusterIP: None, selector: { app: h }, ports: [{ name: tcp, port: 5000 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: h-1, namespace: n, labels: { app: h } }
spec: { containers: [{ name: app, image: h }] }
status: { podIP: ${headlessIp} }
`;
  const reg = new KubeRegistry(ctx);
  const heard: unknown[] = [];
  reg.onChange((c) => heard.push(c));
  const first = reg.update(snapshotFromYaml(base('10.1.0.1')));
  assert.deepEqual(first?.services.map((s) => s.hostname).sort(), ['a.n.svc.cluster.local', 'h.n.svc.cluster.local']);
  assert.equal(reg.update(snapshotFromYaml(base('10.1.0.1'))), undefined);
  assert.deepEqual(reg.update(snapshotFromYaml(base('10.1.0.2'))), {
    services: [], endpoints: [{ namespace: 'n', hostname: 'a.n.svc.cluster.local' }], headless: [],
  });
  assert.deepEqual(reg.update(snapshotFromYaml(base('10.1.0.2', 9081))), {
    services: [{ namespace: 'n', hostname: 'a.n.svc.cluster.local' }], endpoints: [], headless: [],
  });
  assert.deepEqual(reg.update(snapshotFromYaml(base('10.1.0.2', 9081, '192.168.0.2'))), {
    services: [], endpoints: [{ namespace: 'n', hostname: 'h.n.svc.cluster.local' }], headless: [{ namespace: 'n', hostname: 'h.n.svc.cluster.local' }],
  });
  assert.deepEqual(reg.update(snapshotFromYaml('')), {
    services: [{ namespace: 'n', hostname: 'a.n.svc.cluster.local' }, { namespace: 'n', hostname: 'h.n.svc.cluster.local' }], endpoints: [], headless: [],
  });
  assert.equal(heard.length, 5);
});
