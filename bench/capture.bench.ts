// Captured-path data-plane benchmark: the proxy benchmark's 1 KiB GET, reached the way a sidecar
// reaches it. Two hosts (network namespaces on a bridge): the client host holds the load drivers,
// HAProxy and two istio-ts processes (UID 1337) under Istio's iptables rules; the server host holds
// nginx. "explicit": the client dials istio-ts's loopback listener. "captured": the client dials
// the backend's own IP:port, iptables REDIRECTs it to :15001, and istio-ts reads SO_ORIGINAL_DST
// and hands it to the matching listener. Both istio-ts runs share every chain, route and cluster.
// Workloads, each as medians of BENCH_REPS rounds (targets interleaved, order rotated): HTTP/1.1
// keep-alive at saturation (wrk -c32) and at 1,000 rps (paced driver), a new connection per request
// at 1,000 rps (one capture each; fixed count, see capture/churn-driver.ts), and TCP (wrk through tcp_proxy). Root only;
// bounded (~2.5 min); every process is stopped by PID and both namespaces are deleted, on failure too.
// Knobs: BENCH_REPS (3), BENCH_SECONDS (3; the churn and TCP runs take 2/3 of it),
// BENCH_ONLY=sat,paced,churn,tcp (workloads), BENCH_PROF=DIR (both istio-ts with --cpu-prof).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPTURE_FLAGS, Network, PROXY_UID, e2eSkipReason, nodeFlags, type Host, type Proc } from '../test/e2e/harness/index.js';
import { originalDestinationUnavailable } from '../src/proxy/capture/index.js';
import { CAPTURE_PORT, backendConf, capturedBootstrap, explicitBootstrap, haproxyConf, statPrefixes, type Ports } from './capture/configs.js';
import { checkServed, type Sent } from './capture/served.js';
import { paced, wrk, type Target, type WrkResult } from './capture/loads.js';
import { captureRatios, emptySamples, summarize, table, type Samples, type TableRow } from './capture/report.js';
import { cpuSeconds, peakRssMiB, sleep } from './proxy/procs.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const SHORT = Math.max(1, Math.round((SECONDS * 2) / 3));
const RATE = 1000;
const WORKLOADS = (['sat', 'paced', 'churn', 'tcp'] as const).filter((w) => process.env.BENCH_ONLY?.split(',').includes(w) ?? true);
const PROF = process.env.BENCH_PROF;
/** The whole benchmark stays under 3 minutes: no round starts after this. */
const BUDGET_MS = 150_000;

const BACKEND: Ports = { http: 8080, tcp: 9090 };
/**
 * The direct baseline dials the same nginx on a port of its own: its connections then never share
 * a 4-tuple (and so a conntrack entry or a TIME_WAIT socket) with the captured run's.
 */
const DIRECT_PORT = 8081;
const EXPLICIT: Ports = { http: 15180, tcp: 15190 };
const HAPROXY: Ports = { http: 15280, tcp: 15290 };
const ADMIN = { explicit: 15010, captured: 15000 };
const STAT = statPrefixes(BACKEND);

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const script = (rel: string): string => fileURLToPath(new URL(`${rel}${ext}`, import.meta.url));

type Workload = 'sat' | 'paced' | 'churn' | 'tcp';

interface Subject {
  readonly name: string;
  readonly http: Target;
  readonly tcp?: Target;
  readonly proc?: Proc;
  /** Admin port of an istio-ts process, to check it served what the drivers sent. */
  readonly admin?: number;
  readonly samples: Record<Workload, Samples>;
  /** What the drivers completed against this subject: HTTP requests (churn: one connection each), TCP connections. */
  readonly sent: Sent;
}

function subject(name: string, http: Target, tcp: Target | undefined, proc?: Proc, admin?: number): Subject {
  return {
    name, http, tcp, proc, admin, sent: { http: 0, churn: 0, tcpConns: 0 },
    samples: { sat: emptySamples(), paced: emptySamples(), churn: emptySamples(), tcp: emptySamples() },
  };
}

