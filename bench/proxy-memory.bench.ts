// Proxy memory: pilot-agent's resident set (VmRSS now, VmHWM peak, summed over the agent and its
// workers) with (a) a small config and (b) the config istiod pushes to a sidecar of an N-service
// mesh (default 1,000: ~1,850 clusters and CLAs, ~100 listeners, route configurations with every
// service's virtual host), served by a fake discovery server from the captured bytes. Measured
// after the first full config (idle), during `wrk -t1 -c32` keep-alive load through istiod's own
// outbound HTTP listener (peak sampled every 100 ms, CPU-seconds per 1,000 requests), and idle
// again. `npm run bench proxy-memory`. Knobs: BENCH_SERVICES (1000), BENCH_CONCURRENCY (1,2),
// BENCH_SECONDS (5), BENCH_REPS (1), BENCH_NODE_OPTIONS (extra node flags for the agent, for A/B),
// BENCH_CAPTURE (file caching the captured config; default in the temp dir), BENCH_ONLY (small,captured).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPTURED_HOST, capturedConfig, describe, serveResources, smallConfig, type Resources } from './proxy/memory-xds.js';
import { nginxBackendConf } from './proxy/peers.js';
import { childPids, cpuSeconds, median, sleep, start, stop, waitForPort, type Proc } from './proxy/procs.js';
import { sidecarConfig } from './proxy/sidecar-capture.js';
import { freePort } from './proxy/free-port.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const SERVICES = env('BENCH_SERVICES', 1000);
const SECONDS = env('BENCH_SECONDS', 5);
const REPS = env('BENCH_REPS', 1);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,2').split(',').map(Number);
const ONLY = process.env.BENCH_ONLY?.split(',');
const here = fileURLToPath(new URL('.', import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const AGENT = fromSource ? ['--import', 'tsx', join(here, '../src/bin/pilot-agent.ts')] : [join(here, '../src/bin/pilot-agent.js')];

function status(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  try {
    const t = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(t)?.[1] ?? NaN) / 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return { rss: 0, hwm: 0, anon: 0, file: 0 };
  }
}

/**
 * Resident memory of the process group counting shared file pages once: every process maps the
 * same node binary (~40 MiB resident), which VmRSS counts in each of them but the machine (and a
 * container's memory cgroup) holds once.
 */
function groupResident(pids: number[]): number {
  const s = pids.map(status);
  return s.reduce((a, x) => a + x.anon, 0) + Math.max(...s.map((x) => x.file));
}

/** The agent and its workers (`--concurrency` > 1 forks them). */
const pidsOf = (pid: number) => [pid, ...childPids(pid)];
const sum = (pids: number[], f: (p: number) => number) => pids.reduce((a, p) => a + f(p), 0);

interface Agent { child: ChildProcess; pid: number; stderr: () => string; readyMs: number; readyCpu: number }

async function startAgent(discovery: number, concurrency: number): Promise<Agent> {
  const t0 = performance.now();
  const nodeOpts = process.env.BENCH_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeOpts, ...AGENT, 'proxy', 'sidecar', '--discoveryAddress', `127.0.0.1:${discovery}`,
    '--concurrency', String(concurrency), '--proxyAdminPort', '0', '--statusPort', '0'], {
    env: {
      ...process.env, ISTIO_TS_LOG: 'warn', TERMINATION_DRAIN_DURATION_SECONDS: '0', ISTIO_META_ENVOY_STATUS_PORT: '0',
      POD_NAME: 'svc-0001-0', POD_NAMESPACE: 'bench-ns-01', INSTANCE_IP: '10.16.0.4',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  const info = await new Promise<{ status: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { status: number });
    });
    child.once('exit', (c) => reject(new Error(`pilot-agent exited ${c}: ${err}`)));
  });
  const end = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${info.status}/healthz/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > end) throw new Error(`pilot-agent not ready within 90 s: ${err}`);
    await sleep(100);
  }
  return { child, pid: child.pid!, stderr: () => err, readyMs: performance.now() - t0, readyCpu: sum(pidsOf(child.pid!), cpuSeconds) };
}

async function stopAgent(a: Agent): Promise<void> {
  if (a.child.exitCode !== null) return;
  const exited = new Promise((r) => a.child.once('exit', r));
  a.child.kill('SIGTERM');
  const t = setTimeout(() => a.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

function wrk(port: number, host: string, seconds: number): Promise<{ requests: number; rps: number; errors: boolean }> {
  return new Promise((resolve, reject) => {
    const c = spawn('wrk', ['-t1', '-c32', `-d${seconds}s`, '-H', `Host: ${host}`, `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    c.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${out}`));
      resolve({ requests: Number(/(\d+) requests in/.exec(out)?.[1]), rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), errors: /Non-2xx|Socket errors/.test(out) });
    });
  });
}

