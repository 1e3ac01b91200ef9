// Control-plane scale: `istiod --configDir` with 1,000 Services (EndpointSlices, Pods, 200
// VirtualServices + 200 DestinationRules over 20 namespaces) serving 2,000 simulated delta-xDS
// sidecars from a separate process. Measures istiod's RSS and CPU, the time until every client
// holds and has ACKed its initial config, and p50/p99 convergence (file write → client ACK) after
// (a) an EndpointSlice edit (EDS-only push) and (b) a VirtualService edit (full push).
// `npm run bench istiod`; knobs in KNOBS below. Loopback only; every process started is stopped by PID.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypeUrl } from '../src/xds-api/index.js';
import { wallNow, type SimStats } from './istiod/ads-sim.js';
import {
  endpointSliceYaml, firstPodIndex, generateMesh, podsOfService, replacementIp, revisionMarker, routedService,
  seesService, sidecarNodes, sliceFile, virtualServiceFile, virtualServiceYaml, type MeshShape, type SidecarNode,
} from './istiod/mesh-gen.js';
import type { SimCommand, SimReply } from './istiod/sim-main.js';
import { histogramDelta, histogramQuantile, parseHistogram, percentile, type Histogram } from './istiod/stats.js';
import { cpuSeconds, peakRssMiB } from './proxy/procs.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const KNOBS = {
  services: env('BENCH_SERVICES', 1000),
  clients: env('BENCH_CLIENTS', 2000),
  channels: env('BENCH_CHANNELS', 20),
  reps: env('BENCH_REPS', 3),
  /** Initial connect must finish within this, or the run is reported as incomplete. */
  connectTimeoutMs: env('BENCH_CONNECT_TIMEOUT_MS', 240_000),
  convergeTimeoutMs: env('BENCH_CONVERGE_TIMEOUT_MS', 60_000),
  /** BENCH_PROF=DIR runs istiod with --cpu-prof into DIR (BENCH_SIM_PROF=DIR: the simulator). */
  prof: process.env.BENCH_PROF,
  /** `namespace`: a default Sidecar (egress `./*`, `istio-system/*`) in every namespace; `none` (default). */
  tuned: process.env.BENCH_ISTIOD_TUNED !== '0',
  sidecarScope: (process.env.BENCH_SIDECAR_SCOPE === 'namespace' ? 'namespace' : 'none') as 'none' | 'namespace',
};
/**
 * istiod's recommended runtime memory settings (docs/benchmarks.md, "Control plane (istiod)"):
 * glibc returns freed response buffers (>= 128 KiB) to the OS at once instead of keeping them in
 * its heap (its adaptive mmap threshold otherwise rises to the 2 MB responses), and V8's young
 * generation stays at 2 × 4 MiB. BENCH_ISTIOD_TUNED=0 runs istiod with Node's defaults.
 */
