// Proxy data-plane benchmark: the same 1 KiB GET through nothing (direct), HAProxy (1 thread),
// nginx (1 worker), a naive Node proxy and istio-ts, each in its own process, on loopback.
// Per target: wrk at saturation (rps, CPU-seconds per 1,000 requests from /proc) and a paced
// ~1,000 rps run (latency percentiles, added over direct); medians over BENCH_REPS runs.
// Then the protocol rows (bench/proxy/protocols.ts): HTTP/2 and gRPC unary with h2load, TCP proxy.
// Needs Debian's haproxy, nginx, wrk and nghttp2-client. Knobs: BENCH_REPS (3), BENCH_SECONDS (3),
// BENCH_ONLY, BENCH_PROTOCOLS (0 = skip the protocol rows, only = run just them).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haproxyConf, istioTsBootstrap, nginxBackendConf, nginxProxyConf } from './proxy/peers.js';
import { printProtocolRows, protocolRows, type ProtoRow } from './proxy/protocols.js';
import { cpuSeconds, median, peakRssMiB, sleep, start, stop, waitForPort, type Proc } from './proxy/procs.js';
import { freePort } from './proxy/free-port.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RATE = 1000;
const here = fileURLToPath(new URL('.', import.meta.url));
const distRoot = join(here, '..');

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${out}`))));
  });
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 'ms' ? n : unit === 's' ? n * 1000 : NaN;
}

interface Saturation { rps: number; requests: number; p50: number; p99: number }

async function wrk(port: number, seconds: number): Promise<Saturation> {
  const out = await run('wrk', ['-t1', '-c32', `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`]);
  const pct = (p: string): number => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const req = /(\d+) requests in/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (/Non-2xx|Socket errors/.test(out)) console.error(`wrk reported errors on port ${port}:\n${out}`);
  return { rps: Number(rps?.[1]), requests: Number(req?.[1]), p50: pct('50'), p99: pct('99') };
}

interface Paced { p50: number; p90: number; p99: number; errors: number; nonOk: number }

async function paced(port: number, seconds: number): Promise<Paced> {
  const out = await run(process.execPath, [join(here, 'proxy', 'paced-driver.js'), String(port), String(RATE), String(seconds), '16']);
  if (process.env.BENCH_DEBUG) console.error(out);
  return JSON.parse(out.trim().split('\n').pop()!) as Paced;
}

interface Row {
  name: string; rps: number; cpuPer1k: number; p50: number; p90: number; p99: number; rssMiB: number; errors: number;
}

async function measure(name: string, port: number, proc: Proc | undefined): Promise<Row> {
  await wrk(port, 1); // warm-up: JIT, pools
  const rps: number[] = []; const cpu: number[] = []; const p50: number[] = []; const p90: number[] = []; const p99: number[] = [];
  let errors = 0;
  for (let i = 0; i < REPS; i++) {
    const pid = proc?.measuredPid();
    const c0 = pid === undefined ? 0 : cpuSeconds(pid);
    const s = await wrk(port, SECONDS);
    const c1 = pid === undefined ? 0 : cpuSeconds(pid);
    rps.push(s.rps);
    if (pid !== undefined) cpu.push(((c1 - c0) / s.requests) * 1000);
    await sleep(300);
    const p = await paced(port, SECONDS);
    p50.push(p.p50); p90.push(p.p90); p99.push(p.p99);
    errors += p.errors + p.nonOk;
  }
  const pid = proc?.measuredPid();
  return {
    name, rps: median(rps), cpuPer1k: cpu.length ? median(cpu) : NaN,
    p50: median(p50), p90: median(p90), p99: median(p99), rssMiB: pid === undefined ? NaN : peakRssMiB(pid), errors,
  };
}

function fmt(n: number, d = 3): string {
  return Number.isFinite(n) ? n.toFixed(d) : '—';
}

async function main(): Promise<void> {
  for (const bin of ['wrk', 'haproxy', 'nginx']) {
    try { execFileSync('which', [bin], { stdio: 'ignore' }); } catch {
      console.error(`proxy bench: '${bin}' is missing (apt-get install -y haproxy nginx wrk)`);
      process.exit(1);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'proxy-bench-'));
  const procs: Proc[] = [];
  const rows: Row[] = [];
  const only = process.env.BENCH_ONLY?.split(',');
  let protoRows: ProtoRow[] = [];
  try {
    if (process.env.BENCH_PROTOCOLS !== '0') {
      protoRows = await protocolRows({
        dir, reps: REPS, seconds: SECONDS, freePort,
        nodeScript: (rel) => join(here, 'proxy', rel),
        istioTsMain: join(distRoot, 'src', 'proxy', 'static-main.js'),
      }, only);
    }
    if (process.env.BENCH_PROTOCOLS === 'only') return printProtocolRows(protoRows, REPS, SECONDS);
    const backendPort = await freePort();
    const backend = start('backend', 'nginx', ['-p', dir, '-c', nginxBackendConf(dir, backendPort)]);
    procs.push(backend);
    await waitForPort(backendPort);
    const targets: [string, () => Promise<[number, Proc | undefined]>][] = [
      ['direct', async () => [backendPort, undefined]],
      ['haproxy', async () => {
        const port = await freePort();
        return [port, start('haproxy', 'haproxy', ['-db', '-f', haproxyConf(dir, port, backendPort)])];
      }],
      ['nginx', async () => {
        const port = await freePort();
        const d = join(dir, 'np');
        return [port, start('nginx', 'nginx', ['-p', d, '-c', nginxProxyConf(d, port, backendPort)])];
      }],
      ['node-naive', async () => {
        const port = await freePort();
        return [port, start('node-naive', process.execPath, [join(here, 'proxy', 'naive-proxy.js'), String(port), String(backendPort)])];
      }],
      ['istio-ts', async () => {
        const port = await freePort();
        const args = [...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
          join(distRoot, 'src', 'proxy', 'static-main.js'), istioTsBootstrap(dir, port, backendPort)];
        return [port, start('istio-ts', process.execPath, args)];
      }],
    ];
    for (const [name, make] of targets) {
      if (only && name !== 'direct' && !only.includes(name)) continue;
      const [port, proc] = await make();
      if (proc) procs.push(proc);
      try {
        await waitForPort(port);
      } catch (e) {
        throw new Error(`${name} did not start: ${proc?.stderr() ?? ''}`, { cause: e });
      }
      rows.push(await measure(name, port, proc));
      if (proc) await stop(proc);
      console.error(`measured ${name}`);
    }
  } finally {
    for (const p of procs) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  }
  const direct = rows.find((r) => r.name === 'direct')!;
  const ha = rows.find((r) => r.name === 'haproxy');
  console.log(`\nHTTP/1.1 keep-alive, 1 KiB GET, medians of ${REPS} x ${SECONDS}s; saturation: wrk -t1 -c32; paced: ${RATE} rps over 16 connections`);
  console.log('| target | rps (sat.) | CPU-s / 1k req | x HAProxy | added p50 ms | added p90 ms | added p99 ms | p99 x HAProxy | peak RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const add = (k: 'p50' | 'p90' | 'p99'): number => r[k] - direct[k];
    const isDirect = r === direct;
    console.log(`| ${r.name} | ${fmt(r.rps, 0)} | ${fmt(r.cpuPer1k, 4)} | ${ha && !isDirect ? fmt(r.cpuPer1k / ha.cpuPer1k, 2) : '—'} `
      + `| ${isDirect ? fmt(r.p50) + ' (abs)' : fmt(add('p50'))} | ${isDirect ? fmt(r.p90) + ' (abs)' : fmt(add('p90'))} | ${isDirect ? fmt(r.p99) + ' (abs)' : fmt(add('p99'))} `
      + `| ${ha && !isDirect ? fmt(add('p99') / (ha.p99 - direct.p99), 2) : '—'} | ${fmt(r.rssMiB, 1)} |`
      + (r.errors > 0 ? ` errors: ${r.errors}` : ''));
  }
  if (protoRows.length > 0) printProtocolRows(protoRows, REPS, SECONDS);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
