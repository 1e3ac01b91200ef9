import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUnder } from './salvage.js';
import { runValidationCases } from './validation-cases.js';

runValidationCases('structural and semantic errors in one run', [
  {
    name: 'an unknown field does not hide a bad weight and a bad timeout',
    yaml: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: v1 }
      weight: -5
    - destination: { host: reviews, subset: v2 }
      wieght: 50
    timeout: 1x`,
    errors: [
      ['spec.http[0].route[1].wieght', 'unknown field'],
      ['spec.http[0].route[0].weight'],
      ['spec.http[0].timeout'],
    ],
  },
  {
    name: 'a bad enum does not hide a too-short outlier interval',
    yaml: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews }
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: { simple: ROUND_ROBINS }
    outlierDetection: { interval: 0.5ms }`,
    errors: [
      ['spec.trafficPolicy.loadBalancer.simple', 'Unsupported value'],
      ['spec.trafficPolicy.outlierDetection.interval'],
    ],
  },
  {
    name: 'findings under a stripped field are not repeated',
    yaml: `
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm }
spec:
  address: 1.1.1.1
  ports: { http: eighty }`,
    errors: [['spec.ports.http', 'must be of type']],
  },
  {
    name: 'a missing required field stops the semantic pass (nothing to salvage)',
    yaml: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: r }
spec:
  hosts: [r]
  http:
  - route:
    - weight: 100`,
    errors: [['spec.http[0].route[0].destination', 'Required value']],
  },
]);

test('isUnder respects path boundaries', () => {
  assert.equal(isUnder('spec.a.b', 'spec.a'), true);
  assert.equal(isUnder('spec.a[0]', 'spec.a'), true);
  assert.equal(isUnder('spec.a', 'spec.a'), true);
  assert.equal(isUnder('spec.ab', 'spec.a'), false);
  assert.equal(isUnder('anything', ''), true);
});
