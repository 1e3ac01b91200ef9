import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadPaths, parseDocuments } from '../../config/index.js';
import { planPods, plannedSockets, PlanError, type Doc } from './plan.js';

const docs = (yaml: string): Doc[] => parseDocuments('t.yaml', yaml).map((d) => ({ file: d.file, value: d.value }));
const root = join(dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith('.ts') ? '../../..' : '../../../..');

const ns = (labels = '{istio-injection: enabled}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: default, labels: ${labels}}\n---\n`;
const pod = (o: { name?: string; ip?: string; image?: string; labels?: string; args?: string; env?: string; annotations?: string } = {}) => `apiVersion: v1
kind: Pod
metadata: {name: ${o.name ?? 'details-v1'}, labels: ${o.labels ?? '{app: details, version: v1}'}${o.annotations ? `, annotations: ${o.annotations}` : ''}}
spec:
  serviceAccountName: sa
  containers:
  - name: c
    image: ${o.image ?? 'istio-ts/demo-details'}
${o.args ? `    args: ${o.args}\n` : ''}    env: ${o.env ?? '[{name: PORT, value: "8080"}]'}
status: {podIP: ${o.ip ?? '127.0.10.12'}}
`;

test('planPods: role, injection and env per pod', () => {
  const cases: Array<{ name: string; yaml: string; want: { role: string; app?: string; sidecar: boolean; env: Record<string, string> } }> = [
    {
      name: 'injected namespace: app + sidecar, env with the downward-API values',
      yaml: ns() + pod(),
      want: { role: 'app', app: 'details', sidecar: true, env: { PORT: '8080', POD_NAME: 'details-v1', POD_NAMESPACE: 'default', POD_IP: '127.0.10.12', SERVICE_VERSION: 'v1' } },
    },
    {
      name: 'namespace without the label: no sidecar',
      yaml: ns('{}') + pod(),
      want: { role: 'app', app: 'details', sidecar: false, env: { PORT: '8080', POD_NAME: 'details-v1', POD_NAMESPACE: 'default', POD_IP: '127.0.10.12', SERVICE_VERSION: 'v1' } },
    },
    {
      name: 'pod annotation sidecar.istio.io/inject: "false" wins over the namespace',
      yaml: ns() + pod({ annotations: '{sidecar.istio.io/inject: "false"}' }),
      want: { role: 'app', app: 'details', sidecar: false, env: { PORT: '8080', POD_NAME: 'details-v1', POD_NAMESPACE: 'default', POD_IP: '127.0.10.12', SERVICE_VERSION: 'v1' } },
    },
    {
      name: 'pod label sidecar.istio.io/inject: "true" in a plain namespace',
      yaml: ns('{}') + pod({ labels: '{app: reviews, version: v2, sidecar.istio.io/inject: "true"}', image: 'istio-ts/demo-reviews:latest' }),
      want: { role: 'app', app: 'reviews', sidecar: true, env: { PORT: '8080', POD_NAME: 'details-v1', POD_NAMESPACE: 'default', POD_IP: '127.0.10.12', SERVICE_VERSION: 'v2' } },
    },
    {
      name: 'args [proxy, router]: a gateway, whatever the image',
      yaml: ns() + pod({ image: 'docker.io/istio/proxyv2', args: '[proxy, router]', labels: '{istio: ingressgateway}' }),
      want: { role: 'gateway', sidecar: false, env: {} },
    },
  ];
  for (const c of cases) {
    const [p] = planPods(docs(c.yaml));
    assert.deepEqual({ role: p.role, ...(p.app ? { app: p.app } : {}), sidecar: p.sidecar, env: p.env }, c.want, c.name);
  }
});

test('planPods: a pod the demo cannot run is an error naming it', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['not loopback', pod({ ip: '10.0.0.5' }), /^Pod\/default\/details-v1: status\.podIP must be a loopback address \(127\.x\.y\.z\) for the demo, got "10\.0\.0\.5"$/],
    ['no IP', pod().replace(/status:.*\n/, ''), /status\.podIP must be a loopback address .* got ""$/],
    ['unknown image', pod({ image: 'nginx' }), /^Pod\/default\/details-v1: image "nginx" is not a demo app; use istio-ts\/demo-productpage, istio-ts\/demo-details, istio-ts\/demo-reviews, istio-ts\/demo-ratings, or args \[proxy, router\] for a gateway$/],
    ['valueFrom env', pod({ env: '[{name: X, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]' }), /env X: the demo supports only literal values$/],
    ['two pods on one address', pod() + '---\n' + pod({ name: 'other' }), /^pods details-v1\.default and other\.default share the address 127\.0\.10\.12; give each its own$/],
  ];
  for (const [name, yaml, re] of cases) assert.throws(() => planPods(docs(yaml)), (e: Error) => e instanceof PlanError && re.test(e.message), name);
});