function skipReason(): string | undefined {
  const e2e = e2eSkipReason();
  if (e2e) return e2e;
  for (const bin of ['wrk', 'haproxy', 'nginx', 'curl']) {
    if (!['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(`${d}/${bin}`))) return `needs ${bin} (apt-get install -y wrk haproxy nginx curl)`;
  }
  return originalDestinationUnavailable();
}

/** Counters of an istio-ts process, read through its admin port inside the client host. */
async function stats(client: Host, admin: number): Promise<Map<string, number>> {
  const r = await client.run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${admin}/stats`]);
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+): (\d+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

async function sanity(client: Host, s: Subject): Promise<void> {
  for (const t of [s.http, ...(s.tcp ? [s.tcp] : [])]) {
    const r = await client.curl(`http://${t.host}:${t.port}/`, { ...t.as, timeoutS: 5 });
    if (r.code !== 0 || r.status !== 200 || r.body.length !== 1024) {
      throw new Error(`${s.name}: GET http://${t.host}:${t.port}/ gave curl exit ${r.code}, status ${r.status}, ${r.body.length} bytes: ${r.stderr}${s.proc ? `\n${s.proc.describe()}` : ''}`);
    }
    if (t === s.http) s.sent.http++;
    else s.sent.tcpConns++;
  }
}

/** Runs `fn` and charges the CPU the subject's process used meanwhile to `per` units of work. */
async function withCpu<T>(s: Subject, fn: () => Promise<T>, units: (r: T) => number): Promise<{ r: T; cpuPer1k: number }> {
  const pid = s.proc?.pid;
  const c0 = pid === undefined ? 0 : cpuSeconds(pid);
  const r = await fn();
  const c1 = pid === undefined ? 0 : cpuSeconds(pid);
  const n = units(r);
  return { r, cpuPer1k: pid === undefined || n <= 0 ? NaN : ((c1 - c0) / n) * 1000 };
}

function record(into: Samples, w: WrkResult, cpuPer1k: number): void {
  into.rps.push(w.rps);
  into.cpuPer1k.push(cpuPer1k);
  into.p50.push(w.p50);
  into.p90.push(w.p90);
  into.p99.push(w.p99);
  into.errors += w.errors;
}

/** One measured run of workload `w` against `s`, recorded into its samples. */
async function run(client: Host, s: Subject, w: Workload): Promise<void> {
  if (w === 'paced' || w === 'churn') {
    const driver = script(w === 'paced' ? './proxy/paced-driver' : './capture/churn-driver');
    const secs = w === 'paced' ? SECONDS : SHORT;
    const p = await withCpu(s, () => paced(client, driver, nodeFlags(), s.http, RATE, secs), (r) => r.requests);
    const into = s.samples[w];
    into.rps.push(p.r.requests / secs);
    into.cpuPer1k.push(p.cpuPer1k);
    into.p50.push(p.r.p50);
    into.p90.push(p.r.p90);
    into.p99.push(p.r.p99);
    into.errors += p.r.errors + p.r.nonOk;
    s.sent.http += p.r.requests;
    if (w === 'churn') s.sent.churn += p.r.requests;
  } else if (w === 'tcp') {
    if (s.tcp === undefined) return;
    const tcp = await withCpu(s, () => wrk(client, s.tcp!, { seconds: SHORT, connections: 32 }), (r) => r.requests);
    record(s.samples.tcp, tcp.r, tcp.cpuPer1k);
    s.sent.tcpConns += 32;
  } else {
    const r = await withCpu(s, () => wrk(client, s.http, { seconds: SECONDS, connections: 32 }), (x) => x.requests);
    record(s.samples.sat, r.r, r.cpuPer1k);
    s.sent.http += r.r.requests;
  }
  await sleep(200);
}

/** A round: every workload in turn, each against every target back to back, so the runs compared sit close in time. */
async function round(client: Host, subjects: readonly Subject[], i: number): Promise<void> {
  for (const w of WORKLOADS) {
    for (let k = 0; k < subjects.length; k++) await run(client, subjects[(i + k) % subjects.length], w);
  }
}

async function main(): Promise<void> {
  const why = skipReason();
  if (why !== undefined) {
    console.log(`capture bench: skipped (${why})`);
    return;
  }
  const started = Date.now();
  const load0 = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'capture-bench-'));
  chmodSync(dir, 0o755); // the proxies run as UID 1337 and read their configs from here
  let net: Network | undefined;
  // One tear-down shared by the signal handler and the normal/failure path: a signal kills the
  // drivers, which fails the run, and neither exit may come before the namespaces are gone.
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => (cleaning ??= (async () => {
    await net?.close();
    rmSync(dir, { recursive: true, force: true });
  })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void cleanup().finally(() => process.exit(130)));
  }
  const subjects: Subject[] = [];
  let rounds = 0;
  let captures = 0;
  let verified = false;
  try {
    net = await Network.create({ hosts: ['client', 'server'], subnet: '10.251.0' });
    const client = net.host('client');
    const server = net.host('server');
    const ip = server.ip;
    const backend = server.start('nginx', 'nginx', ['-p', dir, '-c', backendConf(dir, ip, [BACKEND.http, BACKEND.tcp, DIRECT_PORT])]);
    const proxy = PROXY_UID;
    const haproxy = client.start('haproxy', 'haproxy', ['-db', '-f', haproxyConf(dir, HAPROXY, ip, BACKEND)], { uid: proxy });
    const main = script('../src/proxy/static-main');
    if (PROF !== undefined) {
      mkdirSync(PROF, { recursive: true });
      chmodSync(PROF, 0o777); // written by the proxies as UID 1337
    }
    const prof = (name: string): string[] => (PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROF}`, `--cpu-prof-name=${name}.cpuprofile`]);
    const explicit = client.start('istio-ts-explicit', process.execPath, [...nodeFlags(), ...prof('explicit'), main, explicitBootstrap(dir, ADMIN.explicit, EXPLICIT, ip, BACKEND)], { uid: proxy });
    const captured = client.start('istio-ts-captured', process.execPath, [...nodeFlags(), ...prof('captured'), main, capturedBootstrap(dir, ADMIN.captured, ip, BACKEND)], { uid: proxy });
    await server.waitForPort(BACKEND.http, { proc: backend });
    await server.waitForPort(BACKEND.tcp, { proc: backend });
    await server.waitForPort(DIRECT_PORT, { proc: backend });
    await client.waitForPort(HAPROXY.tcp, { proc: haproxy });
    await client.waitForPort(EXPLICIT.tcp, { proc: explicit });
    await client.waitForPort(CAPTURE_PORT, { proc: captured });
    // CPU and RSS are read from these PIDs: `ip netns exec` and `setpriv` exec, so they must be the servers themselves.
    for (const [p, comm] of [[haproxy, 'haproxy'], [explicit, 'node'], [captured, 'node']] as const) {
      const seen = readFileSync(`/proc/${p.pid}/comm`, 'utf8').trim();
      if (seen !== comm) throw new Error(`${p.name}: pid ${p.pid} is '${seen}', not '${comm}'`);
    }
    await client.capture(CAPTURE_FLAGS);

    const loop = (port: number): Target => ({ host: '127.0.0.1', port });
    subjects.push(
      subject('direct', { host: ip, port: DIRECT_PORT, as: { uid: proxy } }, undefined),
      subject('HAProxy', loop(HAPROXY.http), loop(HAPROXY.tcp), haproxy),
      subject('istio-ts explicit', loop(EXPLICIT.http), loop(EXPLICIT.tcp), explicit, ADMIN.explicit),
      subject('istio-ts captured', { host: ip, port: BACKEND.http }, { host: ip, port: BACKEND.tcp }, captured, ADMIN.captured),
    );
    for (const s of subjects) await sanity(client, s);
    for (const s of subjects) {
      // Warm-up (JIT, pools); not recorded.
      const w = await wrk(client, s.http, { seconds: 1, connections: 32 });
      s.sent.http += w.requests;
    }
    if (WORKLOADS.includes('churn') && REPS * SHORT * RATE > 10_000) {
      console.error(`capture bench: ${REPS * SHORT * RATE} captured connections within a minute will wrap the client's ephemeral ports into the proxy's TIME_WAIT sockets (see capture/churn-driver.ts); churn numbers will show that stall`);
    }
    const perRound = (Date.now() - started) / 1000;
    for (let i = 0; i < REPS; i++) {
      const t0 = Date.now();
      await round(client, subjects, i);
      rounds++;
      console.error(`capture bench: round ${i + 1}/${REPS} took ${((Date.now() - t0) / 1000).toFixed(1)} s (setup ${perRound.toFixed(1)} s)`);
      if (i + 1 < REPS && Date.now() - started + (Date.now() - t0) > BUDGET_MS) {
        console.error(`capture bench: stopping after ${rounds} rounds to stay inside the time budget`);
        break;
      }
    }
    for (const s of subjects) {
      if (s.admin === undefined) continue;
      const cx = checkServed(s.name, s.sent, await stats(client, s.admin), { captured: s.admin === ADMIN.captured, prefixes: STAT, capturePort: CAPTURE_PORT, slack: 32 * 4 * (rounds + 1) });
      if (s.admin === ADMIN.captured) captures = cx;
    }
    verified = true;
  } finally {
    const rss = new Map(subjects.filter((s) => s.proc?.pid !== undefined && s.proc.running).map((s) => [s.name, peakRssMiB(s.proc!.pid!)]));
    await cleanup();
    if (verified) print(subjects, rss, { rounds, captures, load0, load1: loadavg()[0], wall: (Date.now() - started) / 1000 });
  }
}

interface RunInfo { readonly rounds: number; readonly captures: number; readonly load0: number; readonly load1: number; readonly wall: number }

function print(subjects: readonly Subject[], rss: Map<string, number>, { rounds, captures, load0, load1, wall }: RunInfo): void {
  const rows = (w: Workload, only?: (s: Subject) => boolean): TableRow[] =>
    subjects.filter((s) => (only ? only(s) : true)).map((s) => ({ name: s.name, s: summarize(s.samples[w]), rssMiB: rss.get(s.name) ?? NaN }));
  const load = Math.max(load0, load1);
  console.log(`\nCaptured path (iptables REDIRECT + SO_ORIGINAL_DST) vs explicit, 1 KiB GET, medians of ${rounds} rounds; `
    + `load average ${load0.toFixed(2)} → ${load1.toFixed(2)}${load > 2 ? ' (PRELIMINARY: machine busy)' : ''}; ${wall.toFixed(0)} s; `
    + `${captures.toLocaleString('en-US')} connections captured, every request accounted for in the proxies' stats`);
  const sections: [Workload, string, ((s: Subject) => boolean) | undefined][] = [
    ['sat', `HTTP/1.1 keep-alive at saturation (wrk -t1 -c32 -d${SECONDS}s; wrk's latency)`, undefined],
    ['paced', `HTTP/1.1 keep-alive at ${RATE} rps over 16 connections (${SECONDS} s; latency from the due time)`, undefined],
    ['churn', `HTTP/1.1, a new connection per request at ${RATE} rps (${SHORT} s, Connection: close; latency from the due time, connect included)`, undefined],
    ['tcp', `TCP (wrk -c32 -d${SHORT}s HTTP/1.1 through tcp_proxy / HAProxy mode tcp)`, (s) => s.tcp !== undefined],
  ];
  for (const [w, title, only] of sections) {
    if (!WORKLOADS.includes(w)) continue;
    const r = rows(w, only);
    console.log(table(title, r));
    console.log(captureRatios(r.find((x) => x.name === 'istio-ts captured'), r.find((x) => x.name === 'istio-ts explicit')));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
