// Kubernetes and Istio YAML shared by the tests that run pilot-agent against the real istiod on
// loopback: a service whose one endpoint is 127.0.0.1, and the namespace Sidecar whose egress
// listener (captureMode NONE, bound on 127.0.0.1) is where the tests send their requests.

/** A Service on `servicePort` with an EndpointSlice of one endpoint, 127.0.0.1:`endpointPort`. */
export function loopbackService(name: string, ip: string, servicePort: number, endpointPort: number): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  clusterIP: ${ip}
  ports: [{name: http, port: ${servicePort}, targetPort: 9080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: ${endpointPort}, protocol: TCP}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
`;
}

/** The default namespace's Sidecar: one HTTP egress listener on 127.0.0.1:`port` for `./*`. */
export function egressSidecar(port: number): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
  - port: {number: ${port}, protocol: HTTP, name: http}
    bind: 127.0.0.1
    captureMode: NONE
    hosts: ["./*"]
`;
}
