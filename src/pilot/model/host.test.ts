import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostSubsetOf, hostsMatch, mostSpecificHostMatch, resolveGatewayName, resolveShortName } from './host.js';

test('hostsMatch is symmetric wildcard overlap', () => {
  const cases: [string, string, boolean][] = [
    ['a.foo.com', 'a.foo.com', true], ['a.foo.com', 'b.foo.com', false],
    ['*.foo.com', 'a.foo.com', true], ['*.foo.com', 'foo.com', false], ['*.foo.com', 'a.b.foo.com', true],
    ['*', 'anything.example', true], ['*', '*.foo.com', true], ['*.foo.com', '*.bar.foo.com', true],
    ['*.foo.com', '*.bar.com', false], ['*.com', 'a.foo.org', false],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(hostsMatch(a, b), want, `${a} ~ ${b}`);
    assert.equal(hostsMatch(b, a), want, `${b} ~ ${a}`);
  }
});

test('hostSubsetOf', () => {
  const cases: [string, string, boolean][] = [
    ['a.foo.com', 'a.foo.com', true], ['a.foo.com', '*.foo.com', true], ['*.foo.com', 'a.foo.com', false],
    ['*.bar.foo.com', '*.foo.com', true], ['*.foo.com', '*.bar.foo.com', false], ['*.foo.com', '*', true],
    ['*', '*.foo.com', false], ['foo.com', '*.foo.com', false],
  ];
  for (const [h, of, want] of cases) assert.equal(hostSubsetOf(h, of), want, `${h} ⊆ ${of}`);
});

test('mostSpecificHostMatch prefers exact, then the narrowest wildcard', () => {
  const exact = new Set(['a.foo.com', 'reviews.default.svc.cluster.local']);
  const wild = ['*', '*.com', '*.foo.com', '*.svc.cluster.local'];
  const cases: [string, string | undefined][] = [
    ['a.foo.com', 'a.foo.com'], ['b.foo.com', '*.foo.com'], ['x.bar.com', '*.com'], ['x.org', '*'],
    ['ratings.default.svc.cluster.local', '*.svc.cluster.local'], ['reviews.default.svc.cluster.local', 'reviews.default.svc.cluster.local'],
  ];
  for (const [needle, want] of cases) assert.equal(mostSpecificHostMatch(needle, exact, wild), want, needle);
  assert.equal(mostSpecificHostMatch('x.org', exact, ['*.com']), undefined);
});

test('resolveShortName', () => {
  const cases: [string, string][] = [
    ['reviews', 'reviews.bookinfo.svc.cluster.local'], ['reviews.other', 'reviews.other'],
    ['*', '*'], ['*.foo.com', '*.foo.com'], ['10.0.0.1', '10.0.0.1'], ['::1', '::1'], ['', ''],
  ];
  for (const [h, want] of cases) assert.equal(resolveShortName(h, 'bookinfo'), want, h);
});

test('resolveGatewayName', () => {
  const cases: [string, string][] = [
    ['mesh', 'mesh'], ['gw', 'bookinfo/gw'], ['./gw', 'bookinfo/gw'], ['istio-system/gw', 'istio-system/gw'],
    ['gw.istio-system.svc.cluster.local', 'istio-system/gw'], ['gw.istio-system', 'istio-system/gw'],
  ];
  for (const [g, want] of cases) assert.equal(resolveGatewayName(g, 'bookinfo'), want, g);
});
