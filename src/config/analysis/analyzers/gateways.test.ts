import { runAnalyzerCases } from '../analysis-cases.js';
import { conflictingGatewayAnalyzer } from './conflicting-gateways.js';
import { gatewayPortAnalyzer } from './gateway-ports.js';

const INGRESS = `apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  ports:
  - name: http2
    port: 80
    targetPort: 8080
  - name: https
    port: 443
    targetPort: https
---
apiVersion: v1
kind: Pod
metadata:
  name: ingress-1
  namespace: istio-system
  labels:
    istio: ingressgateway
spec:
  containers:
  - name: istio-proxy
    ports:
    - containerPort: 8443
      name: https
---
`;

function gw(name: string, port: number, host: string, selector = 'istio: ingressgateway'): string {
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
spec:
  selector:
    ${selector}
  servers:
  - port:
      number: ${port}
      name: p${port}
      protocol: HTTP
    hosts:
    - "${host}"
---
`;
}

function ist0162(name: string, port: number, line = 37): string {
  return `Warning [IST0162] (Gateway default/${name} in.yaml:${line}) The gateway is listening on a target port (port ${port}) that is not defined in the Service associated with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available.`;
}

runAnalyzerCases('gateway.IngressGatewayPortAnalyzer', [gatewayPortAnalyzer], [
  { name: "ports that are the Service's target ports (number or named container port) are fine", yaml: INGRESS + gw('a', 8080, '*') + gw('b', 8443, '*'), want: [] },
  {
    name: "the Service port instead of its targetPort is IST0162 (never the retired IST0104), at the selector's label",
    yaml: INGRESS + gw('a', 80, '*'),
    want: ['Warning [IST0162] (Gateway default/a in.yaml:37) The gateway is listening on a target port (port 80) that is not defined in the Service associated with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available.'],
  },
  {
    name: 'a selector that matches no workload is IST0101',
    yaml: INGRESS + gw('a', 8080, '*', 'istio: egressgateway'),
    want: ['Error [IST0101] (Gateway default/a in.yaml:37) Referenced selector not found: "istio=egressgateway"'],
  },
  { name: 'without any workloads in the input there is nothing to judge', yaml: gw('a', 80, '*'), want: [] },
  {
    name: 'each server is judged: only the port the Service does not reach is reported',
    yaml: INGRESS + gw('a', 8080, '*').replace('    hosts:\n    - "*"\n', '    hosts:\n    - "*"\n  - port:\n      number: 9000\n      name: p9000\n      protocol: HTTP\n    hosts:\n    - "*"\n'),
    want: [ist0162('a', 9000)],
  },
  {
    name: "a named targetPort no container declares reads as the Service port, as Istio reads it; a Deployment's template is a workload",
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: gw
spec:
  selector:
    app: gw
  ports:
  - name: https
    port: 443
    targetPort: https
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gw
spec:
  selector:
    matchLabels:
      app: gw
  template:
    metadata:
      labels:
        app: gw
    spec:
      containers:
      - name: istio-proxy
        image: proxyv2
---
${gw('a', 443, '*', 'app: gw')}${gw('b', 8443, '*', 'app: gw')}`,
    want: ["Warning [IST0162] (Gateway default/b in.yaml:51) The gateway is listening on a target port (port 8443) that is not defined in the Service associated with its workload instances (Pod selector app=gw). If you need to access the gateway port through the gateway Service, it will not be available."],
  },
  {
    name: "UDP Service ports, and Services in another namespace than the gateway pods, do not count",
    yaml: INGRESS.replace('  - name: http2\n', '  - name: dns\n    port: 5353\n    protocol: UDP\n  - name: http2\n') +
      INGRESS.slice(0, INGRESS.indexOf('---')).replace('namespace: istio-system', 'namespace: other').replace('targetPort: 8080', 'targetPort: 9090') + '---\n' +
      gw('a', 5353, '*') + gw('b', 9090, '*'),
    want: [ist0162('a', 5353, 56), ist0162('b', 9090, 71)],
  },
]);

runAnalyzerCases('gateway.ConflictingGatewayAnalyzer', [conflictingGatewayAnalyzer], [
  {
    name: 'same selector, port and overlapping hosts conflict (both sides reported)',
    yaml: gw('alpha', 80, 'foo.example.com') + gw('beta', 80, '*.example.com'),
    want: [
      'Error [IST0145] (Gateway default/alpha in.yaml:10) Conflict with gateways default/beta (workload selector istio=ingressgateway, port 80, hosts foo.example.com).',
      'Error [IST0145] (Gateway default/beta in.yaml:25) Conflict with gateways default/alpha (workload selector istio=ingressgateway, port 80, hosts *.example.com).',
    ],
  },
  { name: 'different ports do not conflict', yaml: gw('alpha', 80, 'foo.example.com') + gw('beta', 8080, '*.example.com'), want: [] },
  { name: 'disjoint hosts do not conflict', yaml: gw('alpha', 80, 'foo.example.com') + gw('beta', 80, 'bar.example.org'), want: [] },
  { name: 'different gateway workloads do not conflict', yaml: gw('alpha', 80, 'foo.example.com') + gw('beta', 80, 'foo.example.com', 'istio: other'), want: [] },
]);
