import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADS_SERVICE, EncodedMessage, TypeUrl, encodeAny, decodeMessage, lookupMessageType } from '../xds-api/index.js';
import { Scratch, encodeDeltaResponse, encodeSotwResponse } from './wire.js';

const SOTW = 'envoy.service.discovery.v3.DiscoveryResponse';
const DELTA = 'envoy.service.discovery.v3.DeltaDiscoveryResponse';

/** protobufjs's own encoding of the same response object: the reference we must decode equal to. */
function reference(message: string, obj: Record<string, unknown>): Buffer {
  const t = lookupMessageType(message)!;
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
}

const cluster = encodeAny(TypeUrl.Cluster, { name: 'outbound|80||a.ns.svc.cluster.local', connect_timeout: { seconds: 10 } });
const big = encodeAny(TypeUrl.Cluster, { name: `outbound|80||${'x'.repeat(300)}.ns.svc.cluster.local` });
const empty = encodeAny(TypeUrl.Cluster, {});

test('SotW responses decode exactly as protobufjs encodes them', async (t) => {
  const cases = [
    // omitted: empty singular fields protobufjs writes (2 bytes each) and proto3 lets us leave out.
    { name: 'resources, version, control plane', versionInfo: 'v1', resources: [cluster, big], nonce: 'n-1', controlPlaneId: 'istiod-0', omitted: 0 },
    { name: 'empty message resource (zero-length value)', versionInfo: 'v2', resources: [empty], nonce: 'n-2', omitted: 1 },
    { name: 'no resources, empty version', versionInfo: '', resources: [], nonce: 'n-3', omitted: 1 },
    { name: 'multi-byte characters', versionInfo: 'vé', resources: [cluster], nonce: 'ñ', controlPlaneId: 'ïd', omitted: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const bytes = encodeSotwResponse({ versionInfo: c.versionInfo, resources: c.resources, typeUrl: TypeUrl.Cluster, nonce: c.nonce, ...(c.controlPlaneId ? { controlPlaneId: c.controlPlaneId } : {}) });
      const ref = reference(SOTW, {
        version_info: c.versionInfo, resources: c.resources, type_url: TypeUrl.Cluster, nonce: c.nonce,
        control_plane: c.controlPlaneId ? { identifier: c.controlPlaneId } : null,
      });
      assert.deepEqual(decodeMessage(SOTW, bytes), decodeMessage(SOTW, ref));
      assert.equal(bytes.length, ref.length - 2 * c.omitted);
      if (c.omitted === 0) assert.deepEqual(bytes, ref);
    });
  }
});

test('delta responses decode exactly as protobufjs encodes them', async (t) => {
  const cases = [
    { name: 'resources and removals', resources: [{ name: 'a', version: 'h1', resource: cluster }, { name: 'b', version: 'h2', resource: big }], removed: ['gone', ''], cp: 'istiod-0' },
    { name: 'only removals', resources: [], removed: ['x|y'], cp: undefined },
    { name: 'nothing (an empty push answer)', resources: [], removed: [], cp: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const bytes = encodeDeltaResponse({ systemVersionInfo: 'sv', resources: c.resources, typeUrl: TypeUrl.Cluster, removedResources: c.removed, nonce: 'n', ...(c.cp ? { controlPlaneId: c.cp } : {}) });
      const ref = reference(DELTA, {
        system_version_info: 'sv', resources: c.resources, type_url: TypeUrl.Cluster, removed_resources: c.removed, nonce: 'n',
        control_plane: c.cp ? { identifier: c.cp } : null,
      });
      assert.deepEqual(decodeMessage(DELTA, bytes), decodeMessage(DELTA, ref));
      assert.deepEqual(bytes, ref);
    });
  }
});

test('a 20,000-byte resource (multi-byte length varints) round-trips', () => {
  const huge = encodeAny(TypeUrl.Cluster, { name: 'n'.repeat(20_000) });
  const bytes = encodeDeltaResponse({ systemVersionInfo: '', resources: [{ name: 'n', version: 'v', resource: huge }], typeUrl: TypeUrl.Cluster, removedResources: [], nonce: 'z' });
  const out = decodeMessage(DELTA, bytes) as { resources: Array<{ resource: { value: Buffer } }> };
  assert.deepEqual(out.resources[0].resource.value, huge.value);
});

test('the ADS serializer passes pre-encoded bytes through unchanged and still encodes objects', () => {
  const serialize = ADS_SERVICE.DeltaAggregatedResources.responseSerialize;
  const bytes = encodeDeltaResponse({ systemVersionInfo: 'v', resources: [], typeUrl: TypeUrl.Listener, removedResources: ['l'], nonce: 'n' });
  assert.equal(serialize(bytes), bytes);
  assert.deepEqual(serialize({ system_version_info: 'v', type_url: TypeUrl.Listener, removed_resources: ['l'], nonce: 'n' }), bytes);
});

test('a scratch buffer is reused across responses; a queued message detaches its bytes before the scratch is reused', () => {
  const scratch = new Scratch(64 * 1024);
  const parts = (nonce: string) => ({ systemVersionInfo: 'v', resources: [{ name: 'a', version: '1', resource: cluster }], typeUrl: TypeUrl.Cluster, removedResources: [], nonce });
  const first = encodeDeltaResponse(parts('n1'), scratch);
  const second = encodeDeltaResponse(parts('n2'), scratch);
  assert.equal(first.buffer, second.buffer, 'same backing memory');
  assert.deepEqual(second, encodeDeltaResponse(parts('n2')));
  const huge = encodeAny(TypeUrl.Cluster, { name: 'h'.repeat(70 * 1024) });
  const big = encodeDeltaResponse({ ...parts('n3'), resources: [{ name: 'h', version: '1', resource: huge }] }, scratch);
  assert.notEqual(big.buffer, second.buffer, 'above the limit: its own buffer');

  const serialize = ADS_SERVICE.DeltaAggregatedResources.responseSerialize;
  const sent = new EncodedMessage(encodeDeltaResponse(parts('n4'), scratch));
  const sentBytes = serialize(sent);
  assert.equal(sent.consumed, true);
  const queued = new EncodedMessage(encodeDeltaResponse(parts('n5'), scratch));
  queued.detach();
  encodeDeltaResponse(parts('n6'), scratch);
  assert.equal((decodeMessage(DELTA, serialize(queued)) as { nonce: string }).nonce, 'n5', 'detached bytes survive the scratch being reused');
  assert.equal((decodeMessage(DELTA, sentBytes) as { nonce: string }).nonce, 'n6', 'a consumed view is the scratch itself (grpc-js copied it already)');
});
