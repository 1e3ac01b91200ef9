import { runValidationCases } from '../validation-cases.js';

const wg = (spec: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: WorkloadGroup
metadata: { name: reviews, namespace: bookinfo }
spec:
${spec}`;

runValidationCases('WorkloadGroup', [
  {
    name: 'documented VM group with HTTP probe',
    yaml: wg(`  metadata:
    labels: { app.kubernetes.io/name: reviews, app.kubernetes.io/version: "1.3.4" }
  template:
    ports: { grpc: 3550, http: 8080 }
    serviceAccount: default
  probe:
    initialDelaySeconds: 5
    timeoutSeconds: 3
    periodSeconds: 4
    successThreshold: 3
    failureThreshold: 3
    httpGet: { path: /foo/bar, host: 127.0.0.1, port: 3100, scheme: HTTPS, httpHeaders: [{ name: Lit-Header, value: Im-The-Best }] }`),
  },
  { name: 'documented exec probe', yaml: wg('  template: { serviceAccount: default }\n  probe: { exec: { command: [./healthcheck] } }', 'networking.istio.io/v1alpha3') },
  { name: 'tcp and grpc probes are served', yaml: wg('  template: { network: vpc-1 }\n  probe: { tcpSocket: { port: 3306 } }', 'networking.istio.io/v1beta1') },

  { name: 'missing template', yaml: wg('  probe: { tcpSocket: { port: 80 } }'), errors: [['spec.template', 'Required value']] },
  { name: 'template with address', yaml: wg('  template: { address: 10.0.0.1 }'), errors: [['spec.template.address', 'must not be set']] },
  { name: 'template port out of range', yaml: wg('  template: { ports: { http: 0 } }'), errors: [['spec.template.ports.http', '1..65535']] },
  { name: 'negative probe period', yaml: wg('  template: {}\n  probe: { periodSeconds: -1, tcpSocket: { port: 80 } }'), errors: [['spec.probe.periodSeconds', 'non-negative']] },
  { name: 'probe without method', yaml: wg('  template: {}\n  probe: { timeoutSeconds: 1 }'), errors: [['spec.probe', 'at least one health check method']] },
  { name: 'probe with two methods', yaml: wg('  template: {}\n  probe: { tcpSocket: { port: 80 }, grpc: { port: 90 } }'), errors: [['spec.probe', 'only one health check method']] },
  { name: 'httpGet probe port zero', yaml: wg('  template: {}\n  probe: { httpGet: { port: 0 } }'), errors: [['spec.probe.httpGet.port', '1..65535']] },
  { name: 'httpGet probe unknown scheme', yaml: wg('  template: {}\n  probe: { httpGet: { port: 80, scheme: FTP } }'), errors: [['spec.probe.httpGet.scheme', 'must be one of']] },
  { name: 'httpGet probe bad header name', yaml: wg('  template: {}\n  probe: { httpGet: { port: 80, httpHeaders: [{ name: "a b" }] } }'), errors: [['spec.probe.httpGet.httpHeaders[0].name', 'not a valid HTTP header name']] },
  { name: 'exec probe without command', yaml: wg('  template: {}\n  probe: { exec: {} }'), errors: [['spec.probe.exec.command', 'required']] },
  { name: 'metadata label value invalid', yaml: wg('  metadata: { labels: { app: "a b" } }\n  template: {}'), errors: [['spec.metadata.labels.app', 'invalid label value']] },
]);
