// use_original_dst handoff, the original_dst listener filter and ORIGINAL_DST clusters over real
// loopback sockets, with the original-destination lookup injected (what SO_ORIGINAL_DST would
// return for a captured connection); the SO_ORIGINAL_DST call itself is tested in capture/.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WellKnownName } from '../../xds-api/index.js';
import type { ClusterConfig, FilterChain, ListenerConfig, ProxyConfig } from '../config/types.js';
import type { AccessRecord } from '../hcm-context.js';
import { Proxy } from '../proxy.js';
import { get, raw } from '../testing.js';
import { ListenerIndex } from './handoff.js';
import { parseHostPort } from './original-dst.js';

interface Seen { backend: string; remote: string; url: string }

async function httpBackend(name: string, seen: Seen[]): Promise<{ server: HttpServer; port: number }> {
  const server = createHttpServer((req, res) => {
    seen.push({ backend: name, remote: req.socket.remoteAddress ?? '', url: req.url ?? '' });
    res.writeHead(200, { 'x-backend': name, 'content-length': name.length });
    res.end(name);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

async function tcpBackend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.once('data', (d) => s.end(`${name}:${d.toString()}`)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

const hcmChain = (cluster: string, extra: Partial<FilterChain> = {}): FilterChain => ({
  ...extra,
  httpConnectionManager: {
    statPrefix: cluster,
    routeConfig: { name: cluster, virtualHosts: [{ name: 'any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] },
  },
});
const staticCluster = (name: string, port: number): ClusterConfig => ({
  name, type: 'STATIC', loadAssignment: { clusterName: name, endpoints: [{ address: '127.0.0.1', port }] },
});
const originalDst = (name: string, extra: Partial<ClusterConfig> = {}): ClusterConfig => ({ name, type: 'ORIGINAL_DST', cleanupIntervalMs: 60_000, ...extra });

describe('use_original_dst handoff and ORIGINAL_DST clusters', () => {
  const seen: Seen[] = [];
  const access: AccessRecord[] = [];
  let a: { server: HttpServer; port: number };
  let b: { server: HttpServer; port: number };
  let t: { server: Server; port: number };
  let proxy: Proxy;
  let nextDst: { address: string; port: number } | undefined;
  let outbound = 0;
  let inbound = 0;
  let plainPort = 0;

  before(async () => {
    a = await httpBackend('a', seen);
    b = await httpBackend('b', seen);
    t = await tcpBackend('t');
    proxy = new Proxy({ originalDestination: () => nextDst, onAccess: (r) => access.push(r) });
    const virtualOutbound: ListenerConfig = {
      name: 'virtualOutbound', address: '127.0.0.1', port: 0, useOriginalDst: true,
      filterChains: [{ name: 'catchall', tcpProxy: { statPrefix: 'PassthroughCluster', cluster: 'PassthroughCluster' } }],
    };
    const virtualInbound: ListenerConfig = {
      name: 'virtualInbound', address: '127.0.0.1', port: 0, listenerFilters: [WellKnownName.OriginalDst],
      filterChains: [
        hcmChain(`inbound|${a.port}||`, { filterChainMatch: { destinationPort: a.port } }),
        { filterChainMatch: { destinationPort: t.port }, tcpProxy: { statPrefix: 'InboundPassthroughCluster', cluster: 'InboundPassthroughCluster' } },
      ],
    };
    const config: ProxyConfig = {
      version: '1',
      listeners: [
        virtualOutbound,
        virtualInbound,
        // Handoff targets (bind_to_port false), as Istio's outbound listeners under capture.
        { name: '0.0.0.0_9080', address: '0.0.0.0', port: 9080, bindToPort: false, filterChains: [hcmChain('outbound|9080||wild')] },
        { name: '10.1.1.1_9080', address: '10.1.1.1', port: 9080, bindToPort: false, filterChains: [hcmChain('outbound|9080||exact')] },
        { name: '0.0.0.0_9090', address: '0.0.0.0', port: 9090, bindToPort: false, filterChains: [hcmChain('PassthroughCluster')] },
        { name: 'plain', address: '127.0.0.1', port: 0, filterChains: [hcmChain('PassthroughCluster')] },
      ],
      routeConfigs: [],
      clusters: [
        staticCluster('outbound|9080||wild', a.port),
        staticCluster('outbound|9080||exact', b.port),
        originalDst('PassthroughCluster', { originalDstLbConfig: { useHttpHeader: true } }),
        originalDst(`inbound|${a.port}||`, { upstreamBindAddress: '127.0.0.6' }),
        originalDst('InboundPassthroughCluster', { upstreamBindAddress: '127.0.0.6' }),
      ],
    };
    await proxy.apply(config);
    outbound = proxy.listenerPort('virtualOutbound')!;
    inbound = proxy.listenerPort('virtualInbound')!;
    plainPort = proxy.listenerPort('plain')!;
  });
  after(async () => {
    await proxy.close();
    for (const s of [a.server, b.server, t.server]) s.close();
  });

  it('hands a connection to the listener for its original IP:port, exact address before the wildcard one', async () => {
    const cases: Array<[string, number, string]> = [['10.1.1.1', 9080, 'b'], ['10.2.2.2', 9080, 'a'], ['::ffff:10.1.1.1', 9080, 'b']];
    for (const [address, port, backend] of cases) {
      nextDst = { address, port };
      const r = await get(outbound, '/x', { connection: 'close' });
      assert.equal(r.status, 200, `${address}:${port}`);
      assert.equal(r.body, backend, `${address}:${port}`);
    }
    // A bind_to_port false listener has no socket of its own.
    assert.equal(proxy.listenerPort('0.0.0.0_9080'), undefined);
  });

  it('a destination with no listener stays on the virtual listener: its passthrough chain connects to the original destination', async () => {
    nextDst = { address: '127.0.0.1', port: t.port };
    const r = await raw(outbound, 'hello', 300);
    assert.equal(r.text, 't:hello');
  });

  it('the handed-off HTTP listener reaches an ORIGINAL_DST cluster at the original destination, or the x-envoy-original-dst-host header', async () => {
    seen.length = 0;
    nextDst = { address: '127.0.0.1', port: 9090 };
    // The original destination 127.0.0.1:9090 has nothing listening: connection refused is 503 UF.
    access.length = 0;
    const refused = await get(outbound, '/refused', { connection: 'close' });
    assert.equal(refused.status, 503);
    assert.deepEqual([access.at(-1)?.responseFlags, access.at(-1)?.upstreamHost], ['UF', '127.0.0.1:9090']);
    const viaHeader = await get(outbound, '/hdr', { connection: 'close', 'x-envoy-original-dst-host': `127.0.0.1:${b.port}` });
    assert.equal(viaHeader.body, 'b');
    const badHeader = await get(outbound, '/bad', { connection: 'close', 'x-envoy-original-dst-host': 'not-an-address' });
    assert.equal(badHeader.status, 503, 'an unusable header falls back to the original destination (refused here)');
    assert.deepEqual(seen.map((s) => [s.backend, s.url]), [['b', '/hdr']]);
  });

  it('original_dst listener filter: chains match the restored destination port; ORIGINAL_DST connects from upstream_bind_config 127.0.0.6', async () => {
    seen.length = 0;
    nextDst = { address: '127.0.0.1', port: a.port };
    const r = await get(inbound, '/in', { connection: 'close' });
    assert.equal(r.body, 'a');
    assert.deepEqual(seen, [{ backend: 'a', remote: '127.0.0.6', url: '/in' }]);
    nextDst = { address: '127.0.0.1', port: t.port };
    assert.equal((await raw(inbound, 'tcp', 300)).text, 't:tcp');
    nextDst = { address: '127.0.0.1', port: 1 };
    assert.equal((await raw(inbound, 'nochain', 300)).closed, true, 'no chain for port 1: closed');
  });

  it('ORIGINAL_DST without a restored destination has no host: 503 UH', async () => {
    access.length = 0;
    const r = await get(plainPort, '/', { connection: 'close' });
    assert.equal(r.status, 503);
    assert.equal(access.at(-1)?.responseFlags, 'UH');
  });
});

describe('handoff pieces', () => {
  it('ListenerIndex: exact address, then the wildcard of the family', () => {
    const idx = new ListenerIndex<string>();
    idx.add('0.0.0.0', 80, 'v4-any');
    idx.add('10.0.0.1', 80, 'exact');
    idx.add('::', 80, 'v6-any');
    idx.add('10.0.0.1', 80, 'second');
    const cases: Array<[string, number, string | undefined]> = [
      ['10.0.0.1', 80, 'exact'], ['::ffff:10.0.0.1', 80, 'exact'], ['10.0.0.2', 80, 'v4-any'], ['fd00::1', 80, 'v6-any'], ['10.0.0.1', 81, undefined],
    ];
    for (const [address, port, want] of cases) assert.equal(idx.find(address, port), want, `${address}:${port}`);
  });

  it('parseHostPort reads x-envoy-original-dst-host values', () => {
    const cases: Array<[string | undefined, { address: string; port: number } | undefined]> = [
      ['10.195.16.237:8888', { address: '10.195.16.237', port: 8888 }], [' 10.0.0.1:80 ', { address: '10.0.0.1', port: 80 }],
      ['[FD00::1]:443', { address: 'fd00::1', port: 443 }], ['10.0.0.1', undefined], ['host:80', undefined], ['10.0.0.1:0', undefined],
      ['10.0.0.1:70000', undefined], ['300.0.0.1:80', undefined], [undefined, undefined],
    ];
    for (const [v, want] of cases) assert.deepEqual(parseHostPort(v), want, String(v));
  });
});
