// Issue 4's acceptance, literally: the real istiod killed with SIGKILL for a full minute while a
// paced client sends traffic through the real pilot-agent. Every non-2xx answer and every
// connection error counts as a failure; there must be none. istiod then comes back on the same
// address, and a VirtualService change written after the restart must reach the proxy. The agent
// must pace its reconnects with its 0.5 s → 30 s jittered backoff (every TCP connection attempt is
// read, with its time, from grpc-js's subchannel trace, and each gap checked), and the primary,
// which carries no traffic, must not burn CPU while it waits. ~75–100 s, run in its own file so
// that it overlaps the rest of the suite.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { echoBackend, get } from '../../src/proxy/testing.js';
import { startIstiod, type IstiodProcess } from '../istiod/harness.js';
import { httpGet, startAgent } from '../proxy-xds/agent-process.js';
import { freePort, waitFor } from '../proxy-xds/fake-control-plane.js';
import { egressSidecar, loopbackService } from '../proxy-xds/mesh-yaml.js';

const OUTAGE_MS = 60_000;
const RATE_PER_S = 25;

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

function mesh(egress: number, v1: number, v2: number, routeTo: 'reviews' | 'reviews-v2'): string {
  const svc = (name: string, ip: string, port: number) => loopbackService(name, ip, egress, port);
  return `apiVersion: v1
kind: Namespace
metadata: {name: default}
---${svc('reviews', '10.96.0.10', v1)}---${svc('reviews-v2', '10.96.0.11', v2)}---
${egressSidecar(egress)}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: ${routeTo}, port: {number: ${egress}}}}]
`;
}

