import { runAnalyzerCases } from '../analysis-cases.js';
import { conflictingMeshGatewayHostsAnalyzer } from './conflicting-mesh-gateway-hosts.js';

function vs(name: string, extra = '', host = 'reviews'): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
  hosts: [${host}]${extra}
  http:
  - route:
    - destination:
        host: reviews
---
`;
}

runAnalyzerCases('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [conflictingMeshGatewayHostsAnalyzer], [
  {
    name: 'two mesh VirtualServices for the same host (short and long name) conflict',
    yaml: vs('a') + vs('b', '', 'reviews.default.svc.cluster.local'),
    want: [
      'Error [IST0109] (VirtualService default/a in.yaml:6) The VirtualServices default/a,default/b associated with mesh gateway define the same host reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
      'Error [IST0109] (VirtualService default/b in.yaml:17) The VirtualServices default/a,default/b associated with mesh gateway define the same host reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
    ],
  },
  { name: 'a VirtualService bound only to a gateway does not conflict', yaml: vs('a') + vs('b', '\n  gateways: [gw]'), want: [] },
  { name: 'a namespace-private VirtualService does not conflict with a public one', yaml: vs('a') + vs('b', '\n  exportTo: ["."]'), want: [] },
  { name: 'different hosts do not conflict', yaml: vs('a') + vs('b', '', 'ratings'), want: [] },
]);
