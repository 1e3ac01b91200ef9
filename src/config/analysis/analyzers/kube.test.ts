import { runAnalyzerCases } from '../analysis-cases.js';
import { annotationsAnalyzer } from './annotations.js';
import { namespaceInjectionAnalyzer } from './namespace-injection.js';
import { portNameAnalyzer } from './service-port-names.js';

function ns(name: string, labels = ''): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}${labels}
`;
}

runAnalyzerCases('injection.Analyzer', [namespaceInjectionAnalyzer], [
  {
    name: 'a namespace without injection label is IST0102 (Info)',
    yaml: ns('shop'),
    want: ["Info [IST0102] (Namespace shop in.yaml:1) The namespace is not enabled for Istio injection. Run 'kubectl label namespace shop istio-injection=enabled' to enable it, or 'kubectl label namespace shop istio-injection=disabled' to explicitly mark it as not needing injection."],
  },
  { name: 'enabled, disabled, a revision, ambient, or a system namespace need nothing', yaml: [ns('a', '\n  labels:\n    istio-injection: enabled'), ns('b', '\n  labels:\n    istio-injection: disabled'), ns('c', '\n  labels:\n    istio.io/rev: canary'), ns('d', '\n  labels:\n    istio.io/dataplane-mode: ambient'), ns('kube-system')].join('---\n'), want: [] },
  {
    name: 'both injection labels is IST0123',
    yaml: ns('shop', '\n  labels:\n    istio-injection: enabled\n    istio.io/rev: canary'),
    want: [
      'Warning [IST0123] (Namespace shop in.yaml:5) The namespace has more than one type of injection labels [istio-injection istio.io/rev], which may lead to undefined behavior. Make sure only one injection label exists.',
      // The Namespace's own validation adds why: one label wins.
      'Warning [IST0133] (Namespace shop in.yaml:7) Schema validation warning: metadata.labels["istio.io/rev"]: istio-injection=enabled takes precedence over istio.io/rev',
    ],
  },
]);

runAnalyzerCases('annotations.K8sAnalyzer', [annotationsAnalyzer], [
  {
    name: 'a misspelt Istio annotation on a Deployment pod template is IST0108 at its line',
    yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
      annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/injet: "true"
        example.com/istio.io: "x"
    spec:
      containers:
      - name: web
        image: web
`,
    want: ['Warning [IST0108] (Deployment default/web in.yaml:15) Unknown annotation: sidecar.istio.io/injet'],
  },
  { name: 'known Istio and foreign annotations are fine', yaml: ns('shop', '\n  labels:\n    istio-injection: enabled\n  annotations:\n    istio.io/rev: canary\n    kubernetes.io/description: shop'), want: [] },
]);

function svc(ports: string, extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
spec:${extra}
  ports:
${ports}`;
}

runAnalyzerCases('service.PortNameAnalyzer', [portNameAnalyzer], [
  { name: 'protocol names, protocol-suffix names, appProtocol and UDP ports are fine', yaml: svc('  - name: http\n    port: 80\n  - name: grpc-web-api\n    port: 81\n  - name: tcp-db\n    port: 82\n  - name: web\n    port: 83\n    appProtocol: http\n  - name: dns\n    port: 53\n    protocol: UDP\n'), want: [] },
  {
    name: 'a name without a protocol prefix is IST0118 (Info)',
    yaml: svc('  - name: http\n    port: 80\n  - name: web\n    port: 8080\n    targetPort: 9080\n  - name: metrics-http\n    port: 9090\n'),
    want: [
      "Info [IST0118] (Service default/web in.yaml:12) Port name metrics-http (port: 9090, targetPort: 9090) doesn't follow the naming convention of Istio port.",
      "Info [IST0118] (Service default/web in.yaml:9) Port name web (port: 8080, targetPort: 9080) doesn't follow the naming convention of Istio port.",
    ],
  },
  { name: 'ExternalName services are left alone', yaml: svc('  - name: web\n    port: 80\n', '\n  type: ExternalName\n  externalName: example.com'), want: [] },
]);