/** Status of a GET with this Host (fetch would replace the Host header). */
function get(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
}

interface Sample { readyMs: number; readyCpu: number; idleRss: number; idleHwm: number; idleGroup: number; loadPeakRss: number; loadPeakGroup: number; loadHwm: number; afterRss: number; cpuPer1k: number; rps: number }

async function measureOnce(resources: Resources, port: number, host: string, concurrency: number): Promise<Sample> {
  const xds = await serveResources(resources);
  let agent: Agent | undefined;
  try {
    agent = await startAgent(xds.port, concurrency);
    const probe = await get(port, host);
    if (probe !== 200) throw new Error(`probe through the proxy got ${probe}`);
    await sleep(3000);
    const pids = pidsOf(agent.pid);
    const idleRss = sum(pids, (p) => status(p).rss);
    const idleHwm = sum(pids, (p) => status(p).hwm);
    const idleGroup = groupResident(pids);
    let loadPeakRss = 0;
    let loadPeakGroup = 0;
    const sampler = setInterval(() => {
      loadPeakRss = Math.max(loadPeakRss, sum(pids, (p) => status(p).rss));
      loadPeakGroup = Math.max(loadPeakGroup, groupResident(pids));
    }, 100);
    const c0 = sum(pids, cpuSeconds);
    const w = await wrk(port, host, SECONDS);
    const c1 = sum(pids, cpuSeconds);
    clearInterval(sampler);
    if (w.errors) console.error('wrk reported errors');
    const loadHwm = sum(pids, (p) => status(p).hwm);
    await sleep(3000);
    const afterRss = sum(pids, (p) => status(p).rss);
    return { readyMs: agent.readyMs, readyCpu: agent.readyCpu, idleRss, idleHwm, idleGroup, loadPeakRss, loadPeakGroup, loadHwm, afterRss, cpuPer1k: ((c1 - c0) / w.requests) * 1000, rps: w.rps };
  } finally {
    if (agent) await stopAgent(agent);
    await xds.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-memory-bench-'));
  const procs: Proc[] = [];
  try {
    const backend = await freePort();
    procs.push(start('nginx', 'nginx', ['-c', nginxBackendConf(dir, backend), '-p', dir]));
    await waitForPort(backend);
    const port = await freePort();
    const configs: Array<{ name: string; resources: Resources; host: string }> = [];
    if (!ONLY || ONLY.includes('small')) configs.push({ name: 'small', resources: smallConfig(port, backend), host: 'bench' });
    if (!ONLY || ONLY.includes('captured')) {
      const captured = await sidecarConfig(SERVICES, process.env.BENCH_CAPTURE ?? join(tmpdir(), `istio-ts-sidecar-config-${SERVICES}.json`));
      configs.push({ name: `${SERVICES} services`, resources: await capturedConfig(captured, port, backend, freePort), host: CAPTURED_HOST });
    }
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; node options: ${process.env.BENCH_NODE_OPTIONS ?? '(none)'}`);
    for (const c of configs) console.log(`config ${c.name}: ${describe(c.resources)}`);
    console.log('\nRSS and HWM: VmRSS / VmHWM summed over the agent and its workers; "shared once": RssAnon summed + RssFile of one process.');
    console.log('\n| config | concurrency | idle RSS MiB | idle HWM | idle, shared once | peak RSS under load | peak under load, shared once | HWM after load | RSS after load | CPU-s / 1k req | rps | start → ready s (CPU-s) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of configs) {
      for (const n of CONCURRENCY) {
        const s: Sample[] = [];
        for (let i = 0; i < REPS; i++) s.push(await measureOnce(c.resources, port, c.host, n));
        const m = (f: (x: Sample) => number, d = 1) => median(s.map(f)).toFixed(d);
        console.log(`| ${c.name} | ${n} | ${m((x) => x.idleRss)} | ${m((x) => x.idleHwm)} | ${m((x) => x.idleGroup)} | ${m((x) => x.loadPeakRss)} | ${m((x) => x.loadPeakGroup)} | ${m((x) => x.loadHwm)} | ${m((x) => x.afterRss)} | ${m((x) => x.cpuPer1k, 4)} | ${m((x) => x.rps, 0)} | ${m((x) => x.readyMs / 1000, 2)} (${m((x) => x.readyCpu, 2)}) |`);
      }
    }
  } finally {
    for (const p of procs) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
