import { runAnalyzerCases } from '../analysis-cases.js';
import { virtualServiceGatewayAnalyzer } from './virtualservice-gateways.js';

const GW = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 8080
      name: http
      protocol: HTTP
    hosts:
    - "default/*.example.com"
    - "./admin.example.com"
---
`;

function vs(hosts: string, gateways: string): string {
  return `${GW}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts: ${hosts}
  gateways: ${gateways}
  http:
  - route:
    - destination:
        host: web
`;
}

runAnalyzerCases('virtualservice.GatewayAnalyzer', [virtualServiceGatewayAnalyzer], [
  { name: 'a host under the gateway wildcard, gateway named ns/name, plus mesh', yaml: vs('[shop.example.com]', '[istio-system/gw, mesh]'), want: [] },
  {
    name: 'a gateway that does not exist is IST0101 (and nothing more)',
    yaml: vs('[shop.example.com]', '[gw]'),
    want: ['Error [IST0101] (VirtualService default/web in.yaml:24) Referenced gateway not found: "gw"'],
  },
  {
    name: 'hosts the gateway does not accept for this namespace are IST0132',
    yaml: vs('[admin.internal, other.org]', '[istio-system/gw]'),
    want: ['Warning [IST0132] (VirtualService default/web in.yaml:24) one or more host [admin.internal other.org] defined in VirtualService default/web not found in Gateway istio-system/gw.'],
  },
]);