const TUNED = { env: { MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072' }, nodeArgs: ['--max-semi-space-size=4'] };
const SHAPE: MeshShape = { services: KNOBS.services, namespaces: 20, routedEvery: 5, sidecarScope: KNOBS.sidecarScope };
/** Connect, every edit's convergence wait, and a minute for start-up and teardown. */
const HARD_DEADLINE_MS = KNOBS.connectTimeoutMs + 2 * KNOBS.reps * (KNOBS.convergeTimeoutMs + 5_000) + 60_000;

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const execArgv = fromSource ? ['--import', 'tsx'] : ['--enable-source-maps'];
// BENCH_ISTIOD=FILE serves from another script that prints istiod's start-up line (istiod/canned-server.ts).
const ISTIOD = process.env.BENCH_ISTIOD ?? join(here, fromSource ? '../src/bin/istiod.ts' : '../src/bin/istiod.js');
const SIM = join(here, fromSource ? 'istiod/sim-main.ts' : 'istiod/sim-main.js');

const fmtMs = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'n/a');
const mib = (x: number) => `${x.toFixed(0)} MiB`;
/** IPC carries JSON, which turns NaN ("never happened") into null. */
const times = (xs: ReadonlyArray<number | null>) => xs.map((t) => (typeof t === 'number' ? t : NaN));

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** istiod as a child process: resolves with its bound addresses from its "istiod listening" line. */
function startIstiod(configDir: string): { child: ChildProcess; ready: Promise<{ grpcAddr: string; monitoringAddr: string }>; tail: () => string } {
  const nodeArgs = [...(KNOBS.tuned ? TUNED.nodeArgs : []), ...(process.env.BENCH_ISTIOD_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const args = [...execArgv, ...nodeArgs, ...(KNOBS.prof ? ['--cpu-prof', '--cpu-prof-dir', KNOBS.prof] : []), ISTIOD,
    '--configDir', configDir, '--grpcAddr', '127.0.0.1:0', '--monitoringAddr', '127.0.0.1:0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(KNOBS.tuned ? TUNED.env : {}) } });
  let tail = '';
  const keep = (d: Buffer) => { tail = (tail + d.toString()).slice(-6000); };
  child.stderr!.on('data', keep);
  const ready = new Promise<{ grpcAddr: string; monitoringAddr: string }>((resolve, reject) => {
    let buf = '';
    let found = false;
    child.stdout!.on('data', (d: Buffer) => {
      keep(d);
      if (found) return;
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes('"istiod listening"')) {
          found = true;
          resolve(JSON.parse(line) as { grpcAddr: string; monitoringAddr: string });
        }
      }
    });
    child.once('exit', (code, sig) => reject(new Error(`istiod exited (${code ?? sig}) before listening:\n${tail}`)));
  });
  return { child, ready, tail: () => tail };
}

async function stopChild(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/** The simulator process and its request/reply IPC. */
class SimProc {
  readonly child: ChildProcess;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  constructor() {
    const prof = process.env.BENCH_SIM_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SIM_PROF] : [];
    this.child = fork(SIM, [], { execArgv: [...execArgv, ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ISTIO_TS_LOG: 'warn' } });
    this.child.on('message', (m: SimReply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) w?.reject(new Error(`simulator: ${m.error}`));
      else w?.resolve(m.result);
    });
    this.child.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`simulator exited (${code})`));
      this.waiting.clear();
    });
  }

  call<T>(command: SimCommand): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, command });
    });
  }
}

/** What istiod's memory consists of: V8 heap and external buffers, sampled from its /metrics. */
class MemorySampler {
  private readonly timer: NodeJS.Timeout;
  private samples: Array<{ rss: number; heapUsed: number; heapTotal: number; external: number; spaces: string }> = [];

  constructor(private readonly monitoringAddr: string, private readonly pid: number, everyMs = 2000) {
    this.timer = setInterval(() => void this.sample(), everyMs);
  }

  async sample(): Promise<void> {
    const text = await scrape(this.monitoringAddr);
    const get = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
    // V8's spaces by size (new, old, large objects, code, ...), the largest first.
    const spaces = [...text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="([^"]+)"\} (\S+)/gm)]
      .map((m) => [m[1], Number(m[2]) / 2 ** 20] as const).filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
    if (text) this.samples.push({ rss: rssMiB(this.pid), heapUsed: get('nodejs_heap_size_used_bytes'), heapTotal: get('nodejs_heap_size_total_bytes'), external: get('nodejs_external_memory_bytes'), spaces });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  report(): string {
    if (this.samples.length === 0) return 'no samples';
    const max = (k: 'heapUsed' | 'heapTotal' | 'external') => Math.max(...this.samples.map((x) => x[k]));
    const top = this.samples.reduce((a, b) => (b.rss > a.rss ? b : a));
    return `max heap used ${mib(max('heapUsed'))}, heap total ${mib(max('heapTotal'))}, external ${mib(max('external'))}; at the highest RSS sample (${mib(top.rss)}): heap used ${mib(top.heapUsed)} of ${mib(top.heapTotal)} (${top.spaces}), external ${mib(top.external)} (${this.samples.length} samples)`;
  }
}

