import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainSettings } from './drain-settings.js';

test('terminationDrainDuration: PROXY_CONFIG, then TERMINATION_DRAIN_DURATION_SECONDS, then 5s', () => {
  const cases: [string, Record<string, string>, number, boolean, number, string[]][] = [
    ['default', {}, 5000, false, 5000, []],
    ['env seconds', { TERMINATION_DRAIN_DURATION_SECONDS: '20' }, 20_000, false, 5000, []],
    ['env zero', { TERMINATION_DRAIN_DURATION_SECONDS: '0' }, 0, false, 5000, []],
    ['env not an integer', { TERMINATION_DRAIN_DURATION_SECONDS: '1.5' }, 5000, false, 5000, ['TERMINATION_DRAIN_DURATION_SECONDS=1.5 is not a whole number of seconds; using 5s']],
    ['ProxyConfig YAML wins', { PROXY_CONFIG: 'terminationDrainDuration: 12s\nholdApplicationUntilProxyStarts: true\n', TERMINATION_DRAIN_DURATION_SECONDS: '20' }, 12_000, false, 5000, []],
    ['ProxyConfig JSON', { PROXY_CONFIG: '{"terminationDrainDuration":"1.5s"}' }, 1500, false, 5000, []],
    ['ProxyConfig without the field', { PROXY_CONFIG: '{"concurrency":2}', TERMINATION_DRAIN_DURATION_SECONDS: '3' }, 3000, false, 5000, []],
    ['ProxyConfig bad duration', { PROXY_CONFIG: 'terminationDrainDuration: soon' }, 5000, false, 5000, ['PROXY_CONFIG: terminationDrainDuration "soon" is not a duration']],
    ['exit on zero, minimum', { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true', MINIMUM_DRAIN_DURATION: '250ms' }, 5000, true, 250, []],
    ['bad minimum', { MINIMUM_DRAIN_DURATION: 'x' }, 5000, false, 5000, ['MINIMUM_DRAIN_DURATION=x is not a duration; using 5s']],
  ];
  for (const [name, env, drain, exit, min, warnings] of cases) {
    assert.deepEqual(drainSettings(env), { terminationDrainMs: drain, exitOnZeroActiveConnections: exit, minimumDrainMs: min, warnings }, name);
  }
});
