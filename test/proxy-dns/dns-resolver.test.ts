// The proxy's DNS resolver (c-ares through dns.promises.Resolver) against a real DNS server on a
// loopback UDP port: Envoy's lookup families, TTLs, empty answers as success, a dead server as failure.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DnsResolver, resolverServers } from '../../src/proxy/upstream/dns-resolver.js';
import { startDnsResponder, type DnsResponder } from './dns-responder.js';

let dns: DnsResponder;
before(async () => {
  dns = await startDnsResponder({
    'both.test': { a: ['127.0.0.1', '127.0.0.2', '127.0.0.1'], aaaa: ['::1'], ttl: 7 },
    'v4.test': { a: ['127.0.0.3'], ttl: 3 },
    'v6.test': { aaaa: ['fd00::5'], ttl: 9 },
  });
});
after(async () => { await dns.stop().catch(() => {}); });

test('lookup families: V4_ONLY, V6_ONLY, AUTO (v6 then v4), V4_PREFERRED (v4 then v6), ALL (both)', async () => {
  const r = new DnsResolver([dns.server]);
  const cases: Array<[string, Parameters<DnsResolver['resolve']>[1], string[], number | undefined]> = [
    ['both.test', 'V4_ONLY', ['127.0.0.1', '127.0.0.2'], 7000],
    ['both.test', 'V6_ONLY', ['::1'], 7000],
    ['both.test', 'AUTO', ['::1'], 7000],
    ['both.test', 'V4_PREFERRED', ['127.0.0.1', '127.0.0.2'], 7000],
    ['both.test', 'ALL', ['127.0.0.1', '127.0.0.2', '::1'], 7000],
    ['v4.test', 'AUTO', ['127.0.0.3'], 3000],
    ['v6.test', 'V4_PREFERRED', ['fd00::5'], 9000],
    ['v4.test', 'V6_ONLY', [], undefined],
    ['missing.test', 'V4_ONLY', [], undefined],
    ['10.1.2.3', 'V4_ONLY', ['10.1.2.3'], undefined],
  ];
  for (const [name, family, addresses, ttlMs] of cases) {
    assert.deepEqual(await r.resolve(name, family), { addresses, ttlMs }, `${name} ${family}`);
  }
  assert.ok(!dns.questions.some((q) => q.name === '10.1.2.3'), 'an IP literal is never asked');
});

test('a server that cannot answer is a failure (the cluster keeps its hosts), not an empty answer', async () => {
  const dead = await startDnsResponder({ 'x.test': { a: ['127.0.0.1'] } });
  const r = new DnsResolver([dead.server]);
  assert.deepEqual((await r.resolve('x.test', 'V4_ONLY')).addresses, ['127.0.0.1']);
  await dead.stop();
  await assert.rejects(r.resolve('x.test', 'V4_ONLY'));
});

test('servers: the cluster\'s own, else ISTIO_TS_DNS_RESOLVERS, else the system\'s', () => {
  assert.deepEqual(resolverServers(['10.0.0.1:53'], { ISTIO_TS_DNS_RESOLVERS: '127.0.0.1:5353' }), ['10.0.0.1:53']);
  assert.deepEqual(resolverServers(undefined, { ISTIO_TS_DNS_RESOLVERS: '127.0.0.1:5353, [::1]:53' }), ['127.0.0.1:5353', '[::1]:53']);
  assert.equal(resolverServers(undefined, {}), undefined);
});

test('the hosts file answers before DNS (Kubernetes hostAliases, localhost) and is re-read when it changes', async () => {
  const { mkdtemp, writeFile, utimes } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { HostsFile } = await import('../../src/proxy/upstream/dns-resolver.js');
  const path = join(await mkdtemp(join(tmpdir(), 'hosts-')), 'hosts');
  await writeFile(path, '# comment\n127.0.0.9 Aliased.test other.test # trailing\n::9 aliased.test\n');
  const r = new DnsResolver([dns.server], new HostsFile(path, 0));
  const asked = dns.questions.length;
  assert.deepEqual(await r.resolve('aliased.test', 'V4_ONLY'), { addresses: ['127.0.0.9'], ttlMs: undefined });
  assert.deepEqual((await r.resolve('aliased.test', 'AUTO')).addresses, ['::9']);
  assert.deepEqual((await r.resolve('aliased.test', 'ALL')).addresses, ['127.0.0.9', '::9']);
  assert.equal(dns.questions.length, asked, 'no DNS question for a listed name');
  assert.deepEqual((await r.resolve('v4.test', 'V4_ONLY')).addresses, ['127.0.0.3'], 'names not listed go to DNS');
  await writeFile(path, '127.0.0.10 aliased.test\n');
  await utimes(path, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual((await r.resolve('aliased.test', 'V4_ONLY')).addresses, ['127.0.0.10']);
});
