import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LbPolicy } from '../config/types.js';
import { LoadBalancer, type LbHost, type LbOptions } from './load-balancer.js';

interface H extends LbHost { key: string; weight: number; activeRequests: number; available: boolean; addedAt: number }

function host(key: string, extra: Partial<H> = {}): H {
  return { key, weight: 1, activeRequests: 0, priority: 0, localityKey: '', localityWeight: undefined, addedAt: 0, available: true, ...extra };
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function lb(policy: LbPolicy, extra: Partial<LbOptions> = {}): LoadBalancer<H> {
  return new LoadBalancer<H>({
    policy, panicThresholdPercent: 50, overprovisioningFactor: 140, localityWeighted: false, slowStart: undefined,
    choiceCount: 2, minRingSize: undefined, maxRingSize: undefined, maglevTableSize: undefined,
    random: seeded(7), now: () => 0, ...extra,
  });
}

function count(b: LoadBalancer<H>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const k = b.pick()?.key ?? 'none';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

describe('priority levels', () => {
  // [healthy/total per priority] → expected load per priority (Envoy's docs table, factor 1.4).
  const table: [number[][], number[]][] = [
    [[[5, 5]], [100]],
    [[[5, 5], [5, 5]], [100, 0]],
    [[[4, 5], [5, 5]], [100, 0]],
    [[[3, 5], [5, 5]], [84, 16]],
    [[[2, 5], [5, 5]], [56, 44]],
    [[[1, 5], [5, 5]], [28, 72]],
    [[[0, 5], [5, 5]], [0, 100]],
    [[[1, 5], [1, 5], [5, 5]], [28, 28, 44]],
  ];
  for (const [levels, want] of table) {
    it(`${levels.map(([h, t]) => `${h}/${t}`).join(' ')} → ${want.join('/')}`, () => {
      const hosts: H[] = [];
      levels.forEach(([healthy, total], p) => {
        for (let i = 0; i < total; i++) hosts.push(host(`p${p}-${i}`, { priority: p, available: i < healthy }));
      });
      const b = lb('ROUND_ROBIN');
      b.refresh(hosts);
      assert.deepEqual(b.loads, want);
    });
  }

  it('fails over to priority 1 in proportion and never picks an unhealthy host', () => {
    const hosts = [
      host('a'), host('b'), host('c'), host('d', { available: false }), host('e', { available: false }),
      host('x', { priority: 1 }), host('y', { priority: 1 }),
    ];
    const b = lb('ROUND_ROBIN');
    b.refresh(hosts);
    assert.deepEqual(b.loads, [84, 16]);
    const c = count(b, 2000);
    assert.deepEqual(Object.keys(c).sort(), ['a', 'b', 'c', 'x', 'y']);
    const p1 = (c.x + c.y) / 2000;
    assert.ok(p1 > 0.12 && p1 < 0.2, JSON.stringify(c));
  });

  it('a level below the panic threshold balances over all its hosts', () => {
    const b = lb('ROUND_ROBIN');
    b.refresh([host('a'), host('b', { available: false }), host('c', { available: false }), host('x', { priority: 1 })]);
    assert.deepEqual(b.loads, [46, 54]);
    const c = count(b, 3000);
    assert.ok(c.b > 300 && c.c > 300, JSON.stringify(c));
  });

  it('panics when every level is below the threshold: all hosts, by host count', () => {
    const hosts = [host('a', { available: false }), host('b', { available: false }), host('c', { available: true }), host('d', { available: false })];
    const b = lb('ROUND_ROBIN');
    b.refresh(hosts);
    assert.equal(b.panic, true);
    assert.deepEqual(count(b, 8), { a: 2, b: 2, c: 2, d: 2 });
    const strict = lb('ROUND_ROBIN', { panicThresholdPercent: 0 });
    strict.refresh([host('a', { available: false })]);
    assert.equal(strict.pick(), undefined);
  });
});

describe('policies', () => {
  it('round robin: plain rotation with equal weights, smooth weighted otherwise', () => {
    const b = lb('ROUND_ROBIN');
    b.refresh([host('a'), host('b'), host('c')]);
    assert.deepEqual([...Array(6)].map(() => b.pick()!.key), ['a', 'b', 'c', 'a', 'b', 'c']);
    const w = lb('ROUND_ROBIN');
    w.refresh([host('a', { weight: 5 }), host('b', { weight: 1 }), host('c', { weight: 1 })]);
    assert.deepEqual([...Array(7)].map(() => w.pick()!.key), ['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('least request prefers the idler of two choices; weighted by weight/(active+1)', () => {
    const busy = host('busy', { activeRequests: 10 });
    const b = lb('LEAST_REQUEST');
    b.refresh([busy, host('idle')]);
    const c = count(b, 400);
    assert.ok(c.idle > 280, JSON.stringify(c)); // busy wins only when drawn twice (~1/4)
    const w = lb('LEAST_REQUEST');
    w.refresh([host('a', { weight: 3 }), host('b', { weight: 1 })]);
    const cw = count(w, 4000);
    assert.ok(cw.a / cw.b > 2.5 && cw.a / cw.b < 3.5, JSON.stringify(cw));
  });

  it('slow start ramps a new host from min weight to full over the window', () => {
    let now = 0;
    const old = host('old', { addedAt: -100_000 });
    const fresh = host('new', { addedAt: 0 });
    const ss = { slowStartWindowMs: 10_000, aggression: 1, minWeightPercent: 10 };
    const share = (t: number): number => {
      now = t;
      const b = lb('ROUND_ROBIN', { slowStart: ss, now: () => now });
      b.refresh([old, fresh]);
      return count(b, 1000).new ?? 0;
    };
    // time factor max(t,1s)/10s → weights 0.1, 0.5, 1 (full) after the window.
    assert.equal(share(500), 91); // 0.1 / 1.1
    assert.equal(share(5000), 333); // 0.5 / 1.5
    assert.equal(share(20_000), 500);
    const aggressive = { ...ss, aggression: 2 };
    now = 2500;
    const b = lb('ROUND_ROBIN', { slowStart: aggressive, now: () => now });
    b.refresh([old, fresh]);
    assert.equal(count(b, 1000).new, 333); // (0.25)^(1/2) = 0.5
  });

  it('locality weighted: localities by weight × availability, then hosts inside', () => {
    const hosts = [
      host('z1-a', { localityKey: 'z1', localityWeight: 3 }), host('z1-b', { localityKey: 'z1', localityWeight: 3 }),
      host('z2-a', { localityKey: 'z2', localityWeight: 1 }),
    ];
    const b = lb('ROUND_ROBIN', { localityWeighted: true });
    b.refresh(hosts);
    assert.deepEqual(count(b, 400), { 'z1-a': 150, 'z1-b': 150, 'z2-a': 100 });
    // Half of z1 down: 3 × min(1, 1.4 × 1/2) = 2.1 against 1.
    const degraded = [{ ...hosts[0], available: false }, hosts[1], hosts[2]];
    const d = lb('ROUND_ROBIN', { localityWeighted: true, panicThresholdPercent: 0 });
    d.refresh(degraded);
    const c = count(d, 310);
    assert.deepEqual(c, { 'z1-b': 210, 'z2-a': 100 });
  });

  it('hash policies: same hash, same host; no hash falls back to random', () => {
    for (const policy of ['RING_HASH', 'MAGLEV'] as const) {
      const b = lb(policy, { maglevTableSize: 251 });
      b.refresh([host('10.0.0.1:80'), host('10.0.0.2:80'), host('10.0.0.3:80')]);
      const first = b.pick({ hash: 12345678901234n, attempt: 0 })!.key;
      for (let i = 0; i < 5; i++) assert.equal(b.pick({ hash: 12345678901234n, attempt: 0 })!.key, first, policy);
      assert.ok(b.pick({ hash: undefined, attempt: 0 }) !== undefined);
    }
  });
});
