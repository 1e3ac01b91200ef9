import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_ROUTES, ANY_CONFIG, CONFIG_BUT_VIRTUAL_SERVICES, routePortDep } from '../pilot/networking/cache-key.js';
import { XdsCache } from './cache.js';
import type { GeneratedResource } from './generator.js';

const T = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const res = (name: string): GeneratedResource[] => [{ name, version: name, resource: { type_url: T, value: Buffer.from(name) } }];
const SVC_A = 'ServiceEntry/default/a.default.svc.cluster.local';
const SVC_B = 'ServiceEntry/default/b.default.svc.cluster.local';
const DR_A = 'DestinationRule.networking.istio.io/default/a';

function filled(push: object): XdsCache {
  const c = new XdsCache();
  c.onPush({ full: true, configsUpdated: new Set() }, push);
  c.set(T, 'a', [SVC_A, DR_A], res('a'), push);
  c.set(T, 'b', [SVC_B], res('b'), push);
  c.set(T, 'route', [ANY_CONFIG], res('route'), push);
  return c;
}

test('a push drops exactly the entries depending on what it names; unknown kinds and "everything" clear all', () => {
  const cases: Array<[string, boolean, string[], string[]]> = [
    ['EDS-only, service a', false, [SVC_A], ['b', 'route']],
    ['EDS-only, service b', false, [SVC_B], ['a', 'route']],
    ['full, DestinationRule a', true, [DR_A], ['b']],
    ['full, a VirtualService (only ANY_CONFIG entries read them)', true, ['VirtualService.networking.istio.io/default/vs'], ['a', 'b']],
    ['full, a Sidecar (untracked kind)', true, ['Sidecar.networking.istio.io/default/default'], []],
    ['full, PeerAuthentication (untracked kind)', true, ['PeerAuthentication.security.istio.io/default/p'], []],
    ['anything (empty configsUpdated)', false, [], []],
  ];
  for (const [name, full, keys, kept] of cases) {
    const p1 = {};
    const p2 = {};
    const c = filled(p1);
    c.onPush({ full, configsUpdated: new Set(keys) }, p2);
    assert.deepEqual(['a', 'b', 'route'].filter((k) => c.get(T, k) !== undefined), kept, name);
    assert.equal(c.size, kept.length, name);
  }
});

test('an entry built from a superseded push is not stored', () => {
  const p1 = {};
  const p2 = {};
  const c = filled(p1);
  c.onPush({ full: false, configsUpdated: new Set([SVC_A]) }, p2);
  c.set(T, 'a', [SVC_A], res('a-old'), p1);
  assert.equal(c.get(T, 'a'), undefined);
  assert.equal(c.stats(T).stale, 1);
  c.set(T, 'a', [SVC_A], res('a-new'), p2);
  assert.equal(c.get(T, 'a')?.[0].name, 'a-new');
});

test('hits and misses are counted per type; replacing an entry re-indexes its deps', () => {
  const p = {};
  const c = filled(p);
  c.get(T, 'a');
  c.get(T, 'missing');
  c.get('other', 'a');
  assert.deepEqual(c.stats(T), { hits: 1, misses: 1, stale: 0 });
  assert.deepEqual(c.stats('other'), { hits: 0, misses: 1, stale: 0 });
  c.set(T, 'a', [SVC_B], res('a2'), p);
  assert.equal(c.size, 3);
  c.onPush({ full: false, configsUpdated: new Set([SVC_A]) }, {});
  assert.equal(c.get(T, 'a')?.[0].name, 'a2', 'a no longer depends on service a');
  c.onPush({ full: false, configsUpdated: new Set([SVC_B]) }, {});
  assert.equal(c.get(T, 'a'), undefined);
  assert.equal(c.size, 1);
});

test('a VirtualService-only push drops only the route configurations of the ports its hook names', () => {
  const VS = 'VirtualService.networking.istio.io/default/vs';
  const routeDeps = (port: number) => [CONFIG_BUT_VIRTUAL_SERVICES, ALL_ROUTES, routePortDep(port)];
  const cases: Array<[string, boolean, string[], ((k: string) => string[]) | undefined, string[]]> = [
    ['hook names port 80', true, [VS], () => [routePortDep(80)], ['a', 'r9080']],
    ['hook cannot bound it (delegate)', true, [VS], () => [ALL_ROUTES], ['a']],
    ['no hook: every route', true, [VS], undefined, ['a']],
    ['VirtualService and DestinationRule: every route', true, [VS, DR_A], () => [routePortDep(80)], []],
    ['endpoint-only push keeps routes', false, [SVC_B], () => [routePortDep(80)], ['a', 'r80', 'r9080']],
  ];
  for (const [name, full, keys, hook, kept] of cases) {
    const p1 = {};
    const calls: Array<[string, unknown, unknown]> = [];
    const c = new XdsCache(hook ? { virtualServiceDeps: (k, push, prev) => (calls.push([k, push, prev]), hook(k)) } : {});
    c.onPush({ full: true, configsUpdated: new Set() }, p1);
    c.set(T, 'a', [SVC_A, DR_A], res('a'), p1);
    c.set(T, 'r80', routeDeps(80), res('r80'), p1);
    c.set(T, 'r9080', routeDeps(9080), res('r9080'), p1);
    const p2 = {};
    c.onPush({ full, configsUpdated: new Set(keys) }, p2);
    assert.deepEqual(['a', 'r80', 'r9080'].filter((k) => c.get(T, k) !== undefined), kept, name);
    if (hook && keys.includes(VS)) assert.deepEqual(calls, [[VS, p2, p1]], `${name}: hook sees after and before`);
  }
});

test('epochs: a VirtualService-only push keeps its predecessor\'s epoch, any other push starts a new one', () => {
  const VS = 'VirtualService.networking.istio.io/default/vs';
  const c = new XdsCache();
  const pushes = [{}, {}, {}, {}, {}, {}];
  const reqs: Array<[boolean, string[]]> = [[true, []], [true, [VS]], [false, [SVC_A]], [true, [VS, DR_A]], [true, [VS]], [true, []]];
  reqs.forEach(([full, keys], i) => c.onPush({ full, configsUpdated: new Set(keys) }, pushes[i]));
  assert.deepEqual(pushes.map((p) => c.epochOf(p)), [1, 1, 2, 3, 3, 4]);
  assert.equal(c.epochOf({}), undefined);
});
