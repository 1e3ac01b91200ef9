import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadBootstrap } from '../../src/proxy/config/load.js';
import { CAPTURE_PORT, capturedBootstrap, explicitBootstrap, haproxyConf, statPrefixes } from './configs.js';

const dir = mkdtempSync(join(tmpdir(), 'capture-configs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const backend = { http: 8080, tcp: 9090 };
const explicit = loadBootstrap(explicitBootstrap(dir, 15010, { http: 15180, tcp: 15190 }, '10.251.0.2', backend));
const captured = loadBootstrap(capturedBootstrap(dir, 15000, '10.251.0.2', backend));

test('explicit and captured share every route, cluster and chain: only the way in differs', () => {
  assert.deepEqual(captured.config.routeConfigs, explicit.config.routeConfigs);
  assert.deepEqual(captured.config.clusters.filter((c) => c.name !== 'BlackHoleCluster'), explicit.config.clusters);
  const chains = (b: typeof explicit, names: string[]): unknown[] => names.map((n) => b.config.listeners.find((l) => l.name === n)?.filterChains);
  assert.deepEqual(chains(captured, ['0.0.0.0_8080', '0.0.0.0_9090']), chains(explicit, ['127.0.0.1_15180', '127.0.0.1_15190']));
});

test('the listeners each run binds', () => {
  const shape = (b: typeof explicit): unknown[] => b.config.listeners.map((l) => [l.name, l.address, l.port, l.useOriginalDst ?? false, l.bindToPort ?? true]);
  assert.deepEqual(shape(explicit), [['127.0.0.1_15180', '127.0.0.1', 15180, false, true], ['127.0.0.1_15190', '127.0.0.1', 15190, false, true]]);
  assert.deepEqual(shape(captured), [
    ['virtualOutbound', '0.0.0.0', CAPTURE_PORT, true, true],
    ['0.0.0.0_8080', '0.0.0.0', 8080, false, false],
    ['0.0.0.0_9090', '0.0.0.0', 9090, false, false],
  ]);
  assert.deepEqual([explicit.admin, captured.admin], [{ port: 15010 }, { port: 15000 }]);
});

test('stat prefixes the served-traffic check reads are the ones the chains use', () => {
  const l = explicit.config.listeners;
  assert.equal(l[0].filterChains[0].httpConnectionManager?.statPrefix, statPrefixes(backend).http);
  assert.equal(l[1].filterChains[0].tcpProxy?.statPrefix, statPrefixes(backend).tcp);
});

test('HAProxy accepts its config (haproxy -c)', { skip: existsSync('/usr/sbin/haproxy') ? false : 'needs haproxy' }, () => {
  const f = haproxyConf(dir, { http: 15280, tcp: 15290 }, '10.251.0.2', backend);
  assert.match(readFileSync(f, 'utf8'), /server s1 10\.251\.0\.2:8080\n[\s\S]*server s1 10\.251\.0\.2:9090\n$/);
  const r = spawnSync('/usr/sbin/haproxy', ['-c', '-f', f], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});
