import { runValidationCases } from '../validation-cases.js';

const se = (spec: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: ServiceEntry
metadata: { name: external-svc, namespace: default }
spec:
${spec}`;

runValidationCases('ServiceEntry', [
  {
    name: 'documented external HTTPS with DNS resolution',
    yaml: se(`  hosts: [api.dropboxapi.com, www.googleapis.com]
  ports: [{ number: 443, name: https, protocol: TLS }]
  location: MESH_EXTERNAL
  resolution: DNS`),
  },
  {
    name: 'documented MongoDB cluster with static endpoints',
    yaml: se(`  hosts: [mymongodb.somedomain]
  addresses: [192.192.192.192/24]
  ports: [{ number: 27018, name: mongodb, protocol: MONGO }]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints: [{ address: 2.2.2.2 }, { address: 3.3.3.3 }]`),
  },
  {
    name: 'documented VMs selected by workloadSelector',
    yaml: se(`  hosts: [details.bookinfo.com]
  location: MESH_INTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP, targetPort: 8080 }]
  resolution: STATIC
  workloadSelector: { labels: { app: details-legacy } }`),
  },
  {
    name: 'documented unix domain socket endpoint',
    yaml: se(`  hosts: [unix.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: STATIC
  endpoints: [{ address: unix:///var/run/example/socket }]`),
  },
  {
    name: 'documented DNS endpoints with named ports',
    yaml: se(`  hosts: [foo.bar.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }, { number: 443, name: https, protocol: HTTPS }]
  resolution: DNS
  endpoints:
  - address: us.foo.bar.com
    ports: { https: 8443 }
  - address: uk.foo.bar.com
    ports: { https: 9443 }`),
  },
  { name: 'documented wildcard host with NONE resolution', yaml: se('  hosts: ["*.bar.com"]\n  location: MESH_EXTERNAL\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: NONE', 'networking.istio.io/v1beta1') },
  { name: 'DNS_ROUND_ROBIN with one endpoint', yaml: se('  hosts: [a.example.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: DNS_ROUND_ROBIN\n  endpoints: [{ address: lb.example.com }]', 'networking.istio.io/v1alpha3') },
  {
    name: 'TCP port without addresses warns',
    yaml: se('  hosts: [db.example.com]\n  ports: [{ number: 5432, name: tcp, protocol: TCP }]\n  resolution: DNS'),
    warnings: [['spec.ports[0].protocol', 'addresses are required']],
  },

  { name: 'no hosts', yaml: se('  ports: [{ number: 80, name: http, protocol: HTTP }]'), errors: [['spec.hosts', 'at least one host']] },
  { name: 'host "*"', yaml: se('  hosts: ["*"]\n  ports: [{ number: 80, name: http, protocol: HTTP }]'), errors: [['spec.hosts[0]', 'invalid host *']] },
  { name: 'invalid address', yaml: se('  hosts: [a.com]\n  addresses: [300.1.1.1]\n  ports: [{ number: 80, name: http, protocol: HTTP }]'), errors: [['spec.addresses[0]', 'not a valid IP']] },
  { name: 'CIDR address with DNS resolution', yaml: se('  hosts: [a.com]\n  addresses: [10.0.0.0/8]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: DNS'), errors: [['spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC']] },
  { name: 'duplicate port name', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }, { number: 81, name: http, protocol: HTTP }]'), errors: [['spec.ports[1].name', 'already defined']] },
  { name: 'duplicate port number', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }, { number: 80, name: http2, protocol: HTTP2 }]'), errors: [['spec.ports[1].number', 'port 80 already defined']] },
  { name: 'port name missing', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, protocol: HTTP }]'), errors: [['spec.ports[0].name', 'Required value']] },
  { name: 'unknown port protocol', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: SPDY }]'), errors: [['spec.ports[0].protocol', 'not a valid protocol']] },
  { name: 'port zero', yaml: se('  hosts: [a.com]\n  ports: [{ number: 0, name: http, protocol: HTTP }]'), errors: [['spec.ports[0].number', '1..65535']] },
  { name: 'unknown resolution', yaml: se('  hosts: [a.com]\n  resolution: DNS_ALL'), errors: [['spec.resolution', 'Unsupported value']] },
  { name: 'NONE with endpoints', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: NONE\n  endpoints: [{ address: 1.1.1.1 }]'), errors: [['spec.endpoints', 'resolution type none']] },
  { name: 'STATIC without endpoints or selector', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: STATIC'), errors: [['spec.endpoints', 'endpoints or workloadSelector']] },
  { name: 'STATIC with a hostname endpoint', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: STATIC\n  endpoints: [{ address: b.com }]'), errors: [['spec.endpoints[0].address', 'not a valid IP address']] },
  { name: 'endpoints and workloadSelector together', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: STATIC\n  endpoints: [{ address: 1.1.1.1 }]\n  workloadSelector: { labels: { app: a } }'), errors: [['spec.workloadSelector', 'only one of WorkloadSelector or Endpoints']] },
  { name: 'DNS with a wildcard host and no endpoints', yaml: se('  hosts: ["*.a.com"]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: DNS'), errors: [['spec.hosts[0]', 'hosts must be FQDN']] },
  { name: 'DNS_ROUND_ROBIN with two endpoints', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: DNS_ROUND_ROBIN\n  endpoints: [{ address: b.com }, { address: c.com }]'), errors: [['spec.endpoints', '0 or 1 endpoint']] },
  { name: 'endpoint port not declared', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: STATIC\n  endpoints: [{ address: 1.1.1.1, ports: { grpc: 9000 } }]'), errors: [['spec.endpoints[0].ports.grpc', 'not defined by the service entry']] },
  { name: 'endpoint port out of range', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  resolution: STATIC\n  endpoints: [{ address: 1.1.1.1, ports: { http: 70000 } }]'), errors: [['spec.endpoints[0].ports.http', '1..65535']] },
  { name: 'multiple hosts on a TCP port', yaml: se('  hosts: [a.com, b.com]\n  addresses: [10.1.1.1]\n  ports: [{ number: 3306, name: mysql, protocol: MYSQL }]\n  resolution: DNS'), errors: [['spec.hosts', 'multiple hosts provided with non-HTTP, non-TLS ports']] },
  { name: 'NONE with workloadSelector warns', yaml: se('  hosts: [a.com]\n  ports: [{ number: 80, name: http, protocol: HTTP }]\n  workloadSelector: { labels: { app: a } }'), warnings: [['spec.workloadSelector', 'resolution mode is NONE']] },
  { name: 'invalid location', yaml: se('  hosts: [a.com]\n  location: OUTSIDE'), errors: [['spec.location', 'Unsupported value']] },
  { name: 'unknown endpoint field', yaml: se('  hosts: [a.com]\n  resolution: STATIC\n  endpoints: [{ adress: 1.1.1.1 }]'), errors: [['spec.endpoints[0].adress', 'unknown field']] },
]);
