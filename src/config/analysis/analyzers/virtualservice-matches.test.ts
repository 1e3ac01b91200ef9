import { runAnalyzerCases } from '../analysis-cases.js';
import { virtualServiceMatchesAnalyzer } from './virtualservice-matches.js';

function vs(http: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts: [web]
  http:
${http}`;
}

const ROUTE = `    route:
    - destination:
        host: web
`;

runAnalyzerCases('virtualservice.MatchesAnalyzer', [virtualServiceMatchesAnalyzer], [
  {
    name: 'distinct matches and a final catch-all are fine',
    yaml: vs(`  - match:\n    - uri:\n        prefix: /a\n${ROUTE}  - match:\n    - uri:\n        prefix: /b\n${ROUTE}  - route:\n    - destination:\n        host: web\n`),
    want: [],
  },
  {
    name: 'a repeated match is IST0131; a rule whose matches are all repeated is also IST0130',
    yaml: vs(`  - name: first\n    match:\n    - uri:\n        prefix: /a\n${ROUTE}  - match:\n    - uri:\n        prefix: /b\n    - uri:\n        prefix: /a\n${ROUTE}  - match:\n    - uri:\n        prefix: /b\n${ROUTE}`),
    want: [
      'Warning [IST0130] (VirtualService default/web in.yaml:23) VirtualService rule #2 not used (all matches used by prior rules).',
      'Info [IST0131] (VirtualService default/web in.yaml:18) VirtualService rule #1 match #1 is not used (duplicate/overlapping match in rule "first").',
      'Info [IST0131] (VirtualService default/web in.yaml:24) VirtualService rule #2 match #0 is not used (duplicate/overlapping match in rule #1).',
    ],
  },
  {
    name: 'a rule without match before the last is IST0130',
    yaml: vs(`  - route:\n    - destination:\n        host: web\n  - route:\n    - destination:\n        host: web\n`),
    want: ['Warning [IST0130] (VirtualService default/web in.yaml:11) VirtualService rule #1 not used (only the last rule can have no matches).'],
  },
]);
