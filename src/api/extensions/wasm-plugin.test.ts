import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runValidationCases } from '../validation-cases.js';
import { wasmUrlError } from './wasm-plugin.js';

const wasm = (spec: string): string => `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: openid-connect
  namespace: istio-ingress
spec:
${spec}`;

const SHA = 'a'.repeat(64);

runValidationCases('WasmPlugin', [
  {
    name: 'documented openid-connect plugin from OCI with config is accepted',
    yaml: wasm(`  selector:
    matchLabels:
      istio: ingressgateway
  url: oci://private-registry:5000/openid-connect/openid:latest
  imagePullPolicy: IfNotPresent
  imagePullSecret: private-registry-pull-secret
  phase: AUTHN
  pluginConfig:
    openid_server: authn
    openid_realm: ingress`),
  },
  {
    name: 'documented file and https URLs with sha256, priority, env and match are accepted',
    yaml: wasm(`  url: https://private-bucket/filters/openid.wasm
  sha256: ${SHA}
  priority: 10
  failStrategy: FAIL_OPEN
  type: HTTP
  vmConfig:
    env:
    - name: POD_NAME
      valueFrom: HOST
    - name: TRUST_DOMAIN
      value: "cluster.local"
  match:
  - mode: SERVER
    ports:
    - number: 80`),
  },
  { name: 'file:// URL is accepted', yaml: wasm('  url: file:///opt/filters/openid.wasm\n  phase: STATS') },
  { name: 'URL without a scheme is an OCI reference', yaml: wasm('  url: ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0') },
  { name: 'url is required', yaml: wasm('  phase: AUTHZ'), errors: [['spec.url', 'Required value']] },
  { name: 'unsupported scheme is rejected', yaml: wasm('  url: ftp://a/b.wasm'), errors: [['spec.url', 'unsupported scheme: ftp']] },
  { name: 'short sha256 is rejected', yaml: wasm('  url: oci://a/b\n  sha256: abc'), errors: [['spec.sha256', '64 characters']] },
  {
    name: 'upper-case sha256 is rejected',
    yaml: wasm(`  url: oci://a/b\n  sha256: ${'A'.repeat(64)}`),
    errors: [['spec.sha256', '[a-f0-9]{64}']],
  },
  {
    name: 'env with a value from HOST, duplicate names and empty names are rejected',
    yaml: wasm(`  url: oci://a/b
  vmConfig:
    env:
    - name: A
      valueFrom: HOST
      value: x
    - name: A
    - name: ""`),
    errors: [['spec.vmConfig.env[0].value', 'only be set when valueFrom is INLINE'], ['spec.vmConfig.env[1].name', 'duplicate env'], ['spec.vmConfig.env[2].name', 'must not be empty']],
  },
  {
    name: 'match port out of range is rejected',
    yaml: wasm('  url: oci://a/b\n  match:\n  - ports:\n    - number: 0'),
    errors: [['spec.match[0].ports[0].number', 'out of range']],
  },
  {
    name: 'unknown phase and pull policy are rejected',
    yaml: wasm('  url: oci://a/b\n  phase: LOGGING\n  imagePullPolicy: Never'),
    errors: [['spec.phase', 'Unsupported value'], ['spec.imagePullPolicy', 'Unsupported value']],
  },
  {
    name: 'selector with targetRefs is rejected',
    yaml: wasm('  url: oci://a/b\n  selector:\n    matchLabels:\n      app: a\n  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: gw'),
    errors: [['spec', 'only one of']],
  },
  {
    name: 'v1 is not served for WasmPlugin',
    yaml: wasm('  url: oci://a/b').replace('v1alpha1', 'v1'),
    errors: [['apiVersion', 'served versions: v1alpha1']],
  },
]);

test('wasmUrlError', () => {
  assert.equal(wasmUrlError('oci://ghcr.io/a/b:1'), undefined);
  assert.equal(wasmUrlError('http://example.com/x.wasm'), undefined);
  assert.equal(wasmUrlError(''), 'url field needs to be set');
  assert.equal(wasmUrlError('s3://bucket/x.wasm'), 'url contains unsupported scheme: s3');
  assert.equal(wasmUrlError('not a url'), 'failed to parse url: not a url');
});
