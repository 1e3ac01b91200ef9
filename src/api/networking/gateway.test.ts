import { runValidationCases } from '../validation-cases.js';

const gw = (servers: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: Gateway
metadata: { name: my-gateway, namespace: some-config-namespace }
spec:
  selector: { app: my-gateway-controller }
  servers:
${servers}`;

const server = (port: string, extra = '', hosts = '[uk.bookinfo.com]') => gw(`  - port: ${port}\n    hosts: ${hosts}\n${extra}`);

runValidationCases('Gateway', [
  {
    name: 'documented multi-server gateway',
    yaml: gw(`  - port: { number: 80, name: http, protocol: HTTP }
    hosts: [uk.bookinfo.com, eu.bookinfo.com]
    tls: { httpsRedirect: true }
  - port: { number: 443, name: https-443, protocol: HTTPS }
    hosts: [uk.bookinfo.com, eu.bookinfo.com]
    tls: { mode: SIMPLE, serverCertificate: /etc/certs/servercert.pem, privateKey: /etc/certs/privatekey.pem }
  - port: { number: 9443, name: https-9443, protocol: HTTPS }
    hosts: [bookinfo-namespace/*.bookinfo.com]
    tls: { mode: SIMPLE, credentialName: bookinfo-secret }
  - port: { number: 9080, name: http-wildcard, protocol: HTTP }
    hosts: ["*"]
  - port: { number: 2379, name: mongo, protocol: MONGO }
    hosts: ["*"]`),
  },
  { name: 'documented MUTUAL with CA bundle', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem, subjectAltNames: [a.com], minProtocolVersion: TLSV1_2, maxProtocolVersion: TLSV1_3, cipherSuites: [ECDHE-RSA-AES256-GCM-SHA384] }') },
  { name: 'documented TLS passthrough', yaml: server('{ number: 443, name: tls, protocol: TLS }', '    tls: { mode: PASSTHROUGH }', '["*.example.com"]') },
  { name: 'AUTO_PASSTHROUGH east-west gateway', yaml: server('{ number: 15443, name: tls, protocol: TLS }', '    tls: { mode: AUTO_PASSTHROUGH }', '["*.local"]') },
  { name: 'ISTIO_MUTUAL egress gateway', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: ISTIO_MUTUAL }', '[edition.cnn.com]') },
  { name: 'OPTIONAL_MUTUAL with credentialNames', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: OPTIONAL_MUTUAL, credentialNames: [rsa-cert, ecdsa-cert] }') },
  { name: 'dot namespace host and bind', yaml: server('{ number: 8080, name: http, protocol: HTTP, targetPort: 8081 }', '    bind: 0.0.0.0\n    name: main', '[./reviews.default.svc.cluster.local]'), },
  { name: 'served as v1alpha3', yaml: server('{ number: 80, name: http, protocol: http }', '', '["*"]').replace('networking.istio.io/v1', 'networking.istio.io/v1alpha3') },

  { name: 'no servers', yaml: gw('').replace('servers:', 'servers: []'), errors: [['spec.servers', 'at least one server']] },
  { name: 'server without hosts', yaml: gw('  - port: { number: 80, name: http, protocol: HTTP }'), errors: [['spec.servers[0].hosts', 'at least one host']] },
  { name: 'server without port', yaml: gw('  - hosts: ["*"]'), errors: [['spec.servers[0].port', 'Required value']] },
  { name: 'unknown protocol', yaml: server('{ number: 80, name: http, protocol: HTTP3 }'), errors: [['spec.servers[0].port.protocol', 'invalid protocol']] },
  { name: 'port number out of range', yaml: server('{ number: 80000, name: http, protocol: HTTP }'), errors: [['spec.servers[0].port.number', '1..65535']] },
  { name: 'port without name', yaml: server('{ number: 80, protocol: HTTP }'), errors: [['spec.servers[0].port.name', 'port name must be set']] },
  {
    name: 'duplicate port names across servers',
    yaml: gw('  - port: { number: 80, name: http, protocol: HTTP }\n    hosts: [a.com]\n  - port: { number: 8080, name: http, protocol: HTTP }\n    hosts: [b.com]'),
    errors: [['spec.servers[1].port.name', 'duplicate name http']],
  },
  { name: 'HTTPS server without TLS', yaml: server('{ number: 443, name: https, protocol: HTTPS }'), errors: [['spec.servers[0].tls', 'must have TLS settings']] },
  { name: 'HTTP server with a certificate', yaml: server('{ number: 80, name: http, protocol: HTTP }', '    tls: { mode: SIMPLE, credentialName: c }'), errors: [['spec.servers[0].tls', 'plain text HTTP']] },
  { name: 'TCP server with TLS', yaml: server('{ number: 31400, name: tcp, protocol: TCP }', '    tls: { mode: PASSTHROUGH }'), errors: [['spec.servers[0].tls', 'non HTTPS/TLS']] },
  { name: 'SIMPLE without certificate or credential', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: SIMPLE }'), errors: [['spec.servers[0].tls.serverCertificate', 'SIMPLE TLS requires a server certificate'], ['spec.servers[0].tls.privateKey', 'SIMPLE TLS requires a private key']] },
  { name: 'MUTUAL without CA bundle', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem }'), errors: [['spec.servers[0].tls.caCertificates', 'client CA bundle']] },
  { name: 'ISTIO_MUTUAL with a server certificate', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: ISTIO_MUTUAL, serverCertificate: /c.pem }'), errors: [['spec.servers[0].tls.serverCertificate', 'ISTIO_MUTUAL TLS cannot have']] },
  { name: 'credentialName and credentialNames together', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: SIMPLE, credentialName: a, credentialNames: [b] }'), errors: [['spec.servers[0].tls', 'only one of credentialName']] },
  { name: 'max TLS version below min', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: SIMPLE, credentialName: a, minProtocolVersion: TLSV1_3, maxProtocolVersion: TLSV1_2 }'), errors: [['spec.servers[0].tls.maxProtocolVersion', 'max version']] },
  { name: 'unknown cipher suite warns', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: SIMPLE, credentialName: a, cipherSuites: [ROT13] }'), warnings: [['spec.servers[0].tls.cipherSuites[0]', 'invalid cipher suite']] },
  { name: 'tilde namespace is sidecar-only', yaml: server('{ number: 80, name: http, protocol: HTTP }', '', '["~/a.com"]'), errors: [['spec.servers[0].hosts[0]', 'invalid namespace value "~" in gateway']] },
  { name: 'empty dnsName after namespace', yaml: server('{ number: 80, name: http, protocol: HTTP }', '', '["ns/"]'), errors: [['spec.servers[0].hosts[0]', 'cannot be empty']] },
  { name: 'invalid host label', yaml: server('{ number: 80, name: http, protocol: HTTP }', '', '["a..com"]'), errors: [['spec.servers[0].hosts[0]', 'invalid']] },
  { name: 'bind is not an IP', yaml: server('{ number: 80, name: http, protocol: HTTP }', '    bind: localhost'), errors: [['spec.servers[0].bind', 'not a valid IP']] },
  { name: 'selector with invalid label key', yaml: gw('  - port: { number: 80, name: http, protocol: HTTP }\n    hosts: ["*"]').replace('app: my-gateway-controller', '"-bad": x'), errors: [['spec.selector["-bad"]', 'invalid label key']] },
  { name: 'unknown TLS field', yaml: server('{ number: 443, name: https, protocol: HTTPS }', '    tls: { mode: SIMPLE, credentialName: a, serverCert: x }'), errors: [['spec.servers[0].tls.serverCert', 'unknown field']] },
]);

runValidationCases('Gateway name', [
  {
    name: 'a dotted name is rejected (route names embed it)',
    yaml: gw('  - port: { number: 80, name: http, protocol: HTTP }\n    hosts: ["*"]').replace('name: my-gateway', 'name: my.gateway'),
    errors: [['metadata.name', 'invalid gateway name: "my.gateway"']],
  },
]);
