import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../api/config.js';
import { defaultRegistry } from '../api/kinds.js';
import { ConfigSnapshot } from './snapshot.js';
import { ConfigStore, type ConfigChanges } from './store.js';

const WE = { group: 'networking.istio.io', kind: 'WorkloadEntry' };

function we(name: string, namespace: string | undefined, address: string): Config {
  const res = defaultRegistry().parse({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: namespace === undefined ? { name } : { name, namespace },
    spec: { address },
  });
  assert.ok(res.config, JSON.stringify(res.diagnostics.errors));
  return res.config;
}

const flat = (c: ConfigChanges) =>
  Object.fromEntries([...c.kinds].map(([k, v]) => [k, { added: v.added, updated: v.updated, removed: v.removed }]));

test('snapshot: get by kind/namespace/name, list sorted by namespace then name', () => {
  const s = ConfigSnapshot.of(7, [we('b', 'ns2', '1.1.1.2'), we('a', 'ns2', '1.1.1.1'), we('z', undefined, '1.1.1.3')]);
  assert.equal(s.version, 7);
  assert.equal(s.size, 3);
  assert.equal((s.get(WE, 'ns2', 'a')?.spec as { address: string }).address, '1.1.1.1');
  assert.equal(s.get(WE, 'default', 'z')?.meta.namespace, 'default');
  assert.equal(s.get(WE, 'ns1', 'a'), undefined);
  assert.equal(s.get({ group: 'other.io', kind: 'WorkloadEntry' }, 'ns2', 'a'), undefined);
  assert.deepEqual(s.list(WE).map((c) => `${c.meta.namespace}/${c.meta.name}`), ['default/z', 'ns2/a', 'ns2/b']);
  assert.deepEqual(s.list(WE, 'ns2').map((c) => c.meta.name), ['a', 'b']);
  assert.deepEqual(s.list(WE, 'nope'), []);
  assert.deepEqual(s.namespaces(WE), ['default', 'ns2']);
  assert.deepEqual(s.kinds(), ['networking.istio.io/WorkloadEntry']);
  assert.ok(Object.isFrozen(s.list(WE)));
});

test('store: replace swaps snapshots, bumps the version and reports what changed by kind', () => {
  const store = new ConfigStore();
  const seen: [number, ReturnType<typeof flat>, number][] = [];
  const off = store.subscribe((snap, changes, prev) => seen.push([snap.version, flat(changes), prev.version]));
  const first = store.snapshot();
  assert.equal(first.version, 0);

  const a = we('a', 'ns', '1.1.1.1');
  const b = we('b', 'ns', '1.1.1.2');
  const s1 = store.replace([a, b]);
  assert.equal(s1.version, 1);
  assert.equal(first.size, 0, 'an old snapshot never changes');

  // Same content in new objects (a re-read file) is not a change: no new version, no notice.
  assert.equal(store.replace([we('a', 'ns', '1.1.1.1'), we('b', 'ns', '1.1.1.2')]), s1);

  const s2 = store.replace([we('a', 'ns', '9.9.9.9'), we('c', 'ns', '1.1.1.3')]);
  assert.equal(s2.version, 2);
  assert.equal(s1.get(WE, 'ns', 'b'), b);
  assert.equal(s2.get(WE, 'ns', 'b'), undefined);
  off();
  store.replace([]);
  assert.deepEqual(seen, [
    [1, { 'networking.istio.io/WorkloadEntry': { added: ['WorkloadEntry.networking.istio.io/ns/a', 'WorkloadEntry.networking.istio.io/ns/b'], updated: [], removed: [] } }, 0],
    [2, { 'networking.istio.io/WorkloadEntry': { added: ['WorkloadEntry.networking.istio.io/ns/c'], updated: ['WorkloadEntry.networking.istio.io/ns/a'], removed: ['WorkloadEntry.networking.istio.io/ns/b'] } }, 1],
  ]);
  assert.equal(store.snapshot().version, 3);
});

test('store: a failing subscriber does not stop the others', () => {
  const store = new ConfigStore();
  let got = 0;
  store.subscribe(() => {
    throw new Error('boom');
  });
  store.subscribe((s) => (got = s.version));
  store.replace([we('a', 'ns', '1.1.1.1')]);
  assert.equal(got, 1);
});

test('store: waitFor resolves on a matching snapshot and times out otherwise', async () => {
  const store = new ConfigStore();
  const waiting = store.waitFor((s) => s.size === 2, 2000);
  store.replace([we('a', 'ns', '1.1.1.1')]);
  store.replace([we('a', 'ns', '1.1.1.1'), we('b', 'ns', '1.1.1.1')]);
  assert.equal((await waiting).version, 2);
  await assert.rejects(store.waitFor((s) => s.size === 5, 20), /no matching config snapshot within 20 ms/);
});

test('store: a change re-indexes only its kind; other kinds keep their index objects', () => {
  const svc = (name: string, port: number) => {
    const res = defaultRegistry().parse({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns' }, spec: { ports: [{ name: 'http', port }] } });
    assert.ok(res.config, JSON.stringify(res.diagnostics.errors));
    return res.config;
  };
  const SVC = { group: '', kind: 'Service' };
  const store = new ConfigStore();
  const s1 = store.replace([we('a', 'ns', '1.1.1.1'), we('b', 'ns2', '1.1.1.2'), svc('x', 80), svc('y', 81)]);
  const s2 = store.replace([we('a', 'ns', '1.1.1.1'), we('b', 'ns2', '1.1.1.2'), svc('x', 80), svc('z', 82)]);
  assert.equal(s2.list(WE), s1.list(WE), 'WorkloadEntry index shared');
  assert.equal(s2.get(WE, 'ns', 'a'), s1.get(WE, 'ns', 'a'), 'same content keeps the served object');
  assert.deepEqual(s2.list(SVC).map((c) => c.meta.name), ['x', 'z']);
  assert.deepEqual(s2.list(SVC, 'ns').map((c) => c.meta.name), ['x', 'z']);
  assert.deepEqual(s1.list(SVC).map((c) => c.meta.name), ['x', 'y'], 'the old snapshot is untouched');
  const s3 = store.replace([we('a', 'ns', '1.1.1.1'), we('b', 'ns2', '1.1.1.2')]);
  assert.deepEqual([s3.kinds(), s3.list(SVC), s3.namespaces(WE)], [['networking.istio.io/WorkloadEntry'], [], ['ns', 'ns2']]);
});
