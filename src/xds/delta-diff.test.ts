import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Any__Output } from '../xds-api/index.js';
import { deltaDiff } from './delta-diff.js';
import type { Generated } from './generator.js';
import { Interner, OverlayMap, SharedNameSets, SharedVersions } from './shared-versions.js';

const T = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const any = (s: string): Any__Output => ({ type_url: T, value: Buffer.from(s) });
const gen = (version: string, rs: Array<[string, string]>, partial = false): Generated => ({
  version, resources: rs.map(([name, v]) => ({ name, version: v, resource: any(`${name}@${v}`) })), ...(partial ? { partial } : {}),
});
const held = (entries: Array<[string, string]>) => new Map(entries);
const all = () => true;

test('delta diff: changed, removed and what the proxy then holds', async (t) => {
  const cases: Array<{ name: string; out: Generated; have?: Map<string, string>; subscribed?: (n: string) => boolean; forced?: boolean;
    changed: string[]; removed: string[]; holds: Array<[string, string]>; shared: boolean }> = [
    { name: 'initial: everything is new', out: gen('v1', [['a', '1'], ['b', '1']]), changed: ['a', 'b'], removed: [], holds: [['a', '1'], ['b', '1']], shared: true },
    { name: 'one version changed, one resource gone', out: gen('v2', [['a', '2'], ['b', '1']]), have: held([['a', '1'], ['b', '1'], ['c', '1']]),
      changed: ['a'], removed: ['c'], holds: [['a', '2'], ['b', '1']], shared: true },
    { name: 'nothing changed', out: gen('v1', [['a', '1']]), have: held([['a', '1']]), changed: [], removed: [], holds: [['a', '1']], shared: true },
    { name: 'forced: sent again although equal', out: gen('v1', [['a', '1']]), have: held([['a', '1']]), forced: true, changed: ['a'], removed: [], holds: [['a', '1']], shared: true },
    { name: 'held but no longer watched: neither removed nor dropped', out: gen('v3', [['a', '1']]), have: held([['a', '1'], ['x', '9']]), subscribed: (n) => n !== 'x',
      changed: [], removed: [], holds: [['a', '1'], ['x', '9']], shared: false },
    { name: 'partial (incremental EDS): only named ones change, nothing removed', out: gen('v4', [['b', '2']], true), have: held([['a', '1'], ['b', '1']]),
      changed: ['b'], removed: [], holds: [['a', '1'], ['b', '2']], shared: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const table = new SharedVersions();
      const d = deltaDiff(T, c.out, c.have, c.subscribed ?? all, c.forced ?? false, table);
      assert.deepEqual(d.changed.map((x) => x.name), c.changed);
      assert.deepEqual(d.removed, c.removed);
      assert.deepEqual([...d.holds].sort(), c.holds);
      const fromTable = table.of(T, c.out.version, c.out.resources, c.out.resources.map((r) => r.version!));
      assert.equal(d.holds === fromTable, c.shared, 'the shared map of this answer, else the proxy\'s own');
      if (c.have) assert.notEqual(d.holds, c.have, 'the held map is never changed in place');
    });
  }
});

test('streams with the same complete answer share one map; a different answer with a reused version string does not', () => {
  const shared = new SharedVersions();
  const a = deltaDiff(T, gen('v1', [['a', '1'], ['b', '1']]), undefined, all, false, shared);
  const b = deltaDiff(T, gen('v1', [['b', '1'], ['a', '1']]), held([['a', '0']]), all, false, shared);
  assert.equal(a.holds, b.holds);
  const other = deltaDiff(T, gen('v1', [['a', '1'], ['b', '2']]), undefined, all, false, shared);
  assert.notEqual(other.holds, a.holds);
  assert.deepEqual([...other.holds], [['a', '1'], ['b', '2']]);
  assert.deepEqual([...a.holds], [['a', '1'], ['b', '1']], 'the first map is untouched');
  const otherType = deltaDiff('other', gen('v1', [['a', '1'], ['b', '1']]), undefined, all, false, shared);
  assert.notEqual(otherType.holds, a.holds);
});

test('shared tables are bounded', () => {
  const shared = new SharedVersions(2);
  for (const v of ['v1', 'v2', 'v3']) shared.of(T, v, [{ name: 'a' }], [v]);
  assert.equal(shared.size, 1);
  const interner = new Interner(2);
  const x = ['na', 'me'].join('');
  assert.equal(interner.intern(x), x);
  assert.equal(interner.intern(['n', 'ame'].join('')), x);
  interner.intern('b');
  const overflow = ['c', ''].join('');
  assert.equal(interner.intern(overflow), overflow);
  assert.equal(interner.size, 2);
});

test('overlay maps: reads, iteration and size see the changes; chains keep one root; large changes flatten', () => {
  const root = new Map([['a', '1'], ['b', '1'], ['c', '1'], ['d', '1'], ['e', '1'], ['f', '1'], ['g', '1']]);
  const o1 = OverlayMap.with(root, [['b', '2'], ['z', '1']], ['c']);
  assert.ok(o1 instanceof OverlayMap);
  assert.deepEqual([...o1], [['a', '1'], ['b', '2'], ['d', '1'], ['e', '1'], ['f', '1'], ['g', '1'], ['z', '1']]);
  assert.equal(o1.size, 7);
  assert.deepEqual([o1.get('b'), o1.get('c'), o1.has('c'), o1.has('z')], ['2', undefined, false, true]);
  assert.equal(root.get('b'), '1', 'root untouched');
  assert.equal(root.size, 7);
  const o2 = OverlayMap.with(o1, [], ['z']);
  assert.ok(o2 instanceof OverlayMap && o2.root === root);
  assert.deepEqual([...o2.keys()], ['a', 'b', 'd', 'e', 'f', 'g']);
  assert.equal(o2.size, 6);
  assert.deepEqual([...o1.keys()], ['a', 'b', 'd', 'e', 'f', 'g', 'z'], 'o1 untouched');
  const flat = OverlayMap.with(o2, [['a', '3']], ['d']);
  assert.ok(!(flat instanceof OverlayMap), 'five changes on seven entries: flattened');
  assert.deepEqual([...flat], [['a', '3'], ['b', '2'], ['e', '1'], ['f', '1'], ['g', '1']]);
});

test('name sets: equal contents share one set whatever the order, with interned strings; bounded', () => {
  const sets = new SharedNameSets(2);
  const a = sets.of(['x|1', 'y|2', 'x|1']);
  const b = sets.of(new Set(['y|2', ['x', '|1'].join('')]));
  assert.equal(a, b);
  assert.deepEqual([...a], ['x|1', 'y|2']);
  assert.notEqual(sets.of(['x|1']), a);
  assert.equal(sets.of([]).size, 0);
  assert.equal(sets.of([]), sets.of(new Set()));
  sets.of(['z']);
  assert.equal(sets.size, 1, 'the table started over at its bound');
  assert.equal(sets.of(['y|2', 'x|1']).has('x|1'), true);
});
