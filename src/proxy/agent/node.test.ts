import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeJson } from '../xds/config-dump.js';
import { parseProxyFlags } from './flags.js';
import { buildNode } from './node.js';

const base = { istioVersion: '1.0.0', concurrency: 2, statusPort: 15020, adminPort: 15000 };

test('node ID, cluster and metadata as Istio builds them from the pod environment', () => {
  const cases = [
    {
      type: 'sidecar' as const,
      env: { POD_NAME: 'reviews-v1-545db77b95-2ps5p', POD_NAMESPACE: 'default', INSTANCE_IP: '10.1.2.3', SERVICE_ACCOUNT: 'bookinfo-reviews', ISTIO_METAJSON_LABELS: '{"app":"reviews","version":"v1"}', ISTIO_META_CLUSTER_ID: 'east' },
      id: 'sidecar~10.1.2.3~reviews-v1-545db77b95-2ps5p.default~default.svc.cluster.local',
      cluster: 'reviews.default',
      meta: { NAMESPACE: 'default', LABELS: { app: 'reviews', version: 'v1' }, SERVICE_ACCOUNT: 'bookinfo-reviews', CLUSTER_ID: 'east', WORKLOAD_NAME: 'reviews-v1', NAME: 'reviews-v1-545db77b95-2ps5p', INTERCEPTION_MODE: 'REDIRECT', INSTANCE_IPS: '10.1.2.3' },
    },
    {
      type: 'router' as const,
      env: { POD_NAME: 'istio-ingressgateway-7d4f8', POD_NAMESPACE: 'istio-system', INSTANCE_IP: '10.9.9.9', ISTIO_META_WORKLOAD_NAME: 'istio-ingressgateway' },
      id: 'router~10.9.9.9~istio-ingressgateway-7d4f8.istio-system~istio-system.svc.cluster.local',
      cluster: 'istio-proxy',
      meta: { NAMESPACE: 'istio-system', LABELS: {}, CLUSTER_ID: 'Kubernetes', WORKLOAD_NAME: 'istio-ingressgateway', ROUTER_MODE: 'sni-dnat' },
    },
  ];
  for (const c of cases) {
    const n = buildNode({ ...base, type: c.type, env: c.env });
    assert.equal(n.id, c.id);
    assert.equal(n.cluster, c.cluster);
    const meta = nodeJson(n).metadata as Record<string, unknown>;
    for (const [k, v] of Object.entries(c.meta)) assert.deepEqual(meta[k], v, `${c.id} ${k}`);
    assert.equal(meta.ISTIO_VERSION, '1.0.0');
  }
  assert.throws(() => buildNode({ ...base, type: 'sidecar', env: { ISTIO_METAJSON_LABELS: '{bad' } }), /ISTIO_METAJSON_LABELS: invalid JSON/);
});

test('pilot-agent proxy flags: Istio names and defaults, both --flag value and --flag=value', () => {
  assert.deepEqual(parseProxyFlags(['sidecar', '--discoveryAddress', 'istiod:15010']), { type: 'sidecar', discoveryAddress: 'istiod:15010', concurrency: 2, proxyAdminPort: 15000, statusPort: 15020 });
  assert.deepEqual(parseProxyFlags(['router', '--discoveryAddress=127.0.0.1:1', '--concurrency=4', '--proxyAdminPort', '0', '--statusPort=0', '--serviceCluster', 'gw']),
    { type: 'router', discoveryAddress: '127.0.0.1:1', concurrency: 4, proxyAdminPort: 0, statusPort: 0, serviceCluster: 'gw' });
  const errors: Array<[string[], RegExp]> = [
    [['gateway'], /proxy type must be "sidecar" or "router", got "gateway"/],
    [['sidecar', '--bogus', '1'], /unknown flag: --bogus/],
    [['sidecar', '--concurrency', 'two'], /invalid argument "two" for "--concurrency"/],
    [['sidecar', '--discoveryAddress', 'nohost'], /want HOST:PORT/],
    [['sidecar', '--statusPort', '70000'], /must be at most 65535/],
    [['sidecar', '--discoveryAddress'], /flag needs an argument/],
  ];
  for (const [args, re] of errors) assert.throws(() => parseProxyFlags(args), re);
});
