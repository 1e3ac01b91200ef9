// The harness's Kubernetes YAML must be what istiod accepts: every document parses into a known
// kind with no errors, EndpointSlices name their Service and list exactly its pods, and the
// per-namespace hosts file maps each ClusterIP to the names a pod would resolve.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../../../src/api/kinds.js';
import { parseDocuments } from '../../../src/config/index.js';
import { hostsFile, kubeYaml, type PodSpec, type ServiceSpec } from './kube-yaml.js';

const services: ServiceSpec[] = [
  { name: 'httpbin', namespace: 'default', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 8080, targetPort: 8080 }, { name: 'tcp', port: 9000, targetPort: 9000 }], selector: 'httpbin' },
  { name: 'gw', namespace: 'istio-system', clusterIP: '10.96.200.1', ports: [{ name: 'http2', port: 80, targetPort: 80 }], selector: 'gw' },
];
const pods: PodSpec[] = [
  { name: 'httpbin-v1', namespace: 'default', ip: '10.250.0.2', labels: { app: 'httpbin', version: 'v1' }, serviceAccount: 'httpbin', ports: [8080, 9000] },
  { name: 'httpbin-v2', namespace: 'default', ip: '10.250.0.3', labels: { app: 'httpbin', version: 'v2' }, serviceAccount: 'httpbin', ports: [8080, 9000] },
  { name: 'sleep', namespace: 'default', ip: '10.250.0.4', labels: { app: 'sleep', version: 'v1' }, serviceAccount: 'sleep', ports: [8080] },
];

test('kubeYaml: every document is a valid object of the expected kind', () => {
  const docs = parseDocuments('kube.yaml', kubeYaml(services, pods));
  const registry = defaultRegistry();
  const kinds = docs.map((d) => {
    assert.equal(d.error, undefined);
    const r = registry.parse(d.value, { source: { file: 'kube.yaml', document: d.index, line: d.line }, defaultNamespace: 'default' });
    assert.deepEqual(r.diagnostics.errors, [], JSON.stringify(d.value));
    const v = d.value as { kind: string; metadata: { name: string; namespace?: string } };
    return `${v.kind}/${v.metadata.namespace ?? ''}/${v.metadata.name}`;
  });
  assert.deepEqual(kinds, [
    'Namespace//default', 'Namespace//istio-system',
    'Service/default/httpbin', 'Service/istio-system/gw',
    'EndpointSlice/default/httpbin-e2e', 'EndpointSlice/istio-system/gw-e2e',
    'Pod/default/httpbin-v1', 'Pod/default/httpbin-v2', 'Pod/default/sleep',
  ]);
});

test('kubeYaml: an EndpointSlice lists exactly the selected pods with the target ports', () => {
  const docs = parseDocuments('kube.yaml', kubeYaml(services, pods)).map((d) => d.value as Record<string, any>);
  const slice = docs.find((d) => d.kind === 'EndpointSlice' && d.metadata.name === 'httpbin-e2e')!;
  assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'httpbin');
  assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'tcp', port: 9000, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints.map((e: any) => [e.addresses[0], e.targetRef.name]), [['10.250.0.2', 'httpbin-v1'], ['10.250.0.3', 'httpbin-v2']]);
  const empty = docs.find((d) => d.kind === 'EndpointSlice' && d.metadata.name === 'gw-e2e')!;
  assert.deepEqual(empty.endpoints, []);
  const pod = docs.find((d) => d.kind === 'Pod' && d.metadata.name === 'httpbin-v2')!;
  assert.deepEqual([pod.metadata.labels, pod.spec.serviceAccountName, pod.status.podIP], [{ app: 'httpbin', version: 'v2' }, 'httpbin', '10.250.0.3']);
});

test('hostsFile: short names only for the default namespace, FQDNs for all', () => {
  assert.equal(hostsFile(services), [
    '127.0.0.1 localhost',
    '::1 localhost ip6-localhost ip6-loopback',
    '10.96.0.10 httpbin.default.svc.cluster.local httpbin.default.svc httpbin.default httpbin',
    '10.96.200.1 gw.istio-system.svc.cluster.local gw.istio-system.svc gw.istio-system',
    '',
  ].join('\n'));
});