/** One request on a fresh connection; resolves with the status or the connection error. */
function once(port: number, host: string): Promise<{ status: number; backend?: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/paced', headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, backend: res.headers['x-backend'] as string | undefined }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

/** Open-loop client: one request every 1000/rate ms whatever the previous ones are doing. */
function pacedClient(port: number, host: string, rate: number) {
  const failures: string[] = [];
  const backends = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const timer = setInterval(() => {
    sent++;
    const p = once(port, host).then((r) => {
      if ('error' in r) failures.push(`#${sent} ${r.error}`);
      else if (r.status < 200 || r.status > 299) failures.push(`#${sent} HTTP ${r.status}`);
      else backends.set(r.backend ?? '?', (backends.get(r.backend ?? '?') ?? 0) + 1);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, 1000 / rate);
  return {
    failures, backends, sent: () => sent,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** utime + stime of `pid` in seconds (/proc/PID/stat fields 14 and 15, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

test('pilot-agent: istiod SIGKILLed for 60 s under paced traffic → zero failed requests, paced reconnects, a change made after the restart applies', { timeout: 160_000 }, async () => {
  const v1 = await echoBackend('reviews-v1');
  const v2 = await echoBackend('reviews-v2');
  cleanup.push(() => v1.server.close(), () => v2.server.close());
  const egress = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'istio-ts-outage-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'mesh.yaml'), mesh(egress, v1.port, v2.port, 'reviews'));
  const grpcAddr = `127.0.0.1:${await freePort()}`;
  const istiodArgs = ['--configDir', dir, '--grpcAddr', grpcAddr];
  let istiod: IstiodProcess = await startIstiod(istiodArgs);
  cleanup.push(() => istiod.stop());
  assert.equal(istiod.grpcAddr, grpcAddr);
  const ag = await startAgent(['proxy', 'sidecar', '--discoveryAddress', grpcAddr, '--proxyAdminPort', '0', '--statusPort', '0', '--concurrency', '2'], {
    POD_NAME: 'productpage-v1-6b8c4d9f7-x7k2p', POD_NAMESPACE: 'default', INSTANCE_IP: '127.0.0.1', ISTIO_META_INTERCEPTION_MODE: 'NONE',
    // grpc-js logs every subchannel state change: its real connection attempts, counted below.
    GRPC_TRACE: 'subchannel', GRPC_VERBOSITY: 'DEBUG',
  });
  cleanup.push(() => ag.stop());
  await waitFor(async () => (await httpGet(ag.status, '/healthz/ready')).status === 200, 'agent ready', 20_000);
  const host = `reviews:${egress}`;
  assert.equal((await get(egress, '/warm', { host })).headers['x-backend'], 'reviews-v1');

  const client = pacedClient(egress, host, RATE_PER_S);
  await new Promise((r) => setTimeout(r, 1000));
  const stderrBefore = ag.stderr.length;
  const cpuBefore = cpuSeconds(ag.child.pid!);
  const gone = new Promise((r) => istiod.proc.once('exit', r));
  process.kill(istiod.proc.pid!, 'SIGKILL');
  await gone;
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  const outageCpu = cpuSeconds(ag.child.pid!) - cpuBefore;
  const outageLog = ag.stderr.slice(stderrBefore);

  istiod = await startIstiod(istiodArgs);
  const restartedAt = Date.now();
  writeFileSync(join(dir, 'mesh.yaml'), mesh(egress, v1.port, v2.port, 'reviews-v2'));
  // The next connection attempt may be up to one full backoff (30 s + 20 %) away.
  await waitFor(async () => (await get(egress, '/probe', { host })).headers['x-backend'] === 'reviews-v2', 'change made after the restart applied', 45_000);
  const reconnectMs = Date.now() - restartedAt;
  await client.stop();

  assert.deepEqual(client.failures, [], `${client.failures.length} of ${client.sent()} requests failed`);
  const expected = (RATE_PER_S * (OUTAGE_MS + reconnectMs)) / 1000;
  assert.ok(client.sent() > 0.8 * expected, `only ${client.sent()} requests sent, expected ~${expected}`);
  assert.ok((client.backends.get('reviews-v1') ?? 0) > 0.8 * RATE_PER_S * OUTAGE_MS / 1000, JSON.stringify([...client.backends]));

  // Pacing. The stream that istiod's death broke is re-opened once, after the first delay of the
  // agent's stream backoff ([250, 500] ms); that stream then waits for the channel, whose TCP
  // connection attempts (grpc-js's subchannel trace) follow gRPC's connection backoff from 0.5 s:
  // each delay the previous one ×1.6 ±20 %, capped at 30 s ±20 %.
  const delays = [...outageLog.matchAll(/"retryInMs":(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(delays.length, 1, `stream re-opens during the outage: ${delays.join(', ')}`);
  assert.ok(delays[0] >= 250 && delays[0] <= 500, `first stream retry after ${delays[0]} ms`);
  const connects = [...outageLog.matchAll(/^D (\S+) .*\| subchannel \|.*-> CONNECTING$/gm)].map((m) => Date.parse(m[1]));
  const gaps = connects.slice(1).map((t, i) => t - connects[i]);
  const report = `${connects.length} connection attempts, gaps ${gaps.join(', ')} ms`;
  // 60 s holds 7 attempts if every jitter goes up, 16 if every one goes down; ~10 typically.
  assert.ok(connects.length >= 5 && connects.length <= 17, report);
  let lo = 500;
  let hi = 500;
  gaps.forEach((g, i) => {
    // Timers fire late under load, never early; allow 1 s of lateness.
    assert.ok(g >= lo - 20 && g <= hi + 1000, `${report}: gap ${i + 1} outside [${Math.round(lo)}, ${Math.round(hi)}]`);
    lo = Math.min(lo * 1.6, 30_000) * 0.8;
    hi = Math.min(hi * 1.6, 30_000) * 1.2;
  });
  assert.ok(gaps.at(-1)! >= 5_000, `${report}: not backing off`);
  // The primary carries no traffic (two workers do): waiting for istiod must cost next to nothing.
  assert.ok(outageCpu < 3, `the agent's primary used ${outageCpu} CPU-s during the outage`);
  console.log(`outage: ${client.sent()} requests, 0 failed; stream retry after ${delays[0]} ms; ${report}; primary ${outageCpu.toFixed(2)} CPU-s; change applied ${reconnectMs} ms after restart`);
});
