import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, AdsClient } from './ads-service.js';
import { decodeAny, encodeAny } from './any.js';
import { TypeUrl } from './type-urls.js';
import type { DeltaDiscoveryRequest__Output, DeltaDiscoveryResponse__Output, DiscoveryRequest__Output, DiscoveryResponse, DiscoveryResponse__Output } from './types.js';

test('ADS service definition carries SotW and delta messages between a grpc-js server and client', { timeout: 10_000 }, async () => {
  const server = new grpc.Server();
  const seen: { sotw?: DiscoveryRequest__Output; delta?: DeltaDiscoveryRequest__Output } = {};
  server.addService(ADS_SERVICE, {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest__Output, DiscoveryResponse>) => {
      call.on('data', (req: DiscoveryRequest__Output) => {
        seen.sotw = req;
        call.write({ type_url: req.type_url, version_info: '1', nonce: 'n1', resources: [encodeAny(TypeUrl.Cluster, { name: 'outbound|80||a.ns.svc.cluster.local' })] });
      });
      call.on('end', () => call.end());
    },
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest__Output, object>) => {
      call.on('data', (req: DeltaDiscoveryRequest__Output) => {
        seen.delta = req;
        call.write({ type_url: req.type_url, nonce: 'd1', resources: [], removed_resources: req.resource_names_unsubscribe });
      });
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const client = new AdsClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const sotw = client.StreamAggregatedResources();
    const resp = await new Promise<DiscoveryResponse__Output>((resolve, reject) => {
      sotw.once('data', resolve);
      sotw.once('error', reject);
      sotw.write({ node: { id: 'sidecar~10.0.0.1~a.ns~ns.svc.cluster.local' }, type_url: TypeUrl.Cluster });
    });
    sotw.end();
    assert.equal(seen.sotw?.node?.id, 'sidecar~10.0.0.1~a.ns~ns.svc.cluster.local');
    assert.equal(seen.sotw?.type_url, TypeUrl.Cluster);
    assert.equal(resp.version_info, '1');
    assert.equal(resp.nonce, 'n1');
    assert.equal(decodeAny(resp.resources[0], TypeUrl.Cluster).name, 'outbound|80||a.ns.svc.cluster.local');

    const delta = client.deltaAggregatedResources();
    const dresp = await new Promise<DeltaDiscoveryResponse__Output>((resolve, reject) => {
      delta.once('data', resolve);
      delta.once('error', reject);
      delta.write({ type_url: TypeUrl.ClusterLoadAssignment, resource_names_subscribe: ['a'], resource_names_unsubscribe: ['b'], initial_resource_versions: { a: 'v1' } });
    });
    delta.end();
    assert.deepEqual(seen.delta?.resource_names_subscribe, ['a']);
    assert.deepEqual(seen.delta?.initial_resource_versions, { a: 'v1' });
    assert.deepEqual(dresp.removed_resources, ['b']);
    assert.equal(dresp.nonce, 'd1');
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
});
