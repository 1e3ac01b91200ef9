import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runValidationCases } from '../validation-cases.js';
import { celSyntaxError } from './cel.js';

const tel = (spec: string, version = 'v1'): string => `apiVersion: telemetry.istio.io/${version}
kind: Telemetry
metadata:
  name: t
  namespace: istio-system
spec:
${spec}`;

runValidationCases('Telemetry', [
  {
    name: 'documented mesh-wide tracing with sampling and custom tags is accepted',
    yaml: tel(`  tracing:
  - providers:
    - name: localtrace
    randomSamplingPercentage: 10.00
    customTags:
      my_new_foo_tag:
        literal:
          value: "foo"
      env_tag:
        environment:
          name: POD_NAME
          defaultValue: unknown
      header_tag:
        header:
          name: x-user`),
  },
  {
    name: 'documented metrics overrides (tag upsert/remove, disabled metric) are accepted',
    yaml: tel(`  selector:
    matchLabels:
      app: reviews
  metrics:
  - providers:
    - name: prometheus
    reportingInterval: 15s
    overrides:
    - match:
        metric: REQUEST_COUNT
        mode: CLIENT
      tagOverrides:
        request_host:
          value: "request.host"
        response_code:
          operation: REMOVE
    - match:
        metric: REQUEST_DURATION
      disabled: true
    - match:
        customMetric: my_metric
      disabled: true`),
  },
  {
    name: 'documented access logging with a filter is accepted',
    yaml: tel(`  accessLogging:
  - providers:
    - name: envoy
    match:
      mode: SERVER
    filter:
      expression: response.code >= 400 || xds.cluster_name == 'outbound|9080||reviews.default.svc.cluster.local'`),
  },
  {
    name: 'access logging can be disabled',
    yaml: tel('  accessLogging:\n  - disabled: true'),
  },
  {
    name: 'v1alpha1 is served and tracing match mode CLIENT_AND_SERVER accepted',
    yaml: tel('  tracing:\n  - match:\n      mode: CLIENT_AND_SERVER\n    disableSpanReporting: true\n    useRequestIdForTraceSampling: false', 'v1alpha1'),
  },
  {
    name: 'sampling percentage out of range is rejected',
    yaml: tel('  tracing:\n  - randomSamplingPercentage: 101'),
    errors: [['spec.tracing[0].randomSamplingPercentage', '[0.0, 100.0]']],
  },
  {
    name: 'empty provider name is rejected',
    yaml: tel('  metrics:\n  - providers:\n    - name: ""'),
    errors: [['spec.metrics[0].providers[0].name', 'may not be empty']],
  },
  {
    name: 'multiple tracing entries and providers warn',
    yaml: tel('  tracing:\n  - providers:\n    - name: a\n    - name: b\n  - providers:\n    - name: c'),
    warnings: [['spec.tracing', 'multiple tracing'], ['spec.tracing[0].providers', 'multiple providers']],
  },
  {
    name: 'custom tags with empty values are rejected',
    yaml: tel(`  tracing:
  - customTags:
      a:
        literal: {}
      b:
        header: {}
      c: {}`),
    errors: [
      ['spec.tracing[0].customTags.a.literal.value', 'literal tag value'],
      ['spec.tracing[0].customTags.b.header.name', 'header tag name'],
      ['spec.tracing[0].customTags.c', 'exactly one of'],
    ],
  },
  {
    name: 'UPSERT without a value and REMOVE with a value are rejected',
    yaml: tel(`  metrics:
  - overrides:
    - tagOverrides:
        a:
          operation: UPSERT
        b:
          operation: REMOVE
          value: x`),
    errors: [
      ['spec.metrics[0].overrides[0].tagOverrides.a.value', 'must be set when operation is UPSERT'],
      ['spec.metrics[0].overrides[0].tagOverrides.b.value', 'only be set when operation is UPSERT'],
    ],
  },
  {
    name: 'unknown metric name is rejected',
    yaml: tel('  metrics:\n  - overrides:\n    - match:\n        metric: REQUESTS_TOTAL'),
    errors: [['spec.metrics[0].overrides[0].match.metric', 'Unsupported value']],
  },
  {
    name: 'metric and customMetric together are rejected; empty customMetric is rejected',
    yaml: tel(`  metrics:
  - overrides:
    - match:
        metric: REQUEST_COUNT
        customMetric: x
    - match:
        customMetric: ""`),
    errors: [['spec.metrics[0].overrides[0].match', 'only one of'], ['spec.metrics[0].overrides[1].match.customMetric', 'may not be empty']],
  },
  {
    name: 'bad reportingInterval and broken filter expression are rejected',
    yaml: tel(`  metrics:
  - reportingInterval: often
  accessLogging:
  - filter:
      expression: "response.code >= (400"`),
    errors: [['spec.metrics[0].reportingInterval', 'invalid duration'], ['spec.accessLogging[0].filter.expression', 'invalid CEL']],
  },
  {
    name: 'unknown match mode and misspelled field are rejected',
    yaml: tel('  tracing:\n  - match:\n      mode: BOTH\n    samplingPercentage: 5'),
    errors: [['spec.tracing[0].match.mode', 'Unsupported value'], ['spec.tracing[0].samplingPercentage', 'unknown field']],
  },
  {
    name: 'targetRef to a Gateway is accepted',
    yaml: tel('  targetRef:\n    kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n  accessLogging:\n  - providers:\n    - name: envoy'),
  },
]);

test('celSyntaxError: accepts documented filters, rejects broken ones', () => {
  assert.equal(celSyntaxError("response.code >= 400"), undefined);
  assert.equal(celSyntaxError("request.headers['x-debug'] == 'true' && response.code != 200"), undefined);
  assert.equal(celSyntaxError(''), 'expression must not be empty');
  assert.equal(celSyntaxError("request.headers['x"), 'unterminated string literal at offset 16');
  assert.equal(celSyntaxError('(a || b'), "unclosed '('");
  assert.equal(celSyntaxError('a ]'), "unbalanced ']' at offset 2");
  assert.equal(celSyntaxError('response.code >='), 'expression ends with an operator');
});
