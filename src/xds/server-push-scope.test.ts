// AdsServer over loopback: the proxyNeedsPush hook decides which connections a push reaches (with
// the snapshots after and before it), and a byte budget smaller than any response still serves
// every stream, one response at a time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, encodeAny } from '../xds-api/index.js';
import type { Proxy } from '../pilot/model/proxy.js';
import { pushRequest, type PushRequest } from './push-request.js';
import { AdsServer } from './server.js';
import { TestAdsClient, testNode } from './testing/ads-test-client.js';

const CDS = TypeUrl.Cluster;
const cluster = (name: string) => encodeAny(CDS, { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } } });

test('proxyNeedsPush: a push reaches only the connections it concerns; a 1-byte budget still serves every stream', async () => {
  let names = ['outbound|80||a.a.svc.cluster.local'];
  const asked: Array<[string, string | undefined, string | undefined]> = [];
  const server = new AdsServer<string>({
    generators: new Map([[CDS, { generate: () => ({ version: names.join(','), resources: names.map((n) => ({ name: n, resource: cluster(n) })) }) }]]),
    initialPush: 'p1',
    maxBytesInFlight: 1,
    proxyNeedsPush: (proxy: Proxy, _req: PushRequest<string>, push, previous) => {
      asked.push([proxy.configNamespace, push, previous]);
      return proxy.configNamespace === 'a';
    },
  });
  const port = await server.listen('127.0.0.1:0');
  const clients = ['a', 'b', 'a', 'b'].map((ns, i) => {
    const c = new TestAdsClient(port);
    c.send({ node: testNode(`sidecar~10.1.1.${i + 1}~c${i}.${ns}~${ns}.svc.cluster.local`, { NAMESPACE: ns }), type_url: CDS });
    return c;
  });
  try {
    // Initial requests: every stream answered although each response exceeds the budget.
    for (const c of clients) {
      const r = await c.next();
      assert.equal(r.resources.length, 1);
      c.send({ type_url: CDS, version_info: r.version_info, response_nonce: r.nonce });
    }
    names = [...names, 'outbound|80||b.b.svc.cluster.local'];
    await server.pushAll(pushRequest({ full: true, reason: 'config', start: 0, push: 'p2' }));
    assert.deepEqual(asked.sort(), [['a', 'p2', 'p1'], ['a', 'p2', 'p1'], ['b', 'p2', 'p1'], ['b', 'p2', 'p1']]);
    for (const [i, c] of clients.entries()) {
      if (i % 2 === 0) assert.equal((await c.next()).resources.length, 2, `client ${i} (namespace a) is pushed`);
      else await c.expectSilence();
    }
  } finally {
    for (const c of clients) c.close();
    await server.close(500);
  }
});