async function scrape(monitoringAddr: string): Promise<string> {
  try {
    const res = await fetch(`http://${monitoringAddr}/metrics`, { signal: AbortSignal.timeout(5000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

function counterByLabel(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}\\{type="([^"]+)"\\}\\s+(\\S+)$`, 'gm'))) out.set(m[1], Number(m[2]));
  return out;
}

interface PhaseResult {
  kind: 'endpoint' | 'virtualservice';
  latencies: number[];
  missing: number;
  /** Clients that saw the change although their Sidecar scope does not include the service. */
  unexpected: number;
  expected: number;
  istiodCpuS: number;
  simTypes: SimStats['perType'];
  convergence?: Histogram;
  pushes: Record<string, number>;
}

async function main(): Promise<void> {
  const facts = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`machine: ${facts}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const mesh = generateMesh(SHAPE);
  const dir = await mkdtemp(join(tmpdir(), 'istio-ts-bench-istiod-'));
  let istiod: ReturnType<typeof startIstiod> | undefined;
  let sim: SimProc | undefined;
  const deadline = setTimeout(() => {
    console.error(`bench istiod: hard deadline of ${HARD_DEADLINE_MS / 1000} s reached; stopping`);
    sim?.child.kill('SIGKILL');
    istiod?.child.kill('SIGKILL');
    process.exit(1);
  }, HARD_DEADLINE_MS);
  deadline.unref();
  try {
    for (const [rel, text] of mesh.files) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
    console.log(`istiod runtime: ${KNOBS.tuned ? `MALLOC_MMAP_THRESHOLD_=${TUNED.env.MALLOC_MMAP_THRESHOLD_} ${TUNED.nodeArgs.join(' ')}` : 'Node defaults (BENCH_ISTIOD_TUNED=0)'}`);
    if (KNOBS.sidecarScope === 'namespace') console.log('Sidecar scoping: a default Sidecar (egress ./*, istio-system/*) per namespace; an edit is expected only at the sidecars of its namespace');
    console.log(`config: ${Object.entries(mesh.counts).map(([k, n]) => `${n} ${k}`).join(', ')} in ${mesh.files.size} files; ${KNOBS.clients} clients over ${KNOBS.channels} gRPC channels (delta xDS)`);

    // Start-up: watch + load + first PushContext.
    const t0 = performance.now();
    istiod = startIstiod(dir);
    const addrs = await istiod.ready;
    const pid = istiod.child.pid!;
    const startupMs = performance.now() - t0;
    const startCpu = cpuSeconds(pid);
    const startRss = rssMiB(pid);
    console.log(`istiod start-up (spawn → listening, config loaded): ${fmtMs(startupMs)}, CPU ${startCpu.toFixed(2)} s, RSS ${mib(startRss)}`);

    // Initial connect of every client at once, as after an istiod restart.
    sim = new SimProc();
    const nodes = sidecarNodes(mesh.pods, KNOBS.clients);
    const peak = { rss: startRss };
    const sampler = setInterval(() => { peak.rss = Math.max(peak.rss, rssMiB(pid)); }, 200);
    const mem = new MemorySampler(addrs.monitoringAddr, pid);
    const c0 = cpuSeconds(pid);
    const connect = await sim.call<{ startedAt: number; syncedAt: number[]; stats: SimStats; cpu: NodeJS.CpuUsage }>({
      cmd: 'connect', address: addrs.grpcAddr, nodes, channels: KNOBS.channels, timeoutMs: KNOBS.connectTimeoutMs,
    });
    const connectCpu = cpuSeconds(pid) - c0;
    clearInterval(sampler);
    mem.stop();
    await mem.sample();
    const syncedAt = times(connect.syncedAt);
    const synced = syncedAt.filter(Number.isFinite);
    const toSync = syncedAt.map((t) => t - connect.startedAt);
    const allMs = synced.length === nodes.length ? Math.max(...toSync) : NaN;
    console.log(`initial: ${synced.length}/${nodes.length} clients hold and ACKed CDS+EDS+LDS+RDS; all after ${fmtMs(allMs)} (per client p50 ${fmtMs(percentile(toSync, 0.5))}, p99 ${fmtMs(percentile(toSync, 0.99))}); istiod CPU ${connectCpu.toFixed(1)} s; RSS now ${mib(rssMiB(pid))}, peak (VmHWM) ${mib(peakRssMiB(pid))}; simulator CPU ${((connect.cpu.user + connect.cpu.system) / 1e6).toFixed(1)} s`);
    console.log(`  istiod memory during the connect (from /metrics every 2 s): ${mem.report()}`);
    for (const [type, t] of Object.entries(connect.stats.perType)) {
      console.log(`  ${type}: ${t.responses} responses, ${t.resources} resources, ${(t.bytes / 2 ** 20).toFixed(1)} MiB (${(t.resources / Math.max(1, t.responses)).toFixed(0)} per response)`);
    }
    if (connect.stats.errors > 0) console.log(`  simulator stream errors: ${connect.stats.errors}, the first ${fmtMs(connect.stats.firstErrorAt! - connect.startedAt)} after connecting; last: ${connect.stats.lastError}`);
    if (synced.length < nodes.length) {
      const cds = connect.stats.perType.Cluster?.responses ?? 0;
      const rate = cds / (KNOBS.connectTimeoutMs / 1000);
      console.log(`INCOMPLETE: ${synced.length}/${nodes.length} clients synced within ${fmtMs(KNOBS.connectTimeoutMs)}; istiod answered ${cds} CDS requests (${rate.toFixed(2)}/s, ${(connectCpu / Math.max(1, cds)).toFixed(2)} CPU-s each incl. the other types' work); serving all ${nodes.length} CDS alone would take ~${(nodes.length / Math.max(rate, 1e-9) / 60).toFixed(0)} min at this rate; convergence phases skipped`);
      console.log(`istiod at the end: RSS ${mib(rssMiB(pid))}, peak (VmHWM) ${mib(peakRssMiB(pid))}, CPU total ${cpuSeconds(pid).toFixed(1)} s; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
      process.exitCode = 1;
      return;
    }

    await new Promise((r) => setTimeout(r, 1000));
    const results: PhaseResult[] = [];
    for (let k = 0; k < KNOBS.reps; k++) {
      const svc = 1 + k * 37; // an unrouted service's slice
      const ip = replacementIp(k + 1);
      results.push(await phase(sim, addrs.monitoringAddr, pid, 'endpoint', TypeUrl.ClusterLoadAssignment, ip, expecting(nodes, svc), join(dir, sliceFile(svc, SHAPE)),
        endpointSliceYaml(svc, podsOfService(svc, firstPodIndex(svc), SHAPE), SHAPE, { index: 0, ip })));
    }
    console.log(`  istiod after the EndpointSlice edits: RSS ${mib(rssMiB(pid))}, peak (VmHWM) ${mib(peakRssMiB(pid))}`);
    // The VirtualService edits re-send route 80 to every client: the memory peak of the run (round 3).
    const editMem = new MemorySampler(addrs.monitoringAddr, pid, 500);
    for (let k = 0; k < KNOBS.reps; k++) {
      const svc = routedService(k, SHAPE);
      results.push(await phase(sim, addrs.monitoringAddr, pid, 'virtualservice', TypeUrl.RouteConfiguration, revisionMarker(k + 1), expecting(nodes, svc),
        join(dir, virtualServiceFile(svc, SHAPE)), virtualServiceYaml(svc, SHAPE, k + 1)));
    }
    editMem.stop();
    console.log(`  istiod memory during the VirtualService edits (from /metrics every 0.5 s): ${editMem.report()}`);
    for (const kind of ['endpoint', 'virtualservice'] as const) {
      const rs = results.filter((r) => r.kind === kind);
      const all = rs.flatMap((r) => r.latencies);
      const missing = rs.reduce((n, r) => n + r.missing, 0);
      const conv = rs.map((r) => r.convergence).filter((h): h is Histogram => h !== undefined);
      const metric = conv.length > 0
        ? `; pilot_proxy_convergence_time p50 ${fmtMs(1000 * histogramQuantile(merge(conv), 0.5))} p99 ${fmtMs(1000 * histogramQuantile(merge(conv), 0.99))} (from buckets)`
        : '';
      console.log(`(${kind === 'endpoint' ? 'a) EndpointSlice edit' : 'b) VirtualService edit'} × ${rs.length}: write → ACK p50 ${fmtMs(percentile(all, 0.5))}, p99 ${fmtMs(percentile(all, 0.99))}, max ${fmtMs(percentile(all, 1))}; per edit p99 [${rs.map((r) => percentile(r.latencies, 0.99).toFixed(0)).join(', ')}] ms; not converged ${missing}; expected at ${rs.map((r) => r.expected).join('/')} clients, seen by ${rs.reduce((n, r) => n + r.unexpected, 0)} others; istiod CPU per edit [${rs.map((r) => r.istiodCpuS.toFixed(2)).join(', ')}] s${metric}`);
      const types = rs[0]?.simTypes ?? {};
      console.log(`  first edit sent: ${Object.entries(types).map(([t, v]) => `${t} ${v.responses} responses / ${(v.bytes / 2 ** 20).toFixed(1)} MiB`).join(', ') || 'nothing'}; pilot_xds_pushes ${JSON.stringify(rs[0]?.pushes ?? {})}`);
    }
    const simEnd = await sim.call<{ rssMiB: number; cpu: NodeJS.CpuUsage }>({ cmd: 'stats' });
    console.log(`istiod at the end: RSS ${mib(rssMiB(pid))}, peak (VmHWM) ${mib(peakRssMiB(pid))}, CPU total ${cpuSeconds(pid).toFixed(1)} s; simulator RSS ${mib(simEnd.rssMiB)}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    if (sim) {
      await sim.call({ cmd: 'close' }).catch(() => {});
      // It exits by itself (writing its --cpu-prof profile); a signal is the fallback.
      await Promise.race([new Promise((r) => sim!.child.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
      await stopChild(sim.child);
    }
    await stopChild(istiod?.child);
    await rm(dir, { recursive: true, force: true });
    clearTimeout(deadline);
  }
}

async function phase(
  sim: SimProc, monitoringAddr: string, pid: number, kind: PhaseResult['kind'], typeUrl: string, marker: string, expect: number[] | undefined,
  file: string, text: string,
): Promise<PhaseResult> {
  const before = await scrape(monitoringAddr);
  const cpu0 = cpuSeconds(pid);
  await sim.call({ cmd: 'arm', phase: { typeUrl, marker, ...(expect ? { expect } : {}) } });
  const tWrite = wallNow();
  await writeFile(file, text);
  const r = await sim.call<{ times: number[]; unexpected: number; stats: SimStats }>({ cmd: 'collect', timeoutMs: KNOBS.convergeTimeoutMs });
  // Let istiod finish the push (it may still be writing to streams the marker did not concern).
  await new Promise((res) => setTimeout(res, 500));
  const istiodCpuS = cpuSeconds(pid) - cpu0;
  const after = await scrape(monitoringAddr);
  const hb = parseHistogram(before, 'pilot_proxy_convergence_time');
  const ha = parseHistogram(after, 'pilot_proxy_convergence_time');
  const pb = counterByLabel(before, 'pilot_xds_pushes');
  const pushes: Record<string, number> = {};
  for (const [t, n] of counterByLabel(after, 'pilot_xds_pushes')) if (n - (pb.get(t) ?? 0) > 0) pushes[t] = n - (pb.get(t) ?? 0);
  const latencies = times(r.times).filter(Number.isFinite).map((t) => t - tWrite);
  return {
    kind, latencies, missing: r.times.length - latencies.length, unexpected: r.unexpected, expected: r.times.length, istiodCpuS, simTypes: r.stats.perType, pushes,
    ...(ha ? { convergence: histogramDelta(hb, ha) } : {}),
  };
}

/** With Sidecar scoping, the clients that can see service `svc`; undefined: all of them. */
function expecting(nodes: readonly SidecarNode[], svc: number): number[] | undefined {
  if (KNOBS.sidecarScope === 'none') return undefined;
  return nodes.flatMap((n, i) => (seesService(n.namespace, svc, SHAPE) ? [i] : []));
}

function merge(hs: Histogram[]): Histogram {
  return hs.reduce((a, b) => ({ buckets: a.buckets.map(([le, n], i) => [le, n + b.buckets[i][1]]), sum: a.sum + b.sum, count: a.count + b.count }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
