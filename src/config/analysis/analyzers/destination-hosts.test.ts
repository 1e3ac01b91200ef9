import { runAnalyzerCases } from '../analysis-cases.js';
import { destinationHostAnalyzer } from './destination-hosts.js';

const REVIEWS = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
---
`;

runAnalyzerCases('virtualservice.DestinationHostAnalyzer', [destinationHostAnalyzer], [
  {
    name: 'short, namespaced and fully qualified names of an existing Service resolve',
    yaml: `${REVIEWS}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
      weight: 50
    - destination:
        host: reviews.default.svc.cluster.local
        port:
          number: 9080
      weight: 50
`,
    want: [],
  },
  {
    name: 'an unknown route host is IST0101 at the destination host line',
    yaml: `${REVIEWS}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews2
`,
    want: ['Error [IST0101] (VirtualService default/reviews in.yaml:22) Referenced host not found: "reviews2"'],
  },
  {
    name: 'a short name resolves in the VirtualService namespace, not the Service one',
    yaml: `${REVIEWS}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: other
spec:
  hosts: [reviews]
  tcp:
  - route:
    - destination:
        host: reviews
`,
    want: ['Error [IST0101] (VirtualService other/reviews in.yaml:23) Referenced host not found: "reviews"'],
  },
  {
    name: 'mirror hosts are checked as "mirror host"',
    yaml: `${REVIEWS}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
    mirror:
      host: shadow
`,
    want: ['Error [IST0101] (VirtualService default/reviews in.yaml:24) Referenced mirror host not found: "shadow"'],
  },
  {
    name: 'a port the Service does not expose is IST0101 host:port',
    yaml: `${REVIEWS}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        port:
          number: 8080
`,
    want: ['Error [IST0101] (VirtualService default/reviews in.yaml:22) Referenced host:port not found: "reviews:8080"'],
  },
  {
    name: 'a multi-port Service without a destination port is IST0112',
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - name: tcp-a
    port: 3306
  - name: tcp-b
    port: 3307
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: db
spec:
  hosts: [db]
  tcp:
  - route:
    - destination:
        host: db
`,
    want: ['Error [IST0112] (VirtualService default/db in.yaml:21) This VirtualService routes to a service "db" that exposes multiple ports [3306 3307]. Specifying a port in the destination is required to disambiguate.'],
  },
  {
    name: 'ServiceEntry hosts count, including wildcards, and respect exportTo',
    yaml: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
  namespace: egress
spec:
  hosts: ["*.example.com"]
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: private
  namespace: egress
spec:
  hosts: [private.internal]
  exportTo: ["."]
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ext
spec:
  hosts: [api.example.com]
  tls:
  - match:
    - sniHosts: [api.example.com]
    route:
    - destination:
        host: api.example.com
      weight: 90
    - destination:
        host: private.internal
      weight: 10
`,
    want: ['Error [IST0101] (VirtualService default/ext in.yaml:42) Referenced host not found: "private.internal"'],
  },
]);
