import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DrainSettings } from './drain-settings.js';
import { terminate } from './termination.js';

function fake(active: number[]): { events: string[]; t: Parameters<typeof terminate>[0] } {
  const events: string[] = [];
  const t0 = Date.now();
  const at = (): number => Math.round((Date.now() - t0) / 50) * 50;
  return {
    events,
    t: {
      beginDrain: async () => { events.push(`drain@${at()}`); },
      activeConnections: async () => {
        const n = active.length > 1 ? active.shift()! : active[0];
        events.push(`check=${n}@${at()}`);
        return n;
      },
      close: async () => { events.push(`close@${at()}`); },
    },
  };
}

const settings = (o: Partial<DrainSettings>): DrainSettings => ({ terminationDrainMs: 300, exitOnZeroActiveConnections: false, minimumDrainMs: 100, warnings: [], ...o });
const quiet = { info: (): void => {} };

test('termination: drain at once, wait the whole drain duration, then close', async () => {
  const f = fake([3]);
  await terminate(f.t, settings({}), quiet, 100);
  assert.deepEqual(f.events, ['drain@0', 'close@300']);
});

test('termination with EXIT_ON_ZERO_ACTIVE_CONNECTIONS: minimum drain, then close at the first check that finds none', async () => {
  const f = fake([2, 1, 0]);
  await terminate(f.t, settings({ exitOnZeroActiveConnections: true, terminationDrainMs: 2000 }), quiet, 100);
  assert.deepEqual(f.events, ['drain@0', 'check=2@100', 'check=1@200', 'check=0@300', 'close@300']);
});

test('termination with EXIT_ON_ZERO_ACTIVE_CONNECTIONS: connections that never close end at the drain deadline', async () => {
  const f = fake([5]);
  await terminate(f.t, settings({ exitOnZeroActiveConnections: true, terminationDrainMs: 250 }), quiet, 100);
  assert.deepEqual(f.events, ['drain@0', 'check=5@100', 'check=5@200', 'check=5@250', 'close@250']);
});
