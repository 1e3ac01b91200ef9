import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveMesh } from '../model/mesh.js';
import { PushContext } from '../model/push-context.js';
import { snapshotFromYaml } from '../test-fixtures.js';
import { SnapshotRegistry } from './snapshot-registry.js';

const CONFIG = `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { clusterIP: 10.0.0.10, selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: reviews-1, namespace: default, labels: { app: reviews } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.1.0.5, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: reviews-vm, namespace: default }
spec: { address: 10.9.0.1, labels: { app: reviews-vm } }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }]
  workloadSelector: { labels: { app: reviews } }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews-vms, namespace: default }
spec:
  hosts: [reviews.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }]
  workloadSelector: { labels: { app: reviews-vm } }
`;

// Regression: a ServiceEntry for a `*.svc.cluster.local` host whose workloadSelector picks the
// Kubernetes Service's own pods was answered by both registries, so every pod was listed twice.
// Istio merges the registries' endpoints per host (a same-host ServiceEntry can add VMs); one
// workload is still one endpoint.
test('ServiceEntry with workloadSelector on a Kubernetes service host: each pod listed once, extra VMs added', () => {
  const mesh = resolveMesh({});
  const snapshot = snapshotFromYaml(CONFIG);
  const registry = new SnapshotRegistry(mesh);
  registry.update(snapshot);
  const push = PushContext.build({ snapshot, registry, mesh });
  const svc = { hostname: 'reviews.default.svc.cluster.local', namespace: 'default' };
  const eps = (list: readonly { endpoint: { address: string; endpointPort: number } }[]) => list.map((i) => `${i.endpoint.address}:${i.endpoint.endpointPort}`);
  assert.deepEqual(eps(push.instances(svc)), ['10.1.0.5:9080', '10.9.0.1:9080']);
  assert.deepEqual(eps(push.endpoints(svc, 9080)), ['10.1.0.5:9080', '10.9.0.1:9080']);
  assert.deepEqual(eps(registry.endpoints(svc, 9080, { app: 'reviews' })), ['10.1.0.5:9080']);
  // The pod listed once comes from the Kubernetes source.
  assert.equal(push.instances(svc)[0].service.registry, 'Kubernetes');
  assert.deepEqual(registry.serviceTargets('10.1.0.5').map((i) => `${i.service.hostname}:${i.servicePort.port}`), ['reviews.default.svc.cluster.local:9080']);
});