test('plannedSockets: selected Sidecars\' NONE listeners, selected Gateway servers and app ports', () => {
  const yaml = ns() + pod() + `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: details, namespace: default}
spec:
  workloadSelector: {labels: {app: details}}
  ingress:
  - {port: {number: 9090, protocol: HTTP, name: http}, bind: 127.0.10.12, captureMode: NONE, defaultEndpoint: "0.0.0.0:8080"}
  egress:
  - {port: {number: 9080, protocol: HTTP, name: http}, captureMode: NONE, hosts: ["./*"]}
  - {port: {number: 9443, protocol: HTTPS, name: https}, hosts: ["./*"]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: other, namespace: default}
spec:
  workloadSelector: {labels: {app: other}}
  ingress: [{port: {number: 7000, protocol: HTTP, name: http}, bind: 127.0.10.99, captureMode: NONE}]
  egress: [{hosts: ["./*"]}]
---
${pod({ name: 'gw', ip: '127.0.10.2', image: 'proxyv2', args: '[proxy, router]', labels: '{istio: ingressgateway}' })}---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - {port: {number: 8080, name: http, protocol: HTTP}, bind: 127.0.10.2, hosts: ["*"]}
  - {port: {number: 8443, name: tcp, protocol: TCP}, hosts: ["*"]}
`;
  const d = docs(yaml);
  assert.deepEqual(plannedSockets(d, planPods(d)), [
    { ip: '127.0.10.12', port: 8080, owner: 'details-v1 app' },
    { ip: '127.0.10.12', port: 9090, owner: 'details-v1 sidecar (Sidecar/default/details ingress)' },
    { ip: '127.0.0.1', port: 9080, owner: 'details-v1 sidecar (Sidecar/default/details egress)' },
    { ip: '127.0.10.2', port: 8080, owner: 'gw (Gateway/default/gw)' },
    { ip: '0.0.0.0', port: 8443, owner: 'gw (Gateway/default/gw)' },
  ]);
});

test('examples/demo: six pods on 127.0.10.x, every socket on its pod address', async () => {
  const files = await loadPaths([join(root, 'examples/demo')], { recursive: true });
  const d = files.flatMap((f) => f.documents.map((x) => ({ file: f.file, value: x.value })));
  const pods = planPods(d);
  assert.deepEqual(pods.map((p) => [`${p.name}.${p.namespace}`, p.ip, p.role, p.app ?? '', p.sidecar]), [
    ['details-v1.default', '127.0.10.12', 'app', 'details', true],
    ['istio-ingressgateway.istio-system', '127.0.10.2', 'gateway', '', false],
    ['productpage-v1.default', '127.0.10.11', 'app', 'productpage', true],
    ['ratings-v1.default', '127.0.10.15', 'app', 'ratings', true],
    ['reviews-v1.default', '127.0.10.13', 'app', 'reviews', true],
    ['reviews-v2.default', '127.0.10.14', 'app', 'reviews', true],
  ]);
  const sockets = plannedSockets(d, pods).map((s) => `${s.ip}:${s.port}`).sort();
  const want = ['127.0.10.2:8080'];
  for (const n of [11, 12, 13, 14, 15]) want.push(`127.0.10.${n}:8080`, `127.0.10.${n}:9080`, `127.0.10.${n}:9090`);
  assert.deepEqual(sockets, want.sort());
});

test('planPods: holdApplicationUntilProxyStarts from proxy.istio.io/config', () => {
  const cases: Array<[string, string, boolean]> = [
    ['annotation true holds the app', ns() + pod({ annotations: '{proxy.istio.io/config: "holdApplicationUntilProxyStarts: true"}' }), true],
    ['annotation false does not', ns() + pod({ annotations: '{proxy.istio.io/config: "holdApplicationUntilProxyStarts: false"}' }), false],
    ['no annotation does not', ns() + pod(), false],
    ['without a sidecar there is nothing to wait for', ns('{istio-injection: disabled}') + pod({ annotations: '{proxy.istio.io/config: "holdApplicationUntilProxyStarts: true"}' }), false],
  ];
  for (const [name, yaml, want] of cases) {
    assert.equal(planPods(docs(yaml))[0].holdApplication, want, name);
  }
  assert.throws(() => planPods(docs(ns() + pod({ annotations: '{proxy.istio.io/config: "a: [b"}' }))), /proxy.istio.io\/config is not YAML/);
});
