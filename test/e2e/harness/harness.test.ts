// The harness cleans up after itself: tear-down stops processes by PID and removes namespaces
// even when a test body throws, and a new run removes what a crashed run left behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { exec } from './exec.js';
import { NAME_PREFIX, Network, cleanStale, e2eSkipReason } from './network.js';

const skip = e2eSkipReason();

async function namespaces(): Promise<string[]> {
  return (await exec('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('close() stops every started process and removes every namespace, even after a failure', { skip, timeout: 30_000 }, async () => {
  let net: Network | undefined;
  let pid: number | undefined;
  await assert.rejects(async () => {
    net = await Network.create({ hosts: ['x', 'y'], subnet: '10.250.9' });
    const p = net.host('x').start('sleeper', 'sleep', ['60'], { uid: 1337 });
    pid = p.pid;
    const ping = await net.host('y').run('ip', ['-br', 'addr', 'show', 'eth0']);
    assert.match(ping.stdout, /10\.250\.9\.2\/24/);
    try {
      throw new Error('test body failed');
    } finally {
      await net.close();
    }
  }, /test body failed/);
  assert.ok(pid !== undefined && !alive(pid), `process ${pid} survived tear-down`);
  const left = (await namespaces()).filter((n) => net && n.startsWith(net.id));
  assert.deepEqual(left, []);
});

test('a new run removes namespaces (and their processes) left by a run that no longer exists', { skip, timeout: 30_000 }, async () => {
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  let dead = pidMax - 1;
  while (alive(dead)) dead--;
  const stale = `${NAME_PREFIX}-${dead}-1-sw`;
  await exec('ip', ['netns', 'add', stale]);
  const sleeper = await exec('sh', ['-c', `ip netns exec ${stale} sleep 60 >/dev/null 2>&1 & echo $!`]);
  const sleeperPid = Number(sleeper.stdout.trim());
  try {
    const removed = await cleanStale();
    assert.ok(removed.includes(stale), `cleanStale returned ${JSON.stringify(removed)}`);
    assert.ok(!(await namespaces()).includes(stale));
    for (let i = 0; i < 40 && alive(sleeperPid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(sleeperPid), 'process in the stale namespace survived');
  } finally {
    await exec('ip', ['netns', 'del', stale]);
  }
});
