import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runValidationCases } from '../validation-cases.js';
import { isPodReady, readPodStatus } from './pod.js';
import { secretData } from './secret.js';

const svc = (spec: string): string => `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
${spec}`;

const pod = (spec: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1-abc
  namespace: default
  labels:
    app: reviews
spec:
${spec}${extra}`;

runValidationCases('Namespace', [
  {
    name: 'namespace with istio-injection=enabled is accepted',
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n',
  },
  {
    name: 'an istio-injection value other than enabled/disabled warns',
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: "true"\n',
    warnings: [['metadata.labels.istio-injection', 'only "enabled" and "disabled"']],
  },
  {
    name: 'misspelled top-level field is rejected',
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\nspce: {}\n',
    errors: [['spce', 'unknown field']],
  },
]);

runValidationCases('Service', [
  {
    name: 'bookinfo reviews Service is accepted',
    yaml: svc(`  ports:
  - port: 9080
    name: http
  selector:
    app: reviews`),
  },
  {
    name: 'named targetPort, appProtocol, NodePort and dual-stack cluster IPs are accepted',
    yaml: svc(`  type: NodePort
  clusterIP: 10.96.0.10
  clusterIPs: ["10.96.0.10", "fd00::10"]
  ipFamilyPolicy: PreferDualStack
  ports:
  - name: http-web
    port: 80
    targetPort: http
    appProtocol: kubernetes.io/h2c
    nodePort: 30080
  - name: grpc
    port: 9090
    targetPort: 9090
    protocol: TCP`),
  },
  { name: 'headless Service without ports is accepted', yaml: svc('  clusterIP: None\n  selector:\n    app: db') },
  { name: 'ExternalName Service is accepted', yaml: svc('  type: ExternalName\n  externalName: my.database.example.com') },
  {
    name: 'ExternalName without externalName is rejected',
    yaml: svc('  type: ExternalName'),
    errors: [['spec.externalName', 'Required value']],
  },
  {
    name: 'ports are required for ClusterIP Services',
    yaml: svc('  selector:\n    app: a'),
    errors: [['spec.ports', 'Required value']],
  },
  {
    name: 'port out of range, bad name and bad targetPort name are rejected',
    yaml: svc(`  ports:
  - name: Http
    port: 70000
    targetPort: "http_port_too_long"`),
    errors: [
      ['spec.ports[0].name', 'RFC 1123'],
      ['spec.ports[0].port', '1 and 65535'],
      ['spec.ports[0].targetPort', '15 characters'],
    ],
  },
  {
    name: 'multiple ports need unique names',
    yaml: svc(`  ports:
  - port: 80
  - name: a
    port: 81
  - name: a
    port: 82`),
    errors: [['spec.ports[0].name', 'name is required'], ['spec.ports[2].name', 'Duplicate value']],
  },
  {
    name: 'nodePort on a ClusterIP Service is rejected',
    yaml: svc('  ports:\n  - port: 80\n    nodePort: 30000'),
    errors: [['spec.ports[0].nodePort', 'Forbidden']],
  },
  {
    name: 'bad clusterIP, mismatched clusterIPs and unknown protocol are rejected',
    yaml: svc(`  clusterIP: 10.0.0.300
  clusterIPs: ["10.0.0.1"]
  ports:
  - port: 80
    protocol: HTTP`),
    errors: [
      ['spec.ports[0].protocol', 'Unsupported value'],
      ['spec.clusterIP', 'must be a valid IP address'],
      ['spec.clusterIPs[0]', 'must match clusterIP'],
    ],
  },
  {
    name: 'semantic IP checks run on a structurally valid Service',
    yaml: svc(`  clusterIP: 10.0.0.300
  clusterIPs: ["10.0.0.1"]
  ports:
  - port: 80`),
    errors: [['spec.clusterIP', 'valid IP'], ['spec.clusterIPs[0]', 'must match clusterIP']],
  },
  {
    name: 'targetPort of the wrong type is rejected',
    yaml: svc('  ports:\n  - port: 80\n    targetPort: true'),
    errors: [['spec.ports[0].targetPort']],
  },
  {
    name: 'unknown Service type and misspelled spec field are rejected',
    yaml: svc('  type: Internal\n  selectr:\n    app: a\n  ports:\n  - port: 80'),
    errors: [['spec.type', 'Unsupported value'], ['spec.selectr', 'unknown field']],
  },
]);

runValidationCases('Endpoints', [
  {
    name: 'Endpoints with ready and not-ready addresses are accepted',
    yaml: `apiVersion: v1
kind: Endpoints
metadata:
  name: reviews
subsets:
- addresses:
  - ip: 10.1.0.5
    nodeName: node-1
    targetRef:
      kind: Pod
      name: reviews-v1-abc
      namespace: default
  notReadyAddresses:
  - ip: 10.1.0.6
  ports:
  - name: http
    port: 9080
    protocol: TCP`,
  },
  {
    name: 'bad IP and port are rejected; a subset without addresses is rejected',
    yaml: `apiVersion: v1
kind: Endpoints
metadata:
  name: reviews
subsets:
- addresses:
  - ip: reviews.local
  ports:
  - port: 0
- ports:
  - port: 80`,
    errors: [['subsets[0].addresses[0].ip', 'valid IP'], ['subsets[0].ports[0].port', '1 and 65535'], ['subsets[1]', 'addresses']],
  },
  {
    name: 'misspelled top-level field is rejected',
    yaml: 'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: a\nsubset: []\n',
    errors: [['subset', 'unknown field']],
  },
]);

runValidationCases('EndpointSlice', [
  {
    name: 'EndpointSlice with conditions, zone and targetRef is accepted',
    yaml: `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-abc
  labels:
    kubernetes.io/service-name: reviews
addressType: IPv4
ports:
- name: http
  protocol: TCP
  port: 9080
endpoints:
- addresses: ["10.1.0.5"]
  conditions:
    ready: true
    serving: true
    terminating: false
  nodeName: node-1
  zone: us-east-1a
  hostname: reviews-0
  targetRef:
    kind: Pod
    name: reviews-v1-abc`,
  },
  {
    name: 'addresses must match the addressType',
    yaml: `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: s
addressType: IPv6
endpoints:
- addresses: ["10.1.0.5"]
- addresses: []`,
    errors: [['endpoints[0].addresses[0]', 'IPv6'], ['endpoints[1].addresses', 'at least 1']],
  },
  {
    name: 'addressType is required and must be known',
    yaml: 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\nendpoints: []\n',
    errors: [['addressType', 'Required value']],
  },
  {
    name: 'FQDN slices take host names; duplicate port names are rejected',
    yaml: `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: s
addressType: FQDN
endpoints:
- addresses: ["db.example.com"]
ports:
- name: a
  port: 1
- name: a
  port: 2`,
    errors: [['ports[1].name', 'Duplicate']],
  },
]);

runValidationCases('Pod', [
  {
    name: 'a real-world Pod (probes, resources, volumes, status) is accepted',
    yaml: pod(`  serviceAccountName: bookinfo-reviews
  nodeName: node-1
  containers:
  - name: reviews
    image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.1
    imagePullPolicy: IfNotPresent
    ports:
    - containerPort: 9080
      name: http
    readinessProbe:
      httpGet:
        path: /health
        port: 9080
    resources:
      requests:
        cpu: 100m
    env:
    - name: LOG_DIR
      value: /tmp/logs
    volumeMounts:
    - name: tmp
      mountPath: /tmp
  volumes:
  - name: tmp
    emptyDir: {}
  tolerations:
  - key: node.kubernetes.io/not-ready
    operator: Exists
`, `status:
  phase: Running
  podIP: 10.1.0.5
  podIPs:
  - ip: 10.1.0.5
  conditions:
  - type: Ready
    status: "True"
`),
  },
  { name: 'hostNetwork Pod is accepted', yaml: pod('  hostNetwork: true\n  containers:\n  - name: a\n') },
  {
    name: 'containers are required',
    yaml: pod('  serviceAccountName: a\n'),
    errors: [['spec.containers', 'Required value']],
  },
  {
    name: 'bad container port, port name and duplicate names are rejected',
    yaml: pod(`  containers:
  - name: a
    ports:
    - containerPort: 0
      name: http
    - containerPort: 8080
      name: http
  - name: a
`),
    errors: [['spec.containers[0].ports[0].containerPort', '1 and 65535'], ['spec.containers[0].ports[1].name', 'Duplicate'], ['spec.containers[1].name', 'Duplicate']],
  },
  {
    name: 'misspelled PodSpec field and bad serviceAccountName are rejected',
    yaml: pod('  serviceAccountName: Bad_Name\n  hostNetwrok: true\n  containers:\n  - name: a\n'),
    errors: [['spec.hostNetwrok', 'unknown field']],
  },
  {
    name: 'bad serviceAccountName is rejected',
    yaml: pod('  serviceAccountName: Bad_Name\n  containers:\n  - name: a\n'),
    errors: [['spec.serviceAccountName', 'RFC 1123']],
  },
  {
    name: 'unknown top-level Pod field is rejected',
    yaml: pod('  containers:\n  - name: a\n', 'sepc: {}\n'),
    errors: [['sepc', 'unknown field']],
  },
]);

runValidationCases('Secret', [
  {
    name: 'kubernetes.io/tls Secret is accepted',
    yaml: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: gw-cert\ntype: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTg==\n  tls.key: LS0tLS1CRUdJTg==\n',
  },
  {
    name: 'generic Secret with cert/key/cacert via stringData is accepted',
    yaml: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: client\nstringData:\n  cert: "-----BEGIN CERTIFICATE-----"\n  key: k\n  cacert: c\n',
  },
  {
    name: 'tls Secret missing tls.key and with non-base64 data is rejected',
    yaml: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/tls\ndata:\n  tls.crt: "not base64!"\n',
    errors: [['data', 'tls.key'], ['data["tls.crt"]', 'illegal base64']],
  },
  {
    name: 'bad data key is rejected',
    yaml: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  "a/b": x\n',
    errors: [['stringData["a/b"]', 'valid config key']],
  },
]);

runValidationCases('ConfigMap', [
  {
    name: 'istio mesh ConfigMap is accepted',
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    rootNamespace: istio-system\n  meshNetworks: "networks: {}"\n',
  },
  {
    name: 'binaryData must be base64 and not repeat a data key',
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: x\nbinaryData:\n  a: eA==\n  b: "%%"\n',
    errors: [['binaryData.a', 'duplicate'], ['binaryData.b', 'illegal base64']],
  },
  {
    name: 'data values must be strings',
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  port: 8080\n',
    errors: [['data.port', 'string']],
  },
]);

test('readPodStatus types IPs, phase and conditions', () => {
  const ok = readPodStatus({ phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }], conditions: [{ type: 'Ready', status: 'True' }], qosClass: 'Burstable' });
  assert.equal(ok.diagnostics.ok, true);
  assert.equal(ok.status?.podIP, '10.0.0.1');
  assert.equal(isPodReady(ok.status), true);
  const bad = readPodStatus({ phase: 'Runing', podIP: 'x' });
  assert.deepEqual(bad.diagnostics.errors.map((e) => e.path), ['status.phase']);
  const mismatch = readPodStatus({ podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.2' }] });
  assert.deepEqual(mismatch.diagnostics.errors.map((e) => e.path), ['status.podIPs[0].ip']);
  assert.equal(isPodReady({ conditions: [{ type: 'Ready', status: 'False' }] }), false);
});

test('secretData decodes data and lets stringData win', () => {
  const out = secretData({ data: { a: Buffer.from('one').toString('base64'), b: 'dHdv' }, stringData: { b: 'three' } });
  assert.equal(out.a.toString(), 'one');
  assert.equal(out.b.toString(), 'three');
});
