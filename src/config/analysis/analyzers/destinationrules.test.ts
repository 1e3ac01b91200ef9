import { runAnalyzerCases } from '../analysis-cases.js';
import { caCertificatesAnalyzer } from './destinationrule-ca-certificates.js';

function dr(tls: string, host = 'api.example.com'): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ext
spec:
  host: ${host}
  trafficPolicy:
${tls}`;
}

runAnalyzerCases('destinationrule.CaCertificateAnalyzer', [caCertificatesAnalyzer], [
  {
    name: 'SIMPLE TLS without caCertificates is IST0128',
    yaml: dr('    tls:\n      mode: SIMPLE\n'),
    want: ['Warning [IST0128] (DestinationRule default/ext in.yaml:9) DestinationRule ext in namespace default has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: api.example.com'],
  },
  {
    name: 'port-level MUTUAL TLS without caCertificates is IST0129',
    yaml: dr('    portLevelSettings:\n    - port:\n        number: 443\n      tls:\n        mode: MUTUAL\n        clientCertificate: /etc/certs/cert.pem\n        privateKey: /etc/certs/key.pem\n'),
    want: ['Warning [IST0129] (DestinationRule default/ext in.yaml:12) DestinationRule ext in namespace default has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for host: api.example.com at port 443'],
  },
  { name: 'caCertificates, a credentialName, or ISTIO_MUTUAL need nothing more', yaml: dr('    tls:\n      mode: SIMPLE\n      caCertificates: /etc/certs/ca.pem\n    portLevelSettings:\n    - port:\n        number: 8443\n      tls:\n        mode: SIMPLE\n        credentialName: ext-ca\n    - port:\n        number: 9443\n      tls:\n        mode: ISTIO_MUTUAL\n'), want: [] },
]);
