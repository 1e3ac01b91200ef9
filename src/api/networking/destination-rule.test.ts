import { runValidationCases } from '../validation-cases.js';

const dr = (spec: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews.prod.svc.cluster.local
${spec}`;

const tp = (policy: string) => dr(`  trafficPolicy:\n${policy}`);

runValidationCases('DestinationRule', [
  {
    name: 'documented subsets with per-subset load balancer',
    yaml: dr(`  trafficPolicy:
    loadBalancer: { simple: LEAST_REQUEST }
  subsets:
  - name: v1
    labels: { version: v1 }
  - name: v2
    labels: { version: v2 }
    trafficPolicy:
      loadBalancer: { simple: ROUND_ROBIN }
  - name: v3
    labels: { version: v3 }`),
  },
  {
    name: 'documented consistent hash on a cookie with ttl and attributes',
    yaml: tp(`    loadBalancer:
      consistentHash:
        httpCookie: { name: user, ttl: 0s, path: /, attributes: [{ name: SameSite, value: Strict }] }`),
  },
  {
    name: 'documented connection pool and outlier detection',
    yaml: tp(`    connectionPool:
      tcp: { maxConnections: 100, connectTimeout: 30ms, tcpKeepalive: { time: 7200s, interval: 75s, probes: 9 }, maxConnectionDuration: 1h, idleTimeout: 1h }
      http: { http2MaxRequests: 1000, maxRequestsPerConnection: 10, idleTimeout: 30s, h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 100 }
    outlierDetection: { consecutive5xxErrors: 7, consecutiveGatewayErrors: 3, interval: 5m, baseEjectionTime: 15m, maxEjectionPercent: 50, minHealthPercent: 10 }`),
  },
  {
    name: 'documented port level settings',
    yaml: tp(`    portLevelSettings:
    - port: { number: 80 }
      loadBalancer: { simple: LEAST_REQUEST }
    - port: { number: 9080 }
      loadBalancer: { simple: ROUND_ROBIN }`, ),
  },
  {
    name: 'documented mutual TLS origination with files',
    yaml: tp(`    tls: { mode: MUTUAL, clientCertificate: /etc/certs/myclientcert.pem, privateKey: /etc/certs/client_private_key.pem, caCertificates: /etc/certs/rootcacerts.pem, sni: my-nginx.mesh-external.svc.cluster.local, subjectAltNames: [my-nginx.mesh-external.svc.cluster.local] }`),
  },
  { name: 'documented MUTUAL TLS via credentialName', yaml: tp('    tls: { mode: MUTUAL, credentialName: client-credential, sni: my-nginx.mesh-external.svc.cluster.local }') },
  { name: 'documented SIMPLE TLS origination', yaml: tp('    tls: { mode: SIMPLE, insecureSkipVerify: false }') },
  {
    name: 'documented locality failover with outlier detection',
    yaml: tp(`    loadBalancer:
      simple: ROUND_ROBIN
      localityLbSetting:
        enabled: true
        failover: [{ from: us-east, to: eu-west }, { from: us-west, to: us-east }]
    outlierDetection: { consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m }`),
  },
  {
    name: 'documented locality weighted distribution',
    yaml: tp(`    loadBalancer:
      localityLbSetting:
        enabled: true
        distribute:
        - from: us-west/zone1/*
          to: { "us-west/zone1/*": 80, "us-west/zone2/*": 20 }
        - from: us-west/zone2/*
          to: { "us-west/zone1/*": 20, "us-west/zone2/*": 80 }`),
  },
  { name: 'documented failoverPriority', yaml: tp('    loadBalancer:\n      localityLbSetting: { enabled: true, failoverPriority: [topology.istio.io/network, topology.kubernetes.io/region] }\n    outlierDetection: { consecutive5xxErrors: 1 }') },
  { name: 'documented tunnel settings', yaml: tp('    tunnel: { protocol: CONNECT, targetHost: example.com, targetPort: 443 }') },
  { name: 'proxyProtocol, warmup and ring hash', yaml: tp('    proxyProtocol: { version: V2 }\n    loadBalancer: { consistentHash: { useSourceIp: true, ringHash: { minimumRingSize: 1024 } } }') },
  { name: 'maglev with a prime table size', yaml: tp('    loadBalancer: { consistentHash: { httpHeaderName: x-user, maglev: { tableSize: 65537 } } }') },
  { name: 'warmup on round robin', yaml: tp('    loadBalancer: { simple: ROUND_ROBIN, warmup: { duration: 60s, minimumPercent: 10, aggression: 1.5 } }') },
  { name: 'workloadSelector and exportTo', yaml: dr('  workloadSelector: { matchLabels: { app: ratings } }\n  exportTo: ["."]\n  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }', 'networking.istio.io/v1beta1') },
  { name: 'wildcard host', yaml: 'apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata: { name: all }\nspec:\n  host: "*.example.com"\n  trafficPolicy: { tls: { mode: SIMPLE } }' },

  { name: 'missing host', yaml: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: a }\nspec: { subsets: [] }', errors: [['spec.host', 'Required value']] },
  { name: 'invalid host', yaml: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: a }\nspec: { host: "re views" }', errors: [['spec.host', 'invalid']] },
  { name: 'empty traffic policy', yaml: tp('    {}'), errors: [['spec.trafficPolicy', 'at least one field']] },
  { name: 'simple and consistentHash together', yaml: tp('    loadBalancer: { simple: RANDOM, consistentHash: { useSourceIp: true } }'), errors: [['spec.trafficPolicy.loadBalancer.consistentHash', 'only one of simple or consistentHash']] },
  { name: 'unknown load balancer', yaml: tp('    loadBalancer: { simple: FASTEST }'), errors: [['spec.trafficPolicy.loadBalancer.simple', 'Unsupported value']] },
  { name: 'cookie without name', yaml: tp('    loadBalancer: { consistentHash: { httpCookie: { ttl: 10s } } }'), errors: [['spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name', 'name required']] },
  { name: 'deprecated minimumRingSize with maglev', yaml: tp('    loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 1024, maglev: { tableSize: 65537 } } }'), errors: [['spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize', 'only one of MinimumRingSize']], warnings: [['spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize', 'deprecated']] },
  { name: 'maglev table size not prime', yaml: tp('    loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } }'), errors: [['spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', 'prime']] },
  { name: 'distribute and failover together', yaml: tp('    loadBalancer:\n      localityLbSetting: { distribute: [{ from: a/*, to: { "b/*": 100 } }], failover: [{ from: a, to: b }] }\n    outlierDetection: { interval: 1s }'), errors: [['spec.trafficPolicy.loadBalancer.localityLbSetting', "'distribute' and 'failover'"]] },
  { name: 'distribute weights not summing to 100', yaml: tp('    loadBalancer:\n      localityLbSetting: { distribute: [{ from: "a/*", to: { "b/*": 60, "c/*": 30 } }] }'), errors: [['spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to', 'total locality weight 90 != 100']] },
  { name: 'failover within one region', yaml: tp('    loadBalancer:\n      localityLbSetting: { failover: [{ from: us-east, to: us-east }] }\n    outlierDetection: { interval: 1s }'), errors: [['spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]', 'different regions']] },
  { name: 'failover naming zones', yaml: tp('    loadBalancer:\n      localityLbSetting: { failover: [{ from: us-east/z1, to: us-west }] }\n    outlierDetection: { interval: 1s }'), errors: [['spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]', 'only specify region']] },
  { name: 'failover without outlier detection warns', yaml: tp('    loadBalancer:\n      localityLbSetting: { failover: [{ from: us-east, to: us-west }] }'), warnings: [['spec.trafficPolicy.loadBalancer.localityLbSetting', 'outlier detection']] },
  { name: 'failover with topology failoverPriority', yaml: tp('    loadBalancer:\n      localityLbSetting: { failover: [{ from: a, to: b }], failoverPriority: [topology.kubernetes.io/region] }\n    outlierDetection: { interval: 1s }'), errors: [['spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority[0]', "topology label"]] },
  { name: 'negative max connections', yaml: tp('    connectionPool: { tcp: { maxConnections: -1 } }'), errors: [['spec.trafficPolicy.connectionPool.tcp.maxConnections', 'non-negative']] },
  { name: 'negative http1 max pending requests', yaml: tp('    connectionPool: { http: { http1MaxPendingRequests: -5 } }'), errors: [['spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests', 'non-negative']] },
  { name: 'connect timeout below 1ms', yaml: tp('    connectionPool: { tcp: { connectTimeout: 500us } }'), errors: [['spec.trafficPolicy.connectionPool.tcp.connectTimeout', 'greater than 1ms']] },
  { name: 'empty connection pool', yaml: tp('    connectionPool: {}'), errors: [['spec.trafficPolicy.connectionPool', 'at least one field']] },
  { name: 'upgrade with client protocol', yaml: tp('    connectionPool: { http: { h2UpgradePolicy: UPGRADE, useClientProtocol: true } }'), errors: [['spec.trafficPolicy.connectionPool.http.useClientProtocol', 'UPGRADE']] },
  { name: 'keepalive interval under a second', yaml: tp('    connectionPool: { tcp: { tcpKeepalive: { interval: 500ms } } }'), errors: [['spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.interval', 'at least 1s']] },
  { name: 'outlier interval zero', yaml: tp('    outlierDetection: { interval: 0s }'), errors: [['spec.trafficPolicy.outlierDetection.interval', 'greater than 1ms']] },
  { name: 'outlier max ejection above 100', yaml: tp('    outlierDetection: { maxEjectionPercent: 150 }'), errors: [['spec.trafficPolicy.outlierDetection.maxEjectionPercent', 'not in range 0..100']] },
  { name: 'outlier min health negative', yaml: tp('    outlierDetection: { minHealthPercent: -1 }'), errors: [['spec.trafficPolicy.outlierDetection.minHealthPercent', 'not in range 0..100']] },
  { name: 'deprecated consecutiveErrors warns', yaml: tp('    outlierDetection: { consecutiveErrors: 5 }'), warnings: [['spec.trafficPolicy.outlierDetection.consecutiveErrors', 'deprecated']] },
  { name: 'local origin failures without split', yaml: tp('    outlierDetection: { consecutiveLocalOriginFailures: 5 }'), errors: [['spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', 'split external local origin errors']] },
  { name: 'local origin failures with split', yaml: tp('    outlierDetection: { consecutiveLocalOriginFailures: 5, splitExternalLocalOriginErrors: true }') },
  { name: 'MUTUAL without client certificate or key', yaml: tp('    tls: { mode: MUTUAL }'), errors: [['spec.trafficPolicy.tls.clientCertificate', 'client certificate required'], ['spec.trafficPolicy.tls.privateKey', 'private key required']] },
  { name: 'credentialName together with file certificates', yaml: tp('    tls: { mode: SIMPLE, credentialName: c, caCertificates: /ca.pem }'), errors: [['spec.trafficPolicy.tls', 'credentialName is set']] },
  { name: 'unknown TLS mode', yaml: tp('    tls: { mode: PERMISSIVE }'), errors: [['spec.trafficPolicy.tls.mode', 'Unsupported value']] },
  { name: 'port level setting without port', yaml: tp('    portLevelSettings: [{ loadBalancer: { simple: RANDOM } }]'), errors: [['spec.trafficPolicy.portLevelSettings[0].port', 'must have valid port']] },
  { name: 'port level setting with nothing else', yaml: tp('    portLevelSettings: [{ port: { number: 80 } }]'), errors: [['spec.trafficPolicy.portLevelSettings[0]', 'at least one field']] },
  { name: 'port level MUTUAL TLS without key', yaml: tp('    portLevelSettings: [{ port: { number: 443 }, tls: { mode: MUTUAL, clientCertificate: /c.pem } }]'), errors: [['spec.trafficPolicy.portLevelSettings[0].tls.privateKey', 'private key required']] },
  { name: 'tunnel with unknown protocol and bad port', yaml: tp('    tunnel: { protocol: GET, targetHost: 10.0.0.1, targetPort: 0 }'), errors: [['spec.trafficPolicy.tunnel.protocol', 'CONNECT'], ['spec.trafficPolicy.tunnel.targetPort', 'tunnel target port']] },
  { name: 'tunnel and proxyProtocol together', yaml: tp('    tunnel: { targetHost: a.com, targetPort: 8080 }\n    proxyProtocol: { version: V1 }'), errors: [['spec.trafficPolicy.proxyProtocol', 'simultaneously']] },
  { name: 'duplicate subset names', yaml: dr('  subsets:\n  - { name: v1, labels: { version: v1 } }\n  - { name: v1, labels: { version: v2 } }'), errors: [['spec.subsets[1].name', 'duplicate subset names: v1']] },
  { name: 'subset name is not a DNS label', yaml: dr('  subsets:\n  - { name: V.1, labels: { version: v1 } }'), errors: [['spec.subsets[0].name', 'subset name is invalid']] },
  { name: 'subset without labels warns', yaml: dr('  subsets:\n  - { name: all }'), warnings: [['spec.subsets[0].labels', 'no labels']] },
  { name: 'subset with empty traffic policy', yaml: dr('  subsets:\n  - { name: v1, labels: { v: "1" }, trafficPolicy: {} }'), errors: [['spec.subsets[0].trafficPolicy', 'at least one field']] },
  { name: 'subset label value invalid', yaml: dr('  subsets:\n  - { name: v1, labels: { version: "v 1" } }'), errors: [['spec.subsets[0].labels.version', 'invalid label value']] },
  { name: 'workload selector with wildcard', yaml: dr('  workloadSelector: { matchLabels: { app: "*" } }\n  trafficPolicy: { tls: { mode: DISABLE } }'), errors: [['spec.workloadSelector.matchLabels.app', 'wildcard']] },
  { name: 'unknown field in outlier detection', yaml: tp('    outlierDetection: { consecutive5xx: 5 }'), errors: [['spec.trafficPolicy.outlierDetection.consecutive5xx', 'unknown field']] },
  { name: 'exportTo duplicate', yaml: dr('  exportTo: [a, a]'), errors: [['spec.exportTo[1]', 'duplicate']] },
]);
