import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocuments } from '../../config/index.js';
import { banner, examplePath, gatewayRoutes, istioctlCommand, routingFiles } from './banner.js';
import { planPods, type Doc } from './plan.js';

const docsOf = (files: Record<string, string>): Doc[] =>
  Object.entries(files).flatMap(([file, yaml]) => parseDocuments(file, yaml).map((d) => ({ file, value: d.value })));

const MESH = {
  '/c/gateway.yaml': `apiVersion: v1
kind: Pod
metadata: {name: gw, namespace: istio-system, labels: {istio: ingressgateway}}
spec: {containers: [{name: p, image: proxyv2, args: [proxy, router]}]}
status: {podIP: 127.0.10.2}
---
apiVersion: v1
kind: Pod
metadata: {name: productpage-v1, namespace: default, labels: {app: productpage, sidecar.istio.io/inject: "true"}}
spec: {containers: [{name: p, image: istio-ts/demo-productpage}]}
status: {podIP: 127.0.10.11}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - {port: {number: 8080, name: http, protocol: HTTP}, bind: 127.0.10.2, hosts: ["*"]}
  - {port: {number: 9443, name: tls, protocol: TLS}, hosts: ["*"], tls: {mode: PASSTHROUGH}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: front, namespace: default}
spec:
  hosts: ["*"]
  gateways: [istio-system/gw]
  http:
  - match: [{uri: {exact: /productpage}}, {uri: {regex: "/x.*"}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
  - match: [{uri: {prefix: /api/v1/products}}]
    route: [{destination: {host: productpage.default.svc.cluster.local}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: unbound, namespace: default}
spec:
  hosts: ["*"]
  gateways: [gw]
  http: [{route: [{destination: {host: nowhere}}]}]
`,
  '/c/routing.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}, weight: 80}, {destination: {host: reviews, subset: v2}, weight: 20}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details}
spec:
  hosts: [details]
  http: [{route: [{destination: {host: details}}]}]
`,
};

test('gatewayRoutes: routes of VirtualServices bound to a Gateway that selects a gateway pod, HTTP servers only', () => {
  const docs = docsOf(MESH);
  const routes = gatewayRoutes(docs, planPods(docs));
  assert.deepEqual(routes, [
    { url: 'http://127.0.10.2:8080', match: 'exact', path: '/productpage', destination: 'productpage:9080' },
    { url: 'http://127.0.10.2:8080', match: 'regex', path: '/x.*', destination: 'productpage:9080' },
    { url: 'http://127.0.10.2:8080', match: 'prefix', path: '/api/v1/products', destination: 'productpage.default.svc.cluster.local' },
  ]);
  assert.deepEqual(routes.map(examplePath), ['/productpage', undefined, '/api/v1/products']);
});

test('routingFiles: files with a weighted split', () => {
  assert.deepEqual(routingFiles(docsOf(MESH)), ['/c/routing.yaml']);
});

test('banner: what to type, in order', () => {
  const docs = docsOf(MESH);
  const text = banner({
    docs, pods: planPods(docs), monitoringAddr: '127.0.10.1:15014', logDir: '/tmp/logs', istioctl: 'node dist/src/bin/istioctl.js',
    proxies: [
      { pod: 'gw', namespace: 'istio-system', role: 'gateway', admin: 41000, status: 41001 },
      { pod: 'productpage-v1', namespace: 'default', role: 'sidecar', admin: 42000, status: 42001 },
    ],
  });
  assert.equal(text, `
istio-ts demo mesh is ready.

Send requests through the ingress gateway:
  curl http://127.0.10.2:8080/productpage           # exact /productpage → productpage:9080
  curl http://127.0.10.2:8080/api/v1/products       # prefix /api/v1/products → productpage.default.svc.cluster.local

Change routing live: edit the weights in
  /c/routing.yaml
and save; istiod pushes the change to every proxy within about a second.

Look inside:
  node dist/src/bin/istioctl.js proxy-status --istiod 127.0.10.1:15014
  node dist/src/bin/istioctl.js proxy-config routes productpage-v1.default --admin-addr 127.0.0.1:42000
  curl http://127.0.10.1:15014/debug/syncz

Proxies (admin API on 127.0.0.1):
  gw.istio-system                     gateway  admin 127.0.0.1:41000
  productpage-v1.default              sidecar  admin 127.0.0.1:42000

Logs of every process: /tmp/logs
Press Ctrl-C to stop everything.
`);
});

test('istioctlCommand: relative below the working directory, absolute elsewhere', () => {
  assert.equal(istioctlCommand('/repo', '/repo'), 'node dist/src/bin/istioctl.js');
  assert.equal(istioctlCommand('/repo', '/elsewhere'), 'node /repo/dist/src/bin/istioctl.js');
});
