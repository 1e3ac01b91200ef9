import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterConfig, ClusterLoadAssignment } from '../config/types.js';
import { housekeeping } from '../coarse-timers.js';
import { ClusterStats } from '../stats.js';
import { Cluster } from './cluster.js';
import { OutlierStats } from './outlier-detection.js';

const cla = (ports: number[], unhealthy: number[] = []): ClusterLoadAssignment => ({
  clusterName: 'c',
  endpoints: ports.map((port) => ({ address: '127.0.0.1', port, ...(unhealthy.includes(port) ? { healthStatus: 'UNHEALTHY' as const } : {}) })),
});

test('Cluster: hosts, balancer and timers are built on the first pick; membership gauges are right before it', () => {
  const stats = new ClusterStats();
  const outlierStats = new OutlierStats();
  const config: ClusterConfig = { name: 'c', type: 'EDS', outlierDetection: { intervalMs: 7_777 }, idleTimeoutMs: 4_444 };
  const before = housekeeping.intervals;
  const c = new Cluster(config, stats, Math.random, outlierStats);
  c.setEndpoints(cla([1001, 1002, 1003], [1003]));
  assert.equal(stats.membership_total, 3);
  assert.equal(stats.membership_healthy, 2);
  assert.equal(outlierStats.ejections_active, 0);
  assert.equal(c.hosts.length, 0);
  assert.equal(c.outlier, undefined);
  assert.equal(housekeeping.intervals, before, 'no timers for a cluster that never carried traffic');
  // An update before the first pick replaces the waiting endpoints.
  c.setEndpoints(cla([1001, 1002]));
  assert.equal(stats.membership_total, 2);

  const picked = new Set([c.pick()?.port, c.pick()?.port]);
  assert.deepEqual([...picked].sort(), [1001, 1002]);
  assert.equal(c.hosts.length, 2);
  assert.notEqual(c.outlier, undefined);
  assert.equal(stats.membership_healthy, 2);
  assert.equal(housekeeping.intervals, before + 2, 'the outlier interval and the idle sweep');
  // Hosts that stay keep their identity across EDS updates once built.
  const h1001 = c.hosts.find((h) => h.port === 1001);
  c.setEndpoints(cla([1001, 1004]));
  assert.equal(c.hosts.find((h) => h.port === 1001), h1001);
  assert.equal(stats.membership_total, 2);
  c.close();
  assert.equal(housekeeping.intervals, before);
});

test('Cluster: a closed cluster that was never picked starts no timers when a late request picks from it', () => {
  const before = housekeeping.intervals;
  const c = new Cluster({ name: 'c', type: 'STATIC', loadAssignment: cla([2001]), outlierDetection: {} }, new ClusterStats());
  assert.equal(c.hosts.length, 0);
  c.close();
  assert.equal(c.pick()?.port, 2001);
  assert.equal(housekeeping.intervals, before);
});

test('Cluster: slow start clusters are built at once (the window counts from when a host joined)', () => {
  const c = new Cluster({ name: 'c', type: 'STATIC', loadAssignment: cla([3001]), roundRobinLbConfig: { slowStartConfig: { slowStartWindowMs: 1000 } } }, new ClusterStats());
  assert.equal(c.hosts.length, 1);
  c.close();
});
