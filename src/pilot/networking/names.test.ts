import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDnsSrvSubsetKey, buildInboundSubsetKey, buildSubsetKey, isDnsSrvSubsetKey, isValidSubsetKey,
  istioMtlsSni, parseSubsetKey, subsetKeyHostname, type SubsetKey, type TrafficDirection,
} from './names.js';

const REVIEWS = 'reviews.default.svc.cluster.local';

test('buildSubsetKey / buildDnsSrvSubsetKey produce Istio names', () => {
  const cases: [TrafficDirection, string, string, number, string, string][] = [
    ['outbound', 'v1', REVIEWS, 9080, `outbound|9080|v1|${REVIEWS}`, `outbound_.9080_.v1_.${REVIEWS}`],
    ['outbound', '', REVIEWS, 9080, `outbound|9080||${REVIEWS}`, `outbound_.9080_._.${REVIEWS}`],
    ['inbound', '', '', 8080, 'inbound|8080||', 'inbound_.8080_._.'],
    ['outbound', 'v2', '*.example.com', 443, 'outbound|443|v2|*.example.com', 'outbound_.443_.v2_.*.example.com'],
  ];
  for (const [dir, subset, host, port, key, srv] of cases) {
    assert.equal(buildSubsetKey(dir, subset, host, port), key);
    assert.equal(buildDnsSrvSubsetKey(dir, subset, host, port), srv);
  }
  assert.equal(buildInboundSubsetKey(9080), 'inbound|9080||');
  assert.equal(istioMtlsSni('v1', REVIEWS, 9080), `outbound_.9080_.v1_.${REVIEWS}`);
});

test('parseSubsetKey reads both forms and rejects other names', () => {
  const cases: [string, SubsetKey | undefined][] = [
    [`outbound|9080|v1|${REVIEWS}`, { direction: 'outbound', port: 9080, subset: 'v1', hostname: REVIEWS }],
    [`outbound|9080||${REVIEWS}`, { direction: 'outbound', port: 9080, subset: '', hostname: REVIEWS }],
    ['inbound|9080||', { direction: 'inbound', port: 9080, subset: '', hostname: '' }],
    [`outbound_.9080_.v1_.${REVIEWS}`, { direction: 'outbound', port: 9080, subset: 'v1', hostname: REVIEWS }],
    [`outbound_.9080_._.${REVIEWS}`, { direction: 'outbound', port: 9080, subset: '', hostname: REVIEWS }],
    ['inbound_.8080_._.', { direction: 'inbound', port: 8080, subset: '', hostname: '' }],
    ['PassthroughCluster', undefined],
    ['BlackHoleCluster', undefined],
    ['InboundPassthroughClusterIpv4', undefined],
    [`outbound|http|v1|${REVIEWS}`, undefined],
    [`sideways|9080|v1|${REVIEWS}`, undefined],
    ['outbound|9080|v1', undefined],
    ['outbound|9080|v1|a|b', undefined],
    ['outbound|70000||a', undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(parseSubsetKey(name), want, name);
});

test('round trip through build and parse', () => {
  for (const subset of ['', 'v1', 'canary-2']) {
    for (const host of [REVIEWS, 'api.example.com', '*.wild.org']) {
      for (const port of [1, 80, 65535]) {
        const want = { direction: 'outbound', port, subset, hostname: host };
        assert.deepEqual(parseSubsetKey(buildSubsetKey('outbound', subset, host, port)), want);
        assert.deepEqual(parseSubsetKey(buildDnsSrvSubsetKey('outbound', subset, host, port)), want);
      }
    }
  }
});

test('predicates', () => {
  const cases: [string, boolean, boolean, string][] = [
    [`outbound|9080|v1|${REVIEWS}`, true, false, REVIEWS],
    ['inbound|9080||', true, false, ''],
    [`outbound_.9080_.v1_.${REVIEWS}`, false, true, REVIEWS],
    ['inbound_.9080_._.', false, true, ''],
    ['PassthroughCluster', false, false, ''],
  ];
  for (const [name, valid, srv, host] of cases) {
    assert.equal(isValidSubsetKey(name), valid, name);
    assert.equal(isDnsSrvSubsetKey(name), srv, name);
    assert.equal(subsetKeyHostname(name), host, name);
  }
});
