import { runAnalyzerCases } from '../analysis-cases.js';
import { authorizationPoliciesAnalyzer, sidecarSelectorAnalyzer } from './workload-selectors.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels:
    app: web
spec:
  containers:
  - name: web
    image: web
---
`;

function sidecar(ns: string, app: string): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: s
  namespace: ${ns}
spec:
  workloadSelector:
    labels:
      app: ${app}
  egress:
  - hosts: ["./*"]
`;
}

runAnalyzerCases('sidecar.SelectorAnalyzer', [sidecarSelectorAnalyzer], [
  { name: 'a selector matching a pod in its namespace is fine', yaml: POD + sidecar('shop', 'web'), want: [] },
  { name: 'a selector matching nothing is IST0101', yaml: POD + sidecar('shop', 'api'), want: ['Error [IST0101] (Sidecar shop/s in.yaml:20) Referenced selector not found: "app=api"'] },
  { name: 'pods in other namespaces do not count', yaml: POD + sidecar('other', 'web'), want: ['Error [IST0101] (Sidecar other/s in.yaml:20) Referenced selector not found: "app=web"'] },
  { name: 'without workloads in the input nothing is judged', yaml: sidecar('shop', 'api'), want: [] },
]);

function policy(ns: string, app: string, from: string): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: p
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${app}
  action: ALLOW
  rules:
  - from:
    - source:
        namespaces: ${from}
`;
}

runAnalyzerCases('auth.AuthorizationPoliciesAnalyzer', [authorizationPoliciesAnalyzer], [
  { name: 'known namespaces (and wildcards) and a matching selector are fine', yaml: POD + policy('shop', 'web', '["shop", "sh*", "*"]'), want: [] },
  {
    name: 'an unknown source namespace is IST0101; an empty selection is IST0127',
    yaml: POD + policy('shop', 'api', '["payments"]'),
    want: [
      'Error [IST0101] (AuthorizationPolicy shop/p in.yaml:26) Referenced namespace not found: "payments"',
      'Warning [IST0127] (AuthorizationPolicy shop/p in.yaml:20) No matching workloads for this resource with the following labels: app=api',
    ],
  },
]);
