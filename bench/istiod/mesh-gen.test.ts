import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../../src/api/kinds.js';
import { ConfigSnapshot } from '../../src/config/snapshot.js';
import { ingestFile, mergeFiles } from '../../src/config/ingest.js';
import { proxyFromNode } from '../../src/pilot/model/proxy.js';
import { resolveMesh } from '../../src/pilot/model/mesh.js';
import { KubeRegistry } from '../../src/pilot/serviceregistry/index.js';
import { decodeMessage, encodeMessage, jsonToStruct } from '../../src/xds-api/index.js';
import {
  DEFAULT_SHAPE, endpointSliceYaml, firstPodIndex, generateMesh, podsOfService, replacementIp, revisionMarker,
  routedService, seesService, sidecarNodes, sliceFile, svcHost, svcNamespace, virtualServiceFile, virtualServiceYaml, type MeshShape,
} from './mesh-gen.js';

const SMALL: MeshShape = { services: 20, namespaces: 4, routedEvery: 5 };

function ingest(files: Map<string, string>) {
  const registry = defaultRegistry();
  const states = [...files].map(([f, text]) => ingestFile(f, text, { registry, defaultNamespace: 'default' }));
  return { merged: mergeFiles(states), problems: states.flatMap((s) => s.problems) };
}

test('mesh-gen: the default shape has the benchmark sizes', () => {
  const m = generateMesh(DEFAULT_SHAPE);
  assert.deepEqual(m.counts, { Namespace: 20, Service: 1000, EndpointSlice: 1000, Pod: 2500, VirtualService: 200, DestinationRule: 200 });
  assert.equal(m.pods.length, 2500);
  assert.equal(new Set(m.pods.map((p) => p.ip)).size, 2500, 'pod IPs are unique');
  assert.equal(new Set(sidecarNodes(m.pods, 2000).map((n) => n.id)).size, 2000);
});

test('mesh-gen: every generated object passes ingestion and validation', () => {
  const m = generateMesh(SMALL);
  const { merged, problems } = ingest(m.files);
  assert.deepEqual(problems, []);
  const byKind = new Map<string, number>();
  for (const c of merged.configs) byKind.set(c.meta.gvk.kind, (byKind.get(c.meta.gvk.kind) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(byKind), m.counts);
});

test('mesh-gen: the registry sees each service with its pods as endpoints, and the edits change them', () => {
  const m = generateMesh(SMALL);
  const reg = new KubeRegistry({ mesh: resolveMesh({}), clusterId: 'Kubernetes' });
  reg.update(ConfigSnapshot.of(1, ingest(m.files).merged.configs));
  assert.equal(reg.services().length, SMALL.services);
  const addrs = (i: number) => reg.endpoints({ hostname: svcHost(i, SMALL), namespace: `bench-ns-0${i % 4}` }, 80).map((e) => e.endpoint.address).sort();
  assert.deepEqual(addrs(0), m.pods.filter((p) => p.service === 0).map((p) => p.ip).sort());
  assert.equal(addrs(1).length, 2);

  const edited = new Map(m.files);
  const pods7 = podsOfService(7, firstPodIndex(7), SMALL);
  edited.set(sliceFile(7, SMALL), endpointSliceYaml(7, pods7, SMALL, { index: 1, ip: replacementIp(3) }));
  const vs = routedService(2, SMALL);
  edited.set(virtualServiceFile(vs, SMALL), virtualServiceYaml(vs, SMALL, 9));
  const after = ingest(edited);
  assert.deepEqual(after.problems, []);
  reg.update(ConfigSnapshot.of(2, after.merged.configs));
  assert.deepEqual(addrs(7), [pods7[0].ip, replacementIp(3)].sort());
  const vsConfig = after.merged.configs.find((c) => c.meta.gvk.kind === 'VirtualService' && c.meta.name === `svc-${String(vs).padStart(4, '0')}`);
  assert.ok(vsConfig);
  assert.match(JSON.stringify(vsConfig.spec), new RegExp(revisionMarker(9)));
});

test('mesh-gen: firstPodIndex and routedService agree with generation order', () => {
  const m = generateMesh(SMALL);
  for (let i = 0; i < SMALL.services; i++) assert.equal(m.pods[firstPodIndex(i)].service, i);
  for (let k = 0; k < 10; k++) assert.ok(m.files.has(virtualServiceFile(routedService(k, SMALL), SMALL)));
});

test('mesh-gen: sidecar nodes parse as Istio sidecars of their pods', () => {
  const m = generateMesh(SMALL);
  const [n] = sidecarNodes(m.pods.slice(3), 1);
  // Over the wire, as the ADS server receives it.
  const NODE = 'envoy.config.core.v3.Node';
  const node = decodeMessage(NODE, encodeMessage(NODE, { id: n.id, metadata: jsonToStruct({ NAMESPACE: n.namespace, LABELS: n.labels, ISTIO_VERSION: '1.24.0' }) }));
  const proxy = proxyFromNode(node);
  assert.deepEqual(
    { type: proxy.type, ip: proxy.ipAddresses, id: proxy.id, ns: proxy.configNamespace, labels: proxy.labels },
    { type: 'sidecar', ip: [m.pods[3].ip], id: `${m.pods[3].name}.bench-ns-01`, ns: 'bench-ns-01', labels: m.pods[3].labels },
  );
});

test('mesh-gen: namespace Sidecar scoping adds one valid default Sidecar per namespace', () => {
  const shape: MeshShape = { ...SMALL, sidecarScope: 'namespace' };
  const m = generateMesh(shape);
  assert.equal(m.counts.Sidecar, SMALL.namespaces);
  const { merged, problems } = ingest(m.files);
  assert.deepEqual(problems, []);
  const sidecars = merged.configs.filter((c) => c.meta.gvk.kind === 'Sidecar');
  assert.deepEqual(sidecars.map((c) => c.spec), Array.from({ length: SMALL.namespaces }, () => ({ egress: [{ hosts: ['./*', 'istio-system/*'] }] })));
  assert.equal(seesService(svcNamespace(3, shape), 3, shape), true);
  assert.equal(seesService(svcNamespace(4, shape), 3, shape), false);
  assert.equal(seesService(svcNamespace(4, SMALL), 3, SMALL), true, 'without scoping every sidecar sees every service');
});
