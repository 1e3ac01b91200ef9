import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MESH_CONFIG } from './defaults.js';
import { parseMeshConfig } from './parse.js';
import { proxyAddressError } from './proxy-config.js';

const paths = (r: ReturnType<typeof parseMeshConfig>, kind: 'errors' | 'warnings' = 'errors'): string[] =>
  r.diagnostics[kind].map((e) => e.path).sort();

test('an empty document yields Istio defaults', () => {
  const r = parseMeshConfig('', 'mesh.yaml');
  assert.deepEqual(paths(r), []);
  const m = r.mesh!;
  assert.equal(m.rootNamespace, 'istio-system');
  assert.equal(m.trustDomain, 'cluster.local');
  assert.equal(m.connectTimeout, '10s');
  assert.equal(m.protocolDetectionTimeout, '0s');
  assert.equal(m.ingressClass, 'istio');
  assert.equal(m.ingressService, 'istio-ingressgateway');
  assert.equal(m.enableTracing, true);
  assert.equal(m.accessLogEncoding, 'TEXT');
  assert.deepEqual(m.outboundTrafficPolicy, { mode: 'ALLOW_ANY' });
  assert.deepEqual(m.defaultServiceExportTo, ['*']);
  assert.equal(m.defaultConfig?.discoveryAddress, 'istiod.istio-system.svc:15012');
  assert.equal(m.defaultConfig?.proxyAdminPort, 15000);
  assert.equal(m.defaultConfig?.statusPort, 15020);
  assert.equal(m.defaultConfig?.terminationDrainDuration, '5s');
  assert.equal(m.defaultConfig?.concurrency, undefined);
  assert.deepEqual(m.extensionProviders?.map((p) => p.name), ['prometheus', 'envoy']);
});

test('user fields override; defaultConfig and proxyMetadata merge field-wise', () => {
  const r = parseMeshConfig(`
accessLogFile: /dev/stdout
outboundTrafficPolicy:
  mode: REGISTRY_ONLY
defaultServiceExportTo: ["."]
defaultConfig:
  concurrency: 4
  holdApplicationUntilProxyStarts: true
  proxyMetadata:
    ISTIO_META_DNS_CAPTURE: "true"
`);
  assert.deepEqual(paths(r), []);
  const m = r.mesh!;
  assert.equal(m.accessLogFile, '/dev/stdout');
  assert.deepEqual(m.outboundTrafficPolicy, { mode: 'REGISTRY_ONLY' });
  assert.deepEqual(m.defaultServiceExportTo, ['.']);
  assert.equal(m.defaultConfig?.concurrency, 4);
  assert.equal(m.defaultConfig?.holdApplicationUntilProxyStarts, true);
  // untouched defaults survive the merge
  assert.equal(m.defaultConfig?.discoveryAddress, 'istiod.istio-system.svc:15012');
  assert.equal(m.defaultConfig?.drainDuration, '45s');
  assert.deepEqual(m.defaultConfig?.proxyMetadata, { ISTIO_META_DNS_CAPTURE: 'true' });
  assert.equal(m.rootNamespace, 'istio-system');
  // the exported defaults are not modified by a parse
  assert.equal(DEFAULT_MESH_CONFIG.accessLogFile, '');
  assert.equal(DEFAULT_MESH_CONFIG.defaultConfig?.concurrency, undefined);
});

test('extensionProviders merge by name; trustDomainAliases are a sorted union', () => {
  const r = parseMeshConfig(`
trustDomainAliases: ["old.example", "a.example"]
extensionProviders:
- name: envoy
  envoyFileAccessLog:
    path: /var/log/access.log
- name: my-ext-authz
  envoyExtAuthzHttp:
    service: ext-authz.foo.svc.cluster.local
    port: 8000
    includeRequestHeadersInCheck: ["x-ext-authz"]
- name: otel
  opentelemetry:
    service: opentelemetry-collector.observability.svc.cluster.local
    port: 4317
defaultProviders:
  accessLogging: ["envoy"]
  tracing: ["otel"]
`);
  assert.deepEqual(paths(r), []);
  const m = r.mesh!;
  assert.deepEqual(m.extensionProviders?.map((p) => p.name), ['prometheus', 'envoy', 'my-ext-authz', 'otel']);
  assert.equal(m.extensionProviders?.[1].envoyFileAccessLog?.path, '/var/log/access.log');
  assert.deepEqual(m.trustDomainAliases, ['a.example', 'old.example']);
  assert.deepEqual(m.defaultProviders, { accessLogging: ['envoy'], tracing: ['otel'] });
});

