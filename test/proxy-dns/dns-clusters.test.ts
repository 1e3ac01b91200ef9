// STRICT_DNS and LOGICAL_DNS clusters end to end: the proxy resolves `echo.test` through a real
// DNS server on a loopback UDP port and forwards to echo backends on 127.0.0.1 and 127.0.0.2
// (same port), as Envoy's DNS clusters do: every A record a host, refreshes per rate or TTL,
// last hosts kept when DNS fails, warming until the first answer, LOGICAL_DNS's single host.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, test } from 'node:test';
import type { ClusterConfig, DnsConfig, ProxyConfig } from '../../src/proxy/config/types.js';
import { Proxy } from '../../src/proxy/proxy.js';
import { get } from '../../src/proxy/testing.js';
import { startDnsResponder, type DnsResponder } from './dns-responder.js';

interface Backend { readonly ip: string; hits: number; readonly open: Set<Socket>; readonly server: Server }

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function listen(ip: string, port: number): Promise<Backend> {
  const b: Backend = { ip, hits: 0, open: new Set(), server: createServer((req, res) => {
    b.hits++;
    req.resume();
    // `/slow` holds the response so that concurrent requests need connections of their own.
    req.on('end', () => (req.url === '/slow' ? setTimeout(() => res.end(ip), 100) : res.end(ip)));
  }) };
  b.server.on('connection', (s: Socket) => { b.open.add(s); s.on('close', () => b.open.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    b.server.once('error', reject);
    b.server.listen(port, ip, () => resolve());
  });
  cleanup.push(() => { b.server.closeAllConnections(); b.server.close(); });
  return b;
}

/** Echo backends on 127.0.0.1 and 127.0.0.2 sharing one port (the endpoint's port). */
async function twoBackends(): Promise<[Backend, Backend, number]> {
  for (let attempt = 0; ; attempt++) {
    const a = await listen('127.0.0.1', 0);
    const port = (a.server.address() as AddressInfo).port;
    try {
      return [a, await listen('127.0.0.2', port), port];
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

async function dnsServer(a: string[], ttl = 30): Promise<DnsResponder> {
  const dns = await startDnsResponder({ 'echo.test': { a, ttl } });
  cleanup.push(() => dns.stop().catch(() => {}));
  return dns;
}

function config(type: 'STRICT_DNS' | 'LOGICAL_DNS', port: number, dns: DnsConfig): Omit<ProxyConfig, 'version'> {
  const cluster: ClusterConfig = {
    name: 'echo', type, connectTimeoutMs: 1000, dns,
    loadAssignment: { clusterName: 'echo', endpoints: [{ address: 'echo.test', port, weight: 1 }] },
  };
  return {
    listeners: [{ name: 'http', address: '127.0.0.1', port: 0, filterChains: [{ httpConnectionManager: { statPrefix: 'in', routeConfigName: 'rc' } }] }],
    routeConfigs: [{ name: 'rc', virtualHosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'echo' } }] }] }],
    clusters: [cluster],
  };
}

async function start(cfg: Omit<ProxyConfig, 'version'>) {
  const proxy = new Proxy();
  await proxy.apply({ version: '1', ...cfg });
  cleanup.push(() => proxy.close());
  const stat = (name: string): number => proxy.stats.snapshot().find(([k]) => k === `cluster.echo.${name}`)?.[1] ?? -1;
  return { proxy, port: proxy.listenerPort('http')!, stat };
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function send(port: number, n: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await get(port, '/');
    assert.equal(r.status, 200, r.body);
    bodies.push(r.body);
  }
  return bodies;
}

test('STRICT_DNS: every A record is a host, traffic spreads over both; a removed record\'s host leaves and its connections close', async () => {
  const [a, b, port] = await twoBackends();
  const dns = await dnsServer(['127.0.0.1', '127.0.0.2']);
  const { port: lp, stat } = await start(config('STRICT_DNS', port, { lookupFamily: 'V4_ONLY', refreshRateMs: 100, resolvers: [dns.server] }));
  assert.equal(stat('membership_total'), 2);
  await send(lp, 20);
  assert.ok(a.hits >= 5 && b.hits >= 5, `round robin over both addresses (${a.hits} / ${b.hits})`);
  assert.ok(b.open.size > 0, 'a pooled connection to 127.0.0.2');

  dns.records.set('echo.test', { a: ['127.0.0.1'], ttl: 30 });
  await until('127.0.0.2 to leave', () => stat('membership_total') === 1);
  assert.ok(stat('membership_change') >= 2);
  await until('the pool of the removed host to drain', () => b.open.size === 0);
  const hitsB = b.hits;
  assert.deepEqual(new Set(await send(lp, 10)), new Set(['127.0.0.1']));
  assert.equal(b.hits, hitsB);

  dns.records.set('echo.test', { a: ['127.0.0.2', '127.0.0.1'], ttl: 30 });
  await until('127.0.0.2 to come back', () => stat('membership_total') === 2);
  assert.deepEqual(new Set(await send(lp, 10)), new Set(['127.0.0.1', '127.0.0.2']));
});

