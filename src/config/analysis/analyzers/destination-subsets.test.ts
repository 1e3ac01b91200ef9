import { runAnalyzerCases } from '../analysis-cases.js';
import { destinationSubsetAnalyzer } from './destination-subsets.js';

const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  subsets:
  - name: v1
    labels:
      version: v1
---
`;

runAnalyzerCases('virtualservice.DestinationRuleAnalyzer', [destinationSubsetAnalyzer], [
  {
    name: 'a subset defined by a DestinationRule for the host (short or long name) is fine',
    yaml: `${DR}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`,
    want: [],
  },
  {
    name: 'an undefined subset is IST0101 host+subset',
    yaml: `${DR}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v4
`,
    want: ['Error [IST0101] (VirtualService default/reviews in.yaml:21) Referenced host+subset in destinationrule not found: "reviews+v4"'],
  },
  {
    name: "a DestinationRule in another namespace does not define the short name's subsets",
    yaml: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: prod
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`,
    want: ['Error [IST0101] (VirtualService default/reviews in.yaml:22) Referenced host+subset in destinationrule not found: "reviews+v1"'],
  },
]);
