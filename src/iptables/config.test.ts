import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, type ParseContext } from './config.js';
import { IstioTsError } from '../shared/index.js';

const ctx: ParseContext = { env: {}, hostIsIpv6: false, resolvConf: () => '' };

test('defaults are Istio\'s: 15001/15006/15008, UID and GID 1337, REDIRECT, no capture', () => {
  const { config } = parseArgs([], ctx);
  assert.equal(config.proxyPort, '15001');
  assert.equal(config.inboundCapturePort, '15006');
  assert.equal(config.inboundTunnelPort, '15008');
  assert.equal(config.proxyUid, '1337');
  assert.equal(config.proxyGid, '1337');
  assert.equal(config.mode, 'REDIRECT');
  assert.equal(config.inboundPortsInclude, '');
  assert.equal(config.outboundIpRangesInclude, '');
  assert.equal(config.inboundPortsExclude, '15090,15021,15020');
  assert.equal(config.enableIpv6, false);
});

test('-g defaults to -u; user -d ports are added to the always-excluded ones without duplicates', () => {
  const { config } = parseArgs(['-u', '2000', '-d', '15020,8443'], ctx);
  assert.equal(config.proxyGid, '2000');
  assert.equal(config.inboundPortsExclude, '15090,15021,15020,8443');
});

test('short flags with attached values, long flags with =, and env fallbacks', () => {
  const { config } = parseArgs(['-p16001', '--inbound-capture-port=16006', '-mtproxy'], { ...ctx, env: { ISTIO_SERVICE_CIDR: '10.0.0.0/8', PROXY_UID: '99' } });
  assert.equal(config.proxyPort, '16001');
  assert.equal(config.inboundCapturePort, '16006');
  assert.equal(config.mode, 'TPROXY');
  assert.equal(config.outboundIpRangesInclude, '10.0.0.0/8');
  assert.equal(config.proxyUid, '99');
});

test('IPv6 rules follow --dual-stack or an IPv6 host address', () => {
  assert.equal(parseArgs(['--dual-stack'], ctx).config.enableIpv6, true);
  assert.equal(parseArgs([], { ...ctx, hostIsIpv6: true }).config.enableIpv6, true);
  assert.equal(parseArgs(['--dual-stack=false'], ctx).config.enableIpv6, false);
});

test('clean sub-command and --cleanup-only both select clean-up', () => {
  assert.equal(parseArgs(['clean', '-u', '1337'], ctx).config.cleanupOnly, true);
  assert.equal(parseArgs(['--cleanup-only'], ctx).config.cleanupOnly, true);
  assert.equal(parseArgs([], ctx).config.cleanupOnly, false);
});

test('DNS servers come from resolv.conf only with --redirect-dns and without --capture-all-dns', () => {
  const resolvConf = () => 'nameserver 10.96.0.10\nnameserver fd00::a\noptions ndots:5\n';
  const a = parseArgs(['--redirect-dns'], { ...ctx, resolvConf }).config;
  assert.deepEqual([a.dnsServersV4, a.dnsServersV6], [['10.96.0.10'], ['fd00::a']]);
  const b = parseArgs(['--redirect-dns', '--capture-all-dns'], { ...ctx, resolvConf }).config;
  assert.deepEqual([b.dnsServersV4, b.dnsServersV6], [[], []]);
});

const BAD: readonly [string[], RegExp][] = [
  [['-m', 'NAT'], /-m must be REDIRECT or TPROXY, got "NAT"/],
  [['-p', 'abc'], /-p must be a port number \(1-65535\), got "abc"/],
  [['-z', '70000'], /-z must be a port number/],
  [['-b', '80,http'], /-b takes comma-separated ports or '\*', got "http"/],
  [['-o', '*'], /-o takes comma-separated ports, got "\*"/],
  [['-x', '*'], /invalid value for -x/],
  [['--no-such-flag'], /unknown flag "--no-such-flag"/],
  [['-p'], /flag "-p" needs a value/],
  [['stray'], /unexpected argument "stray"/],
];

for (const [args, re] of BAD) {
  test(`usage error: ${args.join(' ')}`, () => {
    assert.throws(() => parseArgs(args, ctx), (e: unknown) => e instanceof IstioTsError && e.code === 'ISTS_USAGE' && re.test(e.message));
  });
}
