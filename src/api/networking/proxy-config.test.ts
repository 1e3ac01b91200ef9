import { runValidationCases } from '../validation-cases.js';

const pc = (spec: string, apiVersion = 'networking.istio.io/v1beta1') => `
apiVersion: ${apiVersion}
kind: ProxyConfig
metadata: { name: per-workload-proxyconfig, namespace: example }
spec:
${spec}`;

runValidationCases('ProxyConfig', [
  { name: 'documented per-workload concurrency', yaml: pc('  selector: { matchLabels: { app: ratings } }\n  concurrency: 0\n  image: { imageType: debug }') },
  { name: 'documented environment variables', yaml: pc('  environmentVariables: { ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true" }') },
  { name: 'not served as v1', yaml: pc('  concurrency: 2', 'networking.istio.io/v1'), errors: [['apiVersion', 'served versions: v1beta1']] },
  { name: 'negative concurrency', yaml: pc('  concurrency: -1'), errors: [['spec.concurrency', 'greater than or equal to 0']] },
  { name: 'concurrency must be an integer', yaml: pc('  concurrency: 1.5'), errors: [['spec.concurrency', 'must be of type integer']] },
  { name: 'unknown image type warns', yaml: pc('  image: { imageType: slim }'), warnings: [['spec.image.imageType', 'unknown imageType']] },
  { name: 'invalid environment variable name', yaml: pc('  environmentVariables: { "1BAD": x }'), errors: [['spec.environmentVariables["1BAD"]', 'invalid environment variable name']] },
  { name: 'unknown field', yaml: pc('  workers: 2'), errors: [['spec.workers', 'unknown field']] },
]);