test('STRICT_DNS: with the DNS server gone the last hosts stay and traffic keeps flowing (update_failure counts)', async () => {
  const [a, b, port] = await twoBackends();
  const dns = await dnsServer(['127.0.0.1', '127.0.0.2']);
  const { port: lp, stat } = await start(config('STRICT_DNS', port, { lookupFamily: 'V4_ONLY', refreshRateMs: 50, resolvers: [dns.server] }));
  await dns.stop();
  const failures = stat('update_failure');
  await until('failed refreshes', () => stat('update_failure') >= failures + 3);
  assert.equal(stat('membership_total'), 2);
  await send(lp, 20);
  assert.ok(a.hits >= 5 && b.hits >= 5, `still both (${a.hits} / ${b.hits})`);
  assert.ok(stat('update_success') >= 1);
});

test('respect_dns_ttl: the record TTL sets the next refresh instead of dns_refresh_rate', async () => {
  const [, , port] = await twoBackends();
  const withTtl = await dnsServer(['127.0.0.1'], 1);
  process.env.ISTIO_TS_DNS_RESOLVERS = withTtl.server;
  cleanup.push(() => { delete process.env.ISTIO_TS_DNS_RESOLVERS; });
  await start(config('STRICT_DNS', port, { lookupFamily: 'V4_ONLY', refreshRateMs: 60_000, respectDnsTtl: true }));
  const without = await dnsServer(['127.0.0.1'], 1);
  process.env.ISTIO_TS_DNS_RESOLVERS = without.server;
  await start(config('STRICT_DNS', port, { lookupFamily: 'V4_ONLY', refreshRateMs: 60_000 }));
  await new Promise((r) => setTimeout(r, 2300));
  const asked = (d: DnsResponder): number => d.questions.filter((q) => q.name === 'echo.test').length;
  assert.ok(asked(withTtl) >= 3, `TTL 1 s: asked ${asked(withTtl)} times in 2.3 s`);
  assert.equal(asked(without), 1, 'refresh rate 60 s: asked once');
});

test('warming: apply returns once the first answer arrived, so the first request already has hosts', async () => {
  const [a, , port] = await twoBackends();
  const dns = await dnsServer(['127.0.0.1']);
  dns.delayMs = 300;
  const t0 = Date.now();
  const { port: lp } = await start(config('STRICT_DNS', port, { lookupFamily: 'V4_ONLY', resolvers: [dns.server] }));
  assert.ok(Date.now() - t0 >= 250, 'apply waited for the answer');
  assert.deepEqual(await send(lp, 1), ['127.0.0.1']);
  assert.equal(a.hits, 1);
});

test('LOGICAL_DNS: one host; new connections go to the latest first address, open ones are kept', async () => {
  const [a, b, port] = await twoBackends();
  const dns = await dnsServer(['127.0.0.1', '127.0.0.2']);
  const { port: lp, stat } = await start(config('LOGICAL_DNS', port, { lookupFamily: 'V4_ONLY', refreshRateMs: 100, resolvers: [dns.server] }));
  assert.equal(stat('membership_total'), 1);
  assert.deepEqual(new Set(await send(lp, 5)), new Set(['127.0.0.1']), 'only the first address');
  assert.equal(a.open.size, 1, 'one pooled connection');

  dns.records.set('echo.test', { a: ['127.0.0.2', '127.0.0.1'], ttl: 30 });
  const attempts = stat('update_success');
  await until('a refresh with the new order', () => stat('update_success') >= attempts + 2);
  assert.equal(stat('membership_total'), 1);
  assert.equal(stat('membership_change'), 1, 'the logical host was made once; a new address is not a membership change');
  assert.deepEqual(await send(lp, 1), ['127.0.0.1'], 'the pooled connection to the old address is reused');
  assert.equal(a.open.size, 1, 'and kept open');
  // Three at once need new connections: they go to 127.0.0.2.
  const bodies = await Promise.all([get(lp, '/slow'), get(lp, '/slow'), get(lp, '/slow')]);
  assert.ok(bodies.some((r) => r.body === '127.0.0.2'), bodies.map((r) => r.body).join());
  assert.ok(b.hits >= 2, `${b.hits} on 127.0.0.2`);
});
