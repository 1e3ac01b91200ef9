import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Maglev, RingHash } from './hash-tables.js';
import { xxHash64 } from './xxhash64.js';

const hosts = (weights: number[]): { key: string; weight: number }[] => weights.map((weight, i) => ({ key: `10.0.0.${i + 1}:80`, weight }));

function shares<H extends { key: string }>(pick: (h: bigint) => H | undefined, n = 20000): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const k = pick(xxHash64(`user-${i}`))!.key;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

describe('ring hash', () => {
  it('sizes the ring from the minimum and the lightest weight', () => {
    const table: [number[], number, number][] = [
      [[1, 1, 1], 1024, 1026], // ceil(1024/3)=342 per host
      [[1, 1], 1024, 1024],
      [[1, 3], 1024, 1024],
      [[1, 3], 8, 8],
      [[1, 1, 1, 1], 3, 4], // every host needs at least one entry
    ];
    for (const [w, min, want] of table) assert.equal(new RingHash(hosts(w), min).size, want, `${w} min ${min}`);
  });

  it('sends a key to the same host, spreads keys by weight, and moves few keys when a host goes', () => {
    const three = new RingHash(hosts([1, 1, 1]));
    const h = xxHash64('session-42');
    assert.equal(three.pick(h)!.key, new RingHash(hosts([1, 1, 1])).pick(h)!.key);
    const s = shares((x) => three.pick(x));
    for (const k of Object.keys(s)) assert.ok(s[k] > 20000 / 3 * 0.8 && s[k] < 20000 / 3 * 1.2, `${k}: ${s[k]}`);
    const ring13 = new RingHash(hosts([1, 3]));
    const weighted = shares((x) => ring13.pick(x));
    assert.ok(weighted['10.0.0.2:80'] / weighted['10.0.0.1:80'] > 2.4 && weighted['10.0.0.2:80'] / weighted['10.0.0.1:80'] < 3.6, JSON.stringify(weighted));
    const two = new RingHash(hosts([1, 1, 1]).slice(0, 2));
    let moved = 0;
    let stayed = 0;
    for (let i = 0; i < 3000; i++) {
      const x = xxHash64(`user-${i}`);
      const before = three.pick(x)!.key;
      if (before === '10.0.0.3:80') continue;
      if (two.pick(x)!.key === before) stayed++;
      else moved++;
    }
    // The ring keeps its size, so the survivors gain entries: only a few of their keys move.
    assert.ok(moved / (moved + stayed) < 0.2, `moved ${moved} stayed ${stayed}`);
  });

  it('moves to the next entry on retry attempts and is empty without hosts', () => {
    const r = new RingHash(hosts([1, 1]), 4, 4);
    assert.equal(r.size, 4);
    const first = r.pick(0n);
    assert.equal(first, r.hosts[0]);
    assert.equal(r.pick(0n, 1), r.hosts[1]);
    assert.equal(r.pick((1n << 64n) - 1n), r.hosts[0]); // past the last entry wraps
    assert.equal(new RingHash([]).pick(1n), undefined);
  });
});

describe('maglev', () => {
  it('fills every slot, in proportion to weight', () => {
    const m = new Maglev(hosts([1, 1, 2]), 65537);
    const counts: Record<string, number> = {};
    for (const h of m.table) counts[h!.key] = (counts[h!.key] ?? 0) + 1;
    assert.equal(counts['10.0.0.1:80'] + counts['10.0.0.2:80'] + counts['10.0.0.3:80'], 65537);
    assert.ok(Math.abs(counts['10.0.0.1:80'] - 65537 / 4) < 65537 * 0.01, JSON.stringify(counts));
    assert.ok(Math.abs(counts['10.0.0.3:80'] - 65537 / 2) < 65537 * 0.01, JSON.stringify(counts));
  });

  it('is consistent, disrupts little when a host leaves, and rejects non-prime sizes', () => {
    const a = new Maglev(hosts([1, 1, 1, 1, 1]), 65537);
    const b = new Maglev(hosts([1, 1, 1, 1, 1]).slice(0, 4), 65537);
    let moved = 0;
    let kept = 0;
    for (let i = 0; i < 65537; i++) {
      if (a.table[i]!.key === '10.0.0.5:80') continue;
      if (a.table[i]!.key === b.table[i]!.key) kept++;
      else moved++;
    }
    assert.ok(moved / (moved + kept) < 0.1, `moved ${moved} of ${moved + kept}`);
    const h = xxHash64('k');
    assert.equal(a.pick(h), a.table[Number(h % 65537n)]);
    assert.notEqual(a.pick(h, 1), undefined);
    assert.throws(() => new Maglev(hosts([1]), 65536), /not a prime/);
    assert.equal(new Maglev([], 7).pick(1n), undefined);
  });

  it('small table layout follows the permutation (offset, skip) of each host', () => {
    const m = new Maglev(hosts([1, 1]), 7);
    const off = (k: string): number => Number(xxHash64(k, 0n) % 7n);
    // The first slot each host takes is its offset unless the other already took it.
    assert.equal(m.table[off('10.0.0.1:80')]!.key, '10.0.0.1:80');
    assert.equal(m.table.filter((h) => h!.key === '10.0.0.1:80').length + m.table.filter((h) => h!.key === '10.0.0.2:80').length, 7);
  });
});