test('unknown fields are rejected with their path', () => {
  const r = parseMeshConfig('defaultConfig:\n  concurency: 2\nenableTracng: true\n');
  assert.deepEqual(paths(r), ['defaultConfig.concurency', 'enableTracng']);
  assert.equal(r.mesh, undefined);
  assert.match(r.diagnostics.errors[0].message, /unknown field/);
});

test('invalid enums and types are rejected with their path', () => {
  const r = parseMeshConfig('outboundTrafficPolicy:\n  mode: DENY\naccessLogEncoding: XML\ndefaultConfig:\n  proxyAdminPort: "15000"\n');
  assert.deepEqual(paths(r), ['accessLogEncoding', 'defaultConfig.proxyAdminPort', 'outboundTrafficPolicy.mode']);
  assert.ok(r.diagnostics.errors.some((e) => e.path === 'outboundTrafficPolicy.mode' && e.message.includes('"REGISTRY_ONLY"')));
});

test('semantic rules: durations, trust domain, ports, export, addresses, providers', () => {
  const r = parseMeshConfig(`
connectTimeout: 0s
protocolDetectionTimeout: 100us
trustDomain: Bad_Domain
proxyListenPort: 70000
defaultServiceExportTo: ["*", "foo"]
rootNamespace: Istio-System
defaultConfig:
  discoveryAddress: istiod.istio-system.svc
  concurrency: -1
extensionProviders:
- name: prometheus
  prometheus: {}
- name: dup
  zipkin:
    service: zipkin.istio-system
- name: dup
meshMTLS:
  ecdhCurves: ["P-256"]
`);
  assert.deepEqual(paths(r), [
    'connectTimeout',
    'defaultConfig.concurrency',
    'defaultConfig.discoveryAddress',
    'defaultServiceExportTo',
    'meshMTLS.ecdhCurves',
    'protocolDetectionTimeout',
    'proxyListenPort',
    'rootNamespace',
    'trustDomain',
  ].sort());
  // Istio only logs bad extension providers: warnings, at the user's own indices
  assert.deepEqual(paths(r, 'warnings'), ['extensionProviders[1].zipkin.port', 'extensionProviders[2]', 'extensionProviders[2].name']);
});

test('warnings: unknown default provider and unrecognized ECDH curve', () => {
  const r = parseMeshConfig('defaultProviders:\n  metrics: ["stackdriver"]\ntlsDefaults:\n  ecdhCurves: ["P-256", "P-999"]\n');
  assert.deepEqual(paths(r), []);
  assert.deepEqual(paths(r, 'warnings'), ['defaultProviders.metrics[0]', 'tlsDefaults.ecdhCurves[1]']);
  assert.ok(r.mesh);
});

test('YAML syntax errors and non-mapping documents are reported', () => {
  assert.equal(parseMeshConfig('a: [1', 'm.yaml').diagnostics.errors[0].message.startsWith('m.yaml: '), true);
  assert.deepEqual(parseMeshConfig('- a').diagnostics.errors.map((e) => e.message), ['mesh config: a mesh config must be a YAML mapping']);
});

test('proxyAddressError', () => {
  assert.equal(proxyAddressError('istiod.istio-system.svc:15012'), undefined);
  assert.equal(proxyAddressError('[::1]:15010'), undefined);
  assert.equal(proxyAddressError('10.0.0.1:0'), 'port number 0 must be in the range 1..65535');
  assert.match(proxyAddressError('istiod')!, /host and port/);
});
