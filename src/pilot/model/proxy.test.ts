import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage, encodeMessage, jsonToStruct, type Json } from '../../xds-api/index.js';
import { parseIstioVersion, parseProxy, proxyFromNode, ProxyParseError, type Proxy } from './proxy.js';

type Expect = Partial<Omit<Proxy, 'metadata'>>;
const ok: Array<{ name: string; id: string; meta?: Record<string, Json>; want: Expect }> = [
  {
    name: 'sidecar with namespace from metadata',
    id: 'sidecar~10.1.1.1~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local',
    meta: { NAMESPACE: 'bookinfo', LABELS: { app: 'reviews', version: 'v1' }, ISTIO_VERSION: '1.24.2', INTERCEPTION_MODE: 'TPROXY' },
    want: { type: 'sidecar', id: 'reviews-v1-abc.bookinfo', ipAddresses: ['10.1.1.1'], dnsDomain: 'bookinfo.svc.cluster.local', configNamespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' }, interceptionMode: 'TPROXY', istioVersion: { major: 1, minor: 24, patch: 2 } },
  },
  {
    name: 'namespace falls back to the first label of the DNS domain',
    id: 'sidecar~10.1.1.1~a.ns1~ns1.svc.cluster.local',
    want: { configNamespace: 'ns1', interceptionMode: 'REDIRECT', istioVersion: undefined, labels: {} },
  },
  {
    name: 'single-label domain gives no namespace',
    id: 'router~10.0.0.9~gw.istio-system~local',
    want: { type: 'router', configNamespace: '' },
  },
  {
    name: 'router (gateway)',
    id: 'router~10.2.0.5~istio-ingressgateway-7d.istio-system~istio-system.svc.cluster.local',
    meta: { NAMESPACE: 'istio-system', ROUTER_MODE: 'sni-dnat' },
    want: { type: 'router', configNamespace: 'istio-system' },
  },
  {
    name: 'proxyless gRPC (GENERATOR=grpc)',
    id: 'sidecar~10.1.1.2~echo-grpc.default~default.svc.cluster.local',
    meta: { GENERATOR: 'grpc', NAMESPACE: 'default' },
    want: { type: 'proxyless' },
  },
  {
    name: 'INSTANCE_IPS wins over the ID (dual stack)',
    id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local',
    meta: { INSTANCE_IPS: '10.1.1.1,fd00::1' },
    want: { ipAddresses: ['10.1.1.1', 'fd00::1'] },
  },
  {
    name: 'invalid INSTANCE_IPS fall back to the ID IP',
    id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local',
    meta: { INSTANCE_IPS: '10.1.1.1,not-an-ip' },
    want: { ipAddresses: ['10.1.1.1'] },
  },
  {
    name: 'IP only in metadata',
    id: 'sidecar~~a.ns~ns.svc.cluster.local',
    meta: { INSTANCE_IPS: '192.168.0.4' },
    want: { ipAddresses: ['192.168.0.4'] },
  },
  {
    name: 'unknown interception mode defaults to REDIRECT',
    id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local',
    meta: { INTERCEPTION_MODE: 'bogus' },
    want: { interceptionMode: 'REDIRECT' },
  },
  {
    name: 'interception NONE',
    id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local',
    meta: { INTERCEPTION_MODE: 'NONE' },
    want: { interceptionMode: 'NONE' },
  },
];

for (const c of ok) {
  test(`parseProxy: ${c.name}`, () => {
    const p = parseProxy(c.id, c.meta ?? {});
    assert.equal(p.nodeId, c.id);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(p[k as keyof Proxy], v, k);
  });
}

const bad: Array<{ name: string; id: string; meta?: Record<string, Json>; error: string }> = [
  { name: 'three parts', id: 'sidecar~10.1.1.1~a.ns', error: 'missing parts in the service node "sidecar~10.1.1.1~a.ns": want <type>~<ip>~<id>~<domain>, got 3 part(s)' },
  { name: 'five parts', id: 'sidecar~10.1.1.1~a.ns~ns.svc~x', error: 'missing parts in the service node "sidecar~10.1.1.1~a.ns~ns.svc~x": want <type>~<ip>~<id>~<domain>, got 5 part(s)' },
  { name: 'empty', id: '', error: 'missing parts in the service node "": want <type>~<ip>~<id>~<domain>, got 1 part(s)' },
  { name: 'unknown type', id: 'ingress~10.1.1.1~a.ns~ns.svc.cluster.local', error: 'invalid node type "ingress" (valid types: sidecar, router) in the service node "ingress~10.1.1.1~a.ns~ns.svc.cluster.local"' },
  { name: 'no IP anywhere', id: 'sidecar~pod~a.ns~ns.svc.cluster.local', error: 'no valid IP address in the service node "sidecar~pod~a.ns~ns.svc.cluster.local" or metadata INSTANCE_IPS' },
  { name: 'empty id', id: 'sidecar~10.1.1.1~~ns.svc.cluster.local', error: 'empty proxy id in the service node "sidecar~10.1.1.1~~ns.svc.cluster.local"' },
  { name: 'non-string label', id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local', meta: { LABELS: { app: 1 } }, error: 'node metadata LABELS.app must be a string, got 1' },
  { name: 'LABELS not a map', id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local', meta: { LABELS: 'app=x' }, error: 'node metadata LABELS must be a map of strings, got "app=x"' },
  { name: 'NAMESPACE not a string', id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local', meta: { NAMESPACE: true }, error: 'node metadata NAMESPACE must be a string, got true' },
  { name: 'POD_PORTS not JSON', id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local', meta: { POD_PORTS: '[{' }, error: 'node metadata POD_PORTS is not JSON: [{' },
];

for (const c of bad) {
  test(`parseProxy rejects ${c.name}`, () => {
    assert.throws(() => parseProxy(c.id, c.meta ?? {}), (err: unknown) => {
      assert.ok(err instanceof ProxyParseError);
      assert.equal(err.code, 'ISTS_XDS_STREAM');
      assert.equal(err.message, c.error);
      return true;
    });
  });
}

test('metadata fields are read into NodeMetadata and kept raw', () => {
  const raw = {
    NAMESPACE: 'ns', SERVICE_ACCOUNT: 'bookinfo-reviews', CLUSTER_ID: 'Kubernetes', MESH_ID: 'cluster.local',
    WORKLOAD_NAME: 'reviews-v1', NAME: 'reviews-v1-abc', OWNER: 'kubernetes://apis/apps/v1/namespaces/ns/deployments/reviews-v1',
    NETWORK: 'net1', ISTIO_VERSION: '1.25-dev', POD_PORTS: '[{"name":"http","containerPort":9080,"protocol":"TCP"}]', EXTRA: 'kept',
  };
  const p = parseProxy('sidecar~10.1.1.1~reviews-v1-abc.ns~ns.svc.cluster.local', raw);
  assert.deepEqual({ ...p.metadata, raw: undefined }, {
    namespace: 'ns', labels: {}, serviceAccount: 'bookinfo-reviews', clusterId: 'Kubernetes', interceptionMode: undefined, generator: undefined,
    istioVersion: '1.25-dev', meshId: 'cluster.local', workloadName: 'reviews-v1', podName: 'reviews-v1-abc',
    owner: 'kubernetes://apis/apps/v1/namespaces/ns/deployments/reviews-v1', network: 'net1', routerMode: undefined,
    instanceIps: [], podPorts: [{ name: 'http', containerPort: 9080, protocol: 'TCP' }], raw: undefined,
  });
  assert.equal(p.metadata.raw.EXTRA, 'kept');
  assert.deepEqual(p.istioVersion, { major: 1, minor: 25, patch: 0 });
});

test('parseIstioVersion', () => {
  const table: Array<[string | undefined, ReturnType<typeof parseIstioVersion>]> = [
    ['1.24.2', { major: 1, minor: 24, patch: 2 }],
    ['1.22.0-beta.1', { major: 1, minor: 22, patch: 0 }],
    ['1.25-dev', { major: 1, minor: 25, patch: 0 }],
    ['v1.2.3', { major: 1, minor: 2, patch: 3 }],
    ['', undefined],
    ['latest', undefined],
    [undefined, undefined],
  ];
  for (const [input, want] of table) assert.deepEqual(parseIstioVersion(input), want, String(input));
});

test('proxyFromNode reads a node decoded from the wire, with locality', () => {
  const node = decodeMessage('envoy.config.core.v3.Node', encodeMessage('envoy.config.core.v3.Node', {
    id: 'sidecar~10.1.1.1~a.ns~ns.svc.cluster.local',
    metadata: jsonToStruct({ NAMESPACE: 'ns', LABELS: { app: 'a' } }),
    locality: { region: 'us-east1', zone: 'us-east1-b', sub_zone: 'rack1' },
  }));
  const p = proxyFromNode(node);
  assert.equal(p.configNamespace, 'ns');
  assert.deepEqual(p.labels, { app: 'a' });
  assert.deepEqual(p.locality, { region: 'us-east1', zone: 'us-east1-b', subZone: 'rack1' });
  assert.throws(() => proxyFromNode(null), /the first request on an xDS stream must carry a node/);
});
