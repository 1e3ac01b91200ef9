import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutlierDetectionConfig } from '../config/types.js';
import { HostOutlierState, OutlierDetector, OutlierStats, type LocalOriginResult } from './outlier-detection.js';

interface H { name: string; outlier: HostOutlierState }

function setup(c: OutlierDetectionConfig, n = 4, random = 0.5) {
  let now = 1000;
  const hosts: H[] = [...Array(n)].map((_, i) => ({ name: `h${i}`, outlier: new HostOutlierState() }));
  let changes = 0;
  const d = new OutlierDetector<H>(c, new OutlierStats(), () => hosts, () => changes++, () => random, () => now);
  return { d, hosts, advance: (ms: number) => { now += ms; }, changes: () => changes };
}

type Event = number | LocalOriginResult;

describe('outlier detection decisions', () => {
  const cases: { name: string; c: OutlierDetectionConfig; events: Event[]; ejected: boolean; stat?: [keyof OutlierStats, number] }[] = [
    { name: 'five 5xx eject (default threshold)', c: { maxEjectionPercent: 100 }, events: [500, 503, 502, 500, 500], ejected: true, stat: ['ejections_enforced_consecutive_5xx', 1] },
    { name: 'a success in between resets the count', c: { maxEjectionPercent: 100 }, events: [500, 500, 500, 500, 200, 500], ejected: false },
    { name: '4xx resets too', c: { maxEjectionPercent: 100 }, events: [500, 500, 500, 500, 404, 500], ejected: false },
    { name: 'gateway failures are detected but not enforced by default', c: { consecutive5xx: 100, consecutiveGatewayFailure: 2, maxEjectionPercent: 100 }, events: [502, 504], ejected: false, stat: ['ejections_detected_consecutive_gateway_failure', 1] },
    { name: 'gateway failures enforced at 100', c: { consecutive5xx: 100, consecutiveGatewayFailure: 2, enforcingConsecutiveGatewayFailure: 100, maxEjectionPercent: 100 }, events: [502, 504], ejected: true },
    { name: 'enforcing 0 only detects', c: { consecutive5xx: 2, enforcingConsecutive5xx: 0, maxEjectionPercent: 100 }, events: [500, 500], ejected: false, stat: ['ejections_detected_consecutive_5xx', 1] },
    { name: 'local-origin failures count as 5xx without the split', c: { consecutive5xx: 3, maxEjectionPercent: 100 }, events: ['connect_failed', 'timeout', 'reset'], ejected: true },
    { name: 'with the split they count apart', c: { consecutive5xx: 3, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 3, maxEjectionPercent: 100 }, events: ['connect_failed', 500, 'timeout', 500], ejected: false },
    { name: 'split: local-origin threshold ejects', c: { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 2, maxEjectionPercent: 100 }, events: ['connect_failed', 'reset'], ejected: true, stat: ['ejections_enforced_consecutive_local_origin_failure', 1] },
    { name: 'split: a connect success resets the local count', c: { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 2, maxEjectionPercent: 100 }, events: ['connect_failed', 'connect_success', 'reset'], ejected: false },
    { name: 'max ejection percent 10 of 4 hosts: overflow', c: { consecutive5xx: 1 }, events: [500], ejected: false, stat: ['ejections_overflow', 1] },
    { name: 'always_eject_one_host overrides the percent for the first', c: { consecutive5xx: 1, alwaysEjectOneHost: true }, events: [500], ejected: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { d, hosts } = setup(c.c);
      for (const e of c.events) {
        if (typeof e === 'number') d.putHttpStatus(hosts[0], e);
        else d.putLocalOrigin(hosts[0], e);
      }
      assert.equal(hosts[0].outlier.ejected, c.ejected);
      assert.equal(d.stats.ejections_active, c.ejected ? 1 : 0);
      if (c.stat) assert.equal(d.stats[c.stat[0]], c.stat[1]);
    });
  }

  it('caps ejections by max percent, ejects for base × count, returns on the sweep', () => {
    const { d, hosts, advance, changes } = setup({ consecutive5xx: 1, maxEjectionPercent: 50, baseEjectionTimeMs: 1000 });
    for (const h of hosts) d.putHttpStatus(h, 500);
    assert.deepEqual(hosts.map((h) => h.outlier.ejected), [true, true, false, false]);
    assert.equal(d.stats.ejections_overflow, 2);
    assert.equal(changes(), 2);
    advance(999);
    d.sweep();
    assert.equal(d.stats.ejections_active, 2);
    advance(1);
    d.sweep();
    assert.equal(d.stats.ejections_active, 0);
    assert.equal(changes(), 3);
    // Second ejection of h0 lasts twice the base.
    d.putHttpStatus(hosts[0], 500);
    advance(1500);
    d.sweep();
    assert.equal(hosts[0].outlier.ejected, true);
    advance(500);
    d.sweep();
    assert.equal(hosts[0].outlier.ejected, false);
    assert.equal(hosts[0].outlier.ejections, 2);
    // Healthy for a base time: the multiplier decays.
    advance(1000);
    d.sweep();
    assert.equal(hosts[0].outlier.ejections, 1);
  });

  it('ejection time stops growing at max_ejection_time', () => {
    const { d, hosts, advance } = setup({ consecutive5xx: 1, maxEjectionPercent: 100, baseEjectionTimeMs: 1000, maxEjectionTimeMs: 2000 });
    for (let i = 0; i < 4; i++) {
      d.putHttpStatus(hosts[0], 500);
      advance(2000);
      d.sweep();
      assert.equal(hosts[0].outlier.ejected, false, `round ${i}`);
    }
    assert.equal(hosts[0].outlier.ejections, 2);
  });
});
