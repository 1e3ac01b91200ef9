import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../../../api/kinds.js';
import { parseDocuments } from '../../documents.js';
import { runAnalyzerCases } from '../analysis-cases.js';
import { loadResources } from '../load.js';
import { formatMessageLine } from '../message.js';
import type { AnalysisResource } from '../resource.js';
import { runAnalyzers } from '../run.js';
import { endpointLabels, subsetSelectPodAnalyzer } from './destinationrule-subset-pods.js';

const SVC = `apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
---
`;

function pod(name: string, labels: Record<string, string>, opts: { namespace?: string; nodeName?: string } = {}): string {
  const lines = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`);
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${opts.namespace ? `  namespace: ${opts.namespace}\n` : ''}  labels:
${lines.join('\n')}
spec:
${opts.nodeName ? `  nodeName: ${opts.nodeName}\n` : ''}  containers:
  - name: app
    image: reviews
---
`;
}

function dr(host: string, subsets: Record<string, Record<string, string>>, name = 'reviews'): string {
  const body = Object.entries(subsets)
    .map(([n, labels]) => `  - name: ${n}\n    labels:\n${Object.entries(labels).map(([k, v]) => `      ${k}: "${v}"`).join('\n')}`)
    .join('\n');
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
spec:
  host: ${host}
${body ? `  subsets:\n${body}\n` : ''}---
`;
}

const NODE = `apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels:
    topology.kubernetes.io/region: eu-west1
    topology.kubernetes.io/zone: eu-west1-b
    topology.istio.io/subzone: rack7
---
`;

const IST0173 = (line: number, subset: string): string =>
  `Error [IST0173] (DestinationRule default/reviews in.yaml:${line}) The Subset ${subset} defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`;

runAnalyzerCases('destinationrule.SubsetSelectPodAnalyzer', [subsetSelectPodAnalyzer], [
  {
    name: "subsets selecting the Service's pods (short or FQDN host) are fine",
    yaml: SVC + pod('r1', { app: 'reviews', version: 'v1' }) + pod('r2', { app: 'reviews', version: 'v2' }) + dr('reviews', { v1: { version: 'v1' }, v2: { version: 'v2' } }) + dr('reviews.default.svc.cluster.local', { v1: { version: 'v1' } }, 'fq'),
    want: [],
  },
  {
    name: 'a subset no pod carries is IST0173 (Error), one message per subset',
    yaml: SVC + pod('r1', { app: 'reviews', version: 'v1' }) + dr('reviews', { v1: { version: 'v1' }, v2: { version: 'v2' }, v3: { version: 'v3' } }),
    want: [IST0173(24, 'v2'), IST0173(24, 'v3')],
  },
  {
    name: "another app's pod with the subset's labels does not count: the Service's selector applies too",
    yaml: SVC + pod('r1', { app: 'reviews', version: 'v1' }) + pod('ratings', { app: 'ratings', version: 'v2' }) + dr('reviews', { v2: { version: 'v2' } }),
    want: [IST0173(36, 'v2')],
  },
  {
    name: "pods in another namespace are not the Service's",
    yaml: SVC + pod('r1', { app: 'reviews', version: 'v1' }) + pod('r2', { app: 'reviews', version: 'v2' }, { namespace: 'prod' }) + dr('reviews', { v2: { version: 'v2' } }),
    want: [IST0173(37, 'v2')],
  },
  {
    name: "a Deployment's pod template counts as its pods",
    yaml: `${SVC}apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v2
spec:
  selector:
    matchLabels:
      app: reviews
  template:
    metadata:
      labels:
        app: reviews
        version: v2
---
${dr('reviews', { v2: { version: 'v2' } })}`,
    want: [],
  },
  {
    name: "a locality subset matches pods through their Node's topology labels",
    yaml: SVC + NODE + pod('r1', { app: 'reviews' }, { nodeName: 'node-a' }) + dr('reviews', {
      eu: { 'topology.kubernetes.io/region': 'eu-west1' },
      b: { 'topology.kubernetes.io/zone': 'eu-west1-b', 'topology.istio.io/subzone': 'rack7' },
      host: { 'kubernetes.io/hostname': 'node-a' },
    }),
    want: [],
  },
  {
    name: 'a locality subset with no pod in that zone is IST0173',
    yaml: SVC + NODE + pod('r1', { app: 'reviews' }, { nodeName: 'node-a' }) + dr('reviews', { us: { 'topology.kubernetes.io/region': 'us-east1' } }),
    want: [IST0173(33, 'us')],
  },
  {
    name: 'without the Node in the input a pod has only its hostname label, so a zone subset selects nothing',
    yaml: SVC + pod('r1', { app: 'reviews' }, { nodeName: 'node-a' }) + dr('reviews', { b: { 'topology.kubernetes.io/zone': 'eu-west1-b' }, host: { 'kubernetes.io/hostname': 'node-a' } }),
    want: [IST0173(24, 'b')],
  },
  {
    name: 'without any workloads in the input subsets are not judged',
    yaml: SVC + dr('reviews', { v9: { version: 'v9' } }),
    want: [],
  },
  {
    name: 'a Service without a selector has no pods to judge',
    yaml: SVC.replace('  selector:\n    app: reviews\n', '') + pod('r1', { app: 'reviews', version: 'v1' }) + dr('reviews', { v9: { version: 'v9' } }),
    want: [],
  },
  {
    name: 'an external ServiceEntry host is known, and its subsets are not judged against pods',
    yaml: `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
spec:
  hosts: [api.example.com]
  ports:
  - number: 443
    name: https
    protocol: TLS
  resolution: DNS
---
${pod('r1', { app: 'reviews', version: 'v1' })}${dr('api.example.com', { v1: { version: 'v1' } }, 'ext')}`,
    want: [],
  },
  {
    name: 'an unknown host is IST0174 (Warning), and its subsets are not judged as well',
    yaml: SVC + pod('r1', { app: 'reviews', version: 'v1' }) + dr('reviewz', { v2: { version: 'v2' } }),
    want: ['Warning [IST0174] (DestinationRule default/reviews in.yaml:24) The host reviewz defined in the DestinationRule does not match any services in the mesh.'],
  },
  {
    name: 'a host is unknown without workloads too; a wildcard host is a pattern, not a reference',
    yaml: dr('reviews', {}) + dr('"*.local"', {}, 'all'),
    want: ['Warning [IST0174] (DestinationRule default/reviews in.yaml:1) The host reviews defined in the DestinationRule does not match any services in the mesh.'],
  },
  {
    name: "a Service exported only to its own namespace is unknown to another namespace's DestinationRule",
    yaml: SVC.replace('  name: reviews\n', '  name: reviews\n  namespace: prod\n  annotations:\n    networking.istio.io/exportTo: "."\n') + dr('reviews.prod.svc.cluster.local', {}),
    want: ['Warning [IST0174] (DestinationRule default/reviews in.yaml:15) The host reviews.prod.svc.cluster.local defined in the DestinationRule does not match any services in the mesh.'],
  },
]);

test('endpointLabels: hostname from nodeName, locality from the Node, subzone only under a zone', () => {
  const w = (nodeName?: string) => ({ resource: undefined as never, namespace: 'default', labels: { app: 'a' }, pod: nodeName ? { nodeName } : {} });
  const nodes = new Map<string, Record<string, string>>([
    ['full', { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z', 'topology.istio.io/subzone': 's', other: 'x' }],
    ['nozone', { 'topology.kubernetes.io/region': 'r', 'topology.istio.io/subzone': 's' }],
  ]);
  assert.deepEqual(endpointLabels(w(), nodes), { app: 'a' });
  assert.deepEqual(endpointLabels(w('missing'), nodes), { app: 'a', 'kubernetes.io/hostname': 'missing' });
  assert.deepEqual(endpointLabels(w('full'), nodes), {
    app: 'a',
    'topology.kubernetes.io/region': 'r',
    'topology.kubernetes.io/zone': 'z',
    'topology.istio.io/subzone': 's',
    'kubernetes.io/hostname': 'full',
  });
  assert.deepEqual(endpointLabels(w('nozone'), nodes), { app: 'a', 'topology.kubernetes.io/region': 'r', 'kubernetes.io/hostname': 'nozone' });
});

test('destinationrule.SubsetSelectPodAnalyzer: a ServiceEntry with a workloadSelector is judged against the pods it selects', () => {
  const yaml = pod('vm1', { app: 'vm', version: 'v1' }) + pod('other', { app: 'other', version: 'v2' }) + dr('vm.example.internal', { v1: { version: 'v1' }, v2: { version: 'v2' } }, 'vm');
  const loaded = loadResources(parseDocuments('in.yaml', yaml), defaultRegistry(), 'default');
  // Built by hand rather than parsed: Istio spells this selector `workloadSelector.labels`, which
  // the ServiceEntry schema in src/api does not accept yet (it expects `matchLabels`).
  const se: AnalysisResource = {
    config: {
      meta: { gvk: { group: 'networking.istio.io', version: 'v1', kind: 'ServiceEntry' }, name: 'vm', namespace: 'default', labels: {}, annotations: {} },
      spec: { hosts: ['vm.example.internal'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', workloadSelector: { labels: { app: 'vm' } } },
    },
  };
  const res = runAnalyzers([...loaded.resources, se], [subsetSelectPodAnalyzer]);
  assert.deepEqual(res.messages.map(formatMessageLine), [
    'Error [IST0173] (DestinationRule default/vm in.yaml:25) The Subset v2 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
  ]);
});
