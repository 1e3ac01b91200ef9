import { runValidationCases } from '../validation-cases.js';

const we = (spec: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: WorkloadEntry
metadata: { name: vm1, namespace: ns1 }
spec:
${spec}`;

runValidationCases('WorkloadEntry', [
  { name: 'documented VM example', yaml: we('  serviceAccount: details-legacy\n  address: 2.2.2.2\n  labels: { app: details-legacy, instance-id: vm1 }') },
  { name: 'v1beta1 and v1alpha3 are served', yaml: we('  address: 10.0.0.1', 'networking.istio.io/v1beta1') },
  { name: 'v1alpha3 is served', yaml: we('  address: 10.0.0.1', 'networking.istio.io/v1alpha3') },
  { name: 'unserved version', yaml: we('  address: 10.0.0.1', 'networking.istio.io/v2'), errors: [['apiVersion', 'served versions']] },
  { name: 'hostname address', yaml: we('  address: vm1.example.com\n  ports: { http: 8080 }') },
  { name: 'unix socket address', yaml: we('  address: unix:///var/run/app.sock') },
  { name: 'unix socket with ports', yaml: we('  address: unix:///var/run/app.sock\n  ports: { http: 80 }'), errors: [['spec.ports', 'cannot have ports']] },
  { name: 'missing address', yaml: we('  labels: { app: a }'), errors: [['spec.address', 'address must be set']] },
  { name: 'network without address', yaml: we('  network: vpc-1') },
  { name: 'port out of range', yaml: we('  address: 1.1.1.1\n  ports: { http: 70000 }'), errors: [['spec.ports.http', 'range']] },
  { name: 'port zero', yaml: we('  address: 1.1.1.1\n  ports: { http: 0 }'), errors: [['spec.ports.http']] },
  { name: 'port not a number', yaml: we('  address: 1.1.1.1\n  ports: { http: eighty }'), errors: [['spec.ports.http', 'must be of type']] },
  { name: 'unknown field', yaml: we('  address: 1.1.1.1\n  adress: 1.1.1.2'), errors: [['spec.adress', 'unknown field "adress"']] },
  { name: 'bad label value', yaml: we('  address: 1.1.1.1\n  labels: { app: "a b" }'), errors: [['spec.labels.app', 'invalid label value']] },
  { name: 'bad locality', yaml: we('  address: 1.1.1.1\n  locality: us-east//z'), errors: [['spec.locality']] },
  { name: 'bad address', yaml: we('  address: "not an address!"'), errors: [['spec.address', 'invalid address']] },
  { name: 'weight negative', yaml: we('  address: 1.1.1.1\n  weight: -1'), errors: [['spec.weight', 'greater than or equal to 0']] },
]);

runValidationCases('metadata', [
  { name: 'missing name', yaml: 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { namespace: a }\nspec: { address: 1.1.1.1 }', errors: [['metadata.name', 'Required value']] },
  { name: 'uppercase name', yaml: 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: VM1 }\nspec: { address: 1.1.1.1 }', errors: [['metadata.name', 'RFC 1123']] },
  { name: 'bad namespace', yaml: 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: vm, namespace: a.b }\nspec: { address: 1.1.1.1 }', errors: [['metadata.namespace', 'RFC 1123 label']] },
  { name: 'unknown metadata field', yaml: 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: vm, nmae: x }\nspec: { address: 1.1.1.1 }', errors: [['metadata.nmae', 'unknown field']] },
  { name: 'unknown top-level field', yaml: 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: vm }\nspce: { address: 1.1.1.1 }', errors: [['spce', 'unknown field'], ['spec.address', 'address must be set']] },
  { name: 'unknown kind', yaml: 'apiVersion: networking.istio.io/v1\nkind: VirtualServic\nmetadata: { name: vm }\nspec: {}', errors: [['kind', 'unknown kind']] },
  { name: 'missing apiVersion', yaml: 'kind: WorkloadEntry\nmetadata: { name: vm }', errors: [['apiVersion', 'Required value']] },
]);
