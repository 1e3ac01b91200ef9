import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, encodeAny, encodeMessage } from '../../src/xds-api/index.js';
import { readDeltaResponse } from './delta-wire.js';

const RESP = 'envoy.service.discovery.v3.DeltaDiscoveryResponse';

test('delta-wire: reads what protobufjs encodes, header eagerly and resources on demand', () => {
  const a = encodeAny(TypeUrl.Cluster, { name: 'outbound|80||a.ns.svc.cluster.local', type: 'EDS' });
  const b = encodeAny(TypeUrl.Cluster, { name: 'BlackHoleCluster', type: 'STATIC' });
  const bytes = encodeMessage(RESP, {
    system_version_info: 'sys-7',
    type_url: TypeUrl.Cluster,
    nonce: 'n-42',
    removed_resources: ['gone-1', 'gone-2'],
    control_plane: { identifier: 'istiod-0' },
    resources: [
      { name: 'outbound|80||a.ns.svc.cluster.local', version: 'v-a', resource: a, aliases: ['x'] },
      { name: 'BlackHoleCluster', version: 'v-b', resource: b },
    ],
  });
  const r = readDeltaResponse(bytes);
  assert.deepEqual(
    { t: r.type_url, n: r.nonce, s: r.system_version_info, rm: r.removed_resources, count: r.resourceCount, size: r.bytes.length },
    { t: TypeUrl.Cluster, n: 'n-42', s: 'sys-7', rm: ['gone-1', 'gone-2'], count: 2, size: bytes.length },
  );
  assert.deepEqual(r.resources().map((x) => [x.name, x.version, Buffer.compare(x.value, a.value as Buffer) === 0 || Buffer.compare(x.value, b.value as Buffer) === 0]), [
    ['outbound|80||a.ns.svc.cluster.local', 'v-a', true],
    ['BlackHoleCluster', 'v-b', true],
  ]);
  assert.ok(Buffer.compare(r.resources()[1].value, b.value as Buffer) === 0);
});

test('delta-wire: an empty response', () => {
  const r = readDeltaResponse(encodeMessage(RESP, { type_url: TypeUrl.Listener, nonce: 'n1' }));
  assert.deepEqual({ t: r.type_url, n: r.nonce, count: r.resourceCount, res: r.resources() }, { t: TypeUrl.Listener, n: 'n1', count: 0, res: [] });
});

test('delta-wire: the content digest ignores nonce and version, not resources or removals', () => {
  const any = encodeAny(TypeUrl.Listener, { name: 'l1' });
  const msg = (nonce: string, removed: string[], name = 'l1') => readDeltaResponse(encodeMessage(RESP, {
    type_url: TypeUrl.Listener, nonce, system_version_info: nonce, removed_resources: removed, resources: [{ name, version: '1', resource: any }],
  })).contentDigest();
  assert.equal(msg('a', []), msg('b', []));
  assert.notEqual(msg('a', []), msg('a', ['x']));
  assert.notEqual(msg('a', []), msg('a', [], 'l2'));
});
