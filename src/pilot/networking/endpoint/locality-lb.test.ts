import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locality } from '../../model/endpoint.js';
import { applyLocalityLb, effectiveLocalitySetting, localityMatches, localityPriority, type LocalityGroup, type LocalitySetting } from './locality-lb.js';

const loc = (s: string): Locality => {
  const [region = '', zone = '', subzone = ''] = s.split('/');
  return { region, zone, subzone };
};

test('localityMatches: wildcards and omitted levels', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['us/us-1/a', 'us/us-1/a', true], ['us/us-1/a', 'us/*', true], ['us/us-1/a', 'us', true], ['us/us-1/a', '*', true],
    ['us/us-1/a', 'us/us-2/*', false], ['us/us-1/a', 'eu/*', false], ['us/us-1/a', 'us/us-1/b', false], ['us/us-1/a', undefined, false],
  ];
  for (const [l, rule, want] of cases) assert.equal(localityMatches(loc(l), rule), want, `${l} ~ ${rule}`);
});

test('localityPriority: subzone 0, zone 1, region 2, elsewhere 3', () => {
  const cases: [string, number][] = [['us/us-1/a', 0], ['us/us-1/b', 1], ['us/us-2/a', 2], ['eu/eu-1/a', 3]];
  for (const [ep, want] of cases) assert.equal(localityPriority(loc('us/us-1/a'), loc(ep)), want, ep);
});

test('effectiveLocalitySetting: rule wins, enabled:false disables, mesh otherwise', () => {
  const mesh: LocalitySetting = { failover: [{ from: 'a', to: 'b' }] };
  const rule = { distribute: [{ from: '*', to: { '*': 100 } }] };
  assert.equal(effectiveLocalitySetting(rule, mesh), rule);
  assert.equal(effectiveLocalitySetting({ ...rule, enabled: false }, mesh), undefined);
  assert.equal(effectiveLocalitySetting(undefined, mesh), mesh);
  assert.equal(effectiveLocalitySetting(undefined, undefined), undefined);
});

interface Ep { id: string; labels: Record<string, string>; w: number }
const groups = (): LocalityGroup<Ep>[] => [
  { locality: loc('eu/eu-1'), endpoints: [{ id: 'e1', labels: { net: 'n2' }, w: 1 }], weight: 1, priority: 0 },
  { locality: loc('us/us-1'), endpoints: [{ id: 'u1', labels: { net: 'n1', region: 'us' }, w: 2 }, { id: 'u2', labels: { net: 'n2' }, w: 1 }], weight: 3, priority: 0 },
  { locality: loc('us/us-2'), endpoints: [{ id: 'u3', labels: { net: 'n1', region: 'us' }, w: 1 }], weight: 1, priority: 0 },
];
const view = (gs: LocalityGroup<Ep>[]) => gs.map((g) => `${g.locality.region}/${g.locality.zone}:${g.endpoints.map((e) => e.id).join(',')}:w${g.weight}:p${g.priority}`);
const client = { locality: loc('us/us-1'), labels: { net: 'n1', region: 'us' } };

test('applyLocalityLb: distribute, failover, failoverPriority, and no failover without outlier detection', () => {
  const cases: { name: string; setting: LocalitySetting; failover: boolean; want: string[] }[] = [
    {
      name: 'distribute splits weight by the localities each target matches; unnamed localities get nothing',
      setting: { distribute: [{ from: 'eu/*', to: { '*': 100 } }, { from: 'us/us-1/*', to: { 'us/us-1/*': 80, 'eu/*': 20 } }] }, failover: false,
      want: ['eu/eu-1:e1:w20:p0', 'us/us-1:u1,u2:w80:p0', 'us/us-2::w1:p0'],
    },
    {
      name: 'default failover ranks by shared locality',
      setting: {}, failover: true,
      want: ['eu/eu-1:e1:w1:p2', 'us/us-1:u1,u2:w3:p0', 'us/us-2:u3:w1:p1'],
    },
    { name: 'failover needs outlier detection', setting: {}, failover: false, want: ['eu/eu-1:e1:w1:p0', 'us/us-1:u1,u2:w3:p0', 'us/us-2:u3:w1:p0'] },
    {
      name: 'failoverPriority splits localities by matching labels, in order',
      setting: { failoverPriority: ['net', 'region'] }, failover: true,
      want: ['eu/eu-1:e1:w1:p1', 'us/us-1:u1:w2:p0', 'us/us-1:u2:w1:p1', 'us/us-2:u3:w1:p0'],
    },
    {
      name: 'failoverPriority with an explicit value',
      setting: { failoverPriority: ['net=n2'] }, failover: true,
      want: ['eu/eu-1:e1:w1:p0', 'us/us-1:u2:w1:p0', 'us/us-1:u1:w2:p1', 'us/us-2:u3:w1:p1'],
    },
  ];
  for (const c of cases) {
    const out = applyLocalityLb(groups(), c.setting, client, c.failover, (e) => e.labels, (e) => e.w);
    assert.deepEqual(view(out), c.want, c.name);
  }
});
