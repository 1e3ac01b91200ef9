import { runValidationCases } from '../validation-cases.js';

const sc = (spec: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: Sidecar
metadata: { name: default, namespace: prod-us1 }
spec:
${spec}`;

runValidationCases('Sidecar', [
  { name: 'documented namespace-wide egress restriction', yaml: sc('  egress:\n  - hosts: ["./*", "istio-system/*"]') },
  {
    name: 'documented ingress with default endpoint and port-specific egress',
    yaml: sc(`  workloadSelector: { labels: { app: productpage } }
  ingress:
  - port: { number: 9080, protocol: HTTP, name: somename }
    defaultEndpoint: unix:///var/run/someuds.sock
  egress:
  - port: { number: 9080, protocol: HTTP, name: egresshttp }
    hosts: [prod-us1/*]
  - hosts: [istio-system/*]`),
  },
  {
    name: 'documented captureMode NONE with explicit binds',
    yaml: sc(`  workloadSelector: { labels: { app: productpage } }
  ingress:
  - port: { number: 9080, protocol: HTTP, name: somename }
    defaultEndpoint: 127.0.0.1:8080
    captureMode: NONE
  egress:
  - port: { number: 3306, protocol: MYSQL, name: egressmysql }
    captureMode: NONE
    bind: 127.0.0.1
    hosts: ["*/mysql.foo.com"]`),
  },
  {
    name: 'documented outbound traffic policy with egress proxy',
    yaml: sc(`  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy: { host: foo.bar.com, subset: v1, port: { number: 443 } }`, 'networking.istio.io/v1beta1'),
  },
  {
    name: 'documented ingress TLS and connection pools',
    yaml: sc(`  workloadSelector: { labels: { app: ratings } }
  inboundConnectionPool: { http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024, maxRequestsPerConnection: 1024, maxRetries: 100 } }
  ingress:
  - port: { number: 9080, protocol: HTTPS, name: external }
    defaultEndpoint: 0.0.0.0:9080
    tls: { mode: SIMPLE, privateKey: etc/istio/certs/ca-key.pem, serverCertificate: etc/istio/certs/ca-cert.pem }
  - port: { number: 9081, protocol: HTTP, name: internal }
    connectionPool: { http: { http1MaxPendingRequests: 100 } }`, 'networking.istio.io/v1alpha3'),
  },
  { name: 'unix socket egress listener', yaml: sc('  egress:\n  - port: { number: 0, name: uds }\n    bind: unix:///var/run/egress.sock\n    captureMode: NONE\n    hosts: ["*/*"]') },
  { name: 'tilde namespace', yaml: sc('  egress:\n  - hosts: ["~/*"]') },

  { name: 'empty sidecar', yaml: sc('  {}').replace('spec:\n  {}', 'spec: {}'), errors: [['spec', 'empty configuration']] },
  { name: 'selector without labels', yaml: sc('  workloadSelector: {}\n  egress: [{ hosts: ["./*"] }]'), errors: [['spec.workloadSelector.labels', 'cannot have empty labels']] },
  { name: 'egress host without namespace', yaml: sc('  egress:\n  - hosts: [reviews.default.svc.cluster.local]'), errors: [['spec.egress[0].hosts[0]', 'namespace/dnsName']] },
  { name: 'egress host with invalid namespace', yaml: sc('  egress:\n  - hosts: ["Bad_NS/*"]'), errors: [['spec.egress[0].hosts[0]', 'invalid namespace value']] },
  { name: 'egress without hosts', yaml: sc('  egress:\n  - port: { number: 80, name: http, protocol: HTTP }'), errors: [['spec.egress[0].hosts', 'at least one host']] },
  { name: 'catch-all egress not last', yaml: sc('  egress:\n  - hosts: ["./*"]\n  - port: { number: 80, name: http, protocol: HTTP }\n    hosts: ["./*"]'), errors: [['spec.egress[0].port', 'should be the last listener']] },
  { name: 'two catch-all egress listeners', yaml: sc('  egress:\n  - hosts: ["./*"]\n  - hosts: ["istio-system/*"]'), errors: [['spec.egress[0].port', 'should be the last'], ['spec.egress[1].port', 'only one listener with empty port']] },
  { name: 'duplicate egress ports', yaml: sc('  egress:\n  - port: { number: 80, name: a, protocol: HTTP }\n    hosts: ["./*"]\n  - port: { number: 80, name: b, protocol: HTTP }\n    hosts: ["./*"]'), errors: [['spec.egress[1].port.number', 'must be unique']] },
  { name: 'port 0 without unix bind', yaml: sc('  egress:\n  - port: { number: 0, name: uds }\n    bind: 127.0.0.1\n    hosts: ["./*"]'), errors: [['spec.egress[0].bind', 'unix domain socket bind']] },
  { name: 'egress bind is not an IP', yaml: sc('  egress:\n  - port: { number: 80, name: http, protocol: HTTP }\n    bind: localhost\n    hosts: ["./*"]'), errors: [['spec.egress[0].bind', 'not a valid IP']] },
  { name: 'unknown captureMode', yaml: sc('  egress:\n  - captureMode: TPROXY\n    hosts: ["./*"]'), errors: [['spec.egress[0].captureMode', 'Unsupported value']] },
  { name: 'duplicated egress host warns', yaml: sc('  egress:\n  - hosts: ["ns1/*", "ns1/a.com"]'), warnings: [['spec.egress[0].hosts[1]', 'duplicated egress host']] },
  { name: 'ingress without port', yaml: sc('  ingress:\n  - defaultEndpoint: 127.0.0.1:8080'), errors: [['spec.ingress[0].port', 'Required value']] },
  { name: 'ingress default endpoint on a non-loopback host', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: HTTP, name: http }\n    defaultEndpoint: 10.0.0.1:8080'), errors: [['spec.ingress[0].defaultEndpoint', 'defaultEndpoint must be of form']] },
  { name: 'ingress default endpoint without a port number', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: HTTP, name: http }\n    defaultEndpoint: "127.0.0.1:http"'), errors: [['spec.ingress[0].defaultEndpoint', 'is not a number']] },
  { name: 'duplicate ingress ports', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: HTTP, name: a }\n  - port: { number: 9080, protocol: HTTP, name: b }'), errors: [['spec.ingress[1].port.number', 'must be unique']] },
  { name: 'ingress TLS ISTIO_MUTUAL', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: HTTPS, name: a }\n    tls: { mode: ISTIO_MUTUAL }'), errors: [['spec.ingress[0].tls.mode', 'cannot set mode to ISTIO_MUTUAL']] },
  { name: 'ingress TLS on an HTTP port', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: HTTP, name: a }\n    tls: { mode: SIMPLE, serverCertificate: /c, privateKey: /k }'), errors: [['spec.ingress[0].tls', 'non HTTPS/TLS']] },
  { name: 'ingress TLS credentialName', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: HTTPS, name: a }\n    tls: { mode: SIMPLE, credentialName: c }'), errors: [['spec.ingress[0].tls.credentialName', 'not currently supported']] },
  { name: 'HTTP pool on a TCP ingress port warns', yaml: sc('  ingress:\n  - port: { number: 9080, protocol: TCP, name: a }\n    connectionPool: { http: { maxRetries: 3 } }'), warnings: [['spec.ingress[0].connectionPool.http', 'only TCP settings will apply']] },
  { name: 'negative inbound pool', yaml: sc('  inboundConnectionPool: { tcp: { maxConnections: -1 } }'), errors: [['spec.inboundConnectionPool.tcp.maxConnections', 'non-negative']] },
  { name: 'egress proxy with REGISTRY_ONLY', yaml: sc('  outboundTrafficPolicy: { mode: REGISTRY_ONLY, egressProxy: { host: a.com, port: { number: 443 } } }'), errors: [['spec.outboundTrafficPolicy.egressProxy', 'only with ALLOW_ANY']] },
  { name: 'egress proxy without port', yaml: sc('  outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: a.com } }'), errors: [['spec.outboundTrafficPolicy.egressProxy.port', 'must be non-nil']] },
  { name: 'unknown outbound mode', yaml: sc('  outboundTrafficPolicy: { mode: DENY }'), errors: [['spec.outboundTrafficPolicy.mode', 'Unsupported value']] },
]);
