// The protocol rows of the proxy benchmark: HTTP/2 (h2c, h2load GET of 1 KiB), gRPC unary
// (h2load POSTing one gRPC frame to a grpc-js server) and TCP (wrk's HTTP/1.1 through a TCP proxy:
// request/response latency and CPU per request of a byte pipe). Each: direct, HAProxy (1 thread)
// and istio-ts, CPU-seconds per 1,000 requests from /proc, medians over BENCH_REPS short runs.
// istio-ts runs once per HTTP/2 codec in BENCH_H2_CODECS (node,native), reps alternating.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, median, peakRssMiB, sleep, start, stop, waitForPort, type Proc } from './procs.js';

export interface ProtoRow { protocol: string; name: string; rps: number; cpuPer1k: number; meanMs: number; rssMiB: number; failed: number }

export interface ProtoEnv {
  readonly dir: string;
  readonly reps: number;
  readonly seconds: number;
  readonly freePort: () => Promise<number>;
  readonly nodeScript: (rel: string) => string;
  readonly istioTsMain: string;
}

/**
 * nginx (one process) answering every request with 1 KiB, on h2c (prior knowledge) or HTTP/1.1.
 * keepalive_requests is far above what a run sends over one connection: at 1,000,000 nginx sent
 * its upstream HTTP/2 connection GOAWAY mid-run and the streams it had not processed came back as
 * 503s (16-34 per run; Envoy does not retry those either without a retry policy, envoy#36450).
 */
function nginxBackend(dir: string, port: number, http2: boolean): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const f = join(dir, 'backend.conf');
  writeFileSync(f, `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\n`
    + `events { worker_connections 4096; }\nhttp { access_log off; keepalive_requests 100000000;\n`
    + `client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/pt; fastcgi_temp_path ${dir}/ft; uwsgi_temp_path ${dir}/ut; scgi_temp_path ${dir}/st;\n`
    + `server { listen 127.0.0.1:${port}${http2 ? ' http2' : ''}; default_type text/plain; location / { return 200 "${'x'.repeat(1024)}"; } } }\n`);
  return f;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${out.slice(-2000)}`))));
  });
}

interface Load { rps: number; requests: number; meanMs: number; failed: number }

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 'ms' ? n : n * 1000;
}

async function h2load(port: number, seconds: number, path: string, extra: string[]): Promise<Load> {
  const out = await run('h2load', ['-c4', '-m16', '-t1', `-D${seconds}`, '--warm-up-time=1', ...extra, `http://127.0.0.1:${port}${path}`]);
  const rps = /finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(out);
  const req = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  const t = /time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)/.exec(out);
  const codes = /status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  // Requests still in flight when the duration ends count as "failed" in h2load; only statuses and
  // errored requests say something about the target.
  return {
    rps: Number(rps?.[1]), requests: Number(req?.[1] ?? 0), meanMs: t ? toMs(t[1], t[2]) : NaN,
    failed: Number(req?.[4] ?? 0) + (codes ? Number(codes[1]) + Number(codes[2]) + Number(codes[3]) : 0),
  };
}

async function wrk(port: number, seconds: number): Promise<Load> {
  const out = await run('wrk', ['-t1', '-c32', `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`]);
  const m = /Latency\s+([\d.]+)(us|ms|s)/.exec(out);
  const errs = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    meanMs: m ? toMs(m[1], m[2]) : NaN, failed: Number(errs?.[1] ?? 0),
  };
}

interface Samples { rps: number[]; cpu: number[]; mean: number[]; failed: number }

async function sample(port: number, proc: Proc | undefined, env: ProtoEnv, load: (port: number, s: number) => Promise<Load>, into: Samples): Promise<void> {
  const pid = proc?.measuredPid();
  const c0 = pid === undefined ? 0 : cpuSeconds(pid);
  const l = await load(port, env.seconds);
  const c1 = pid === undefined ? 0 : cpuSeconds(pid);
  into.rps.push(l.rps);
  into.mean.push(l.meanMs);
  into.failed += l.failed;
  if (pid !== undefined && l.requests > 0) into.cpu.push(((c1 - c0) / l.requests) * 1000);
  await sleep(200);
}

function row(protocol: string, name: string, proc: Proc | undefined, x: Samples): ProtoRow {
  const pid = proc?.measuredPid();
  return {
    protocol, name, rps: median(x.rps), cpuPer1k: x.cpu.length ? median(x.cpu) : NaN, meanMs: median(x.mean),
    rssMiB: pid === undefined ? NaN : peakRssMiB(pid), failed: x.failed,
  };
}

/** HTTP/2 codecs istio-ts is measured with (BENCH_H2_CODECS, default both), one process each. */
function h2Codecs(): string[] {
  return (process.env.BENCH_H2_CODECS ?? 'node,native').split(',').filter(Boolean);
}

/** Starts istio-ts with ISTIO_TS_H2_CODEC=`codec` (the child takes a copy of the environment). */
function startIstioTs(name: string, args: string[], codec: string | undefined): Proc {
  const prev = process.env.ISTIO_TS_H2_CODEC;
  if (codec !== undefined) process.env.ISTIO_TS_H2_CODEC = codec;
  try {
    return start(name, process.execPath, args);
  } finally {
    if (prev === undefined) delete process.env.ISTIO_TS_H2_CODEC;
    else process.env.ISTIO_TS_H2_CODEC = prev;
  }
}

function haproxyConf(dir: string, file: string, port: number, upstream: number, mode: 'h2' | 'tcp'): string {
  const f = join(dir, file);
  const fe = mode === 'h2' ? `  mode http\n  bind 127.0.0.1:${port} proto h2\n` : `  mode tcp\n  bind 127.0.0.1:${port}\n`;
  const be = mode === 'h2' ? `  mode http\n  http-reuse always\n  server s1 127.0.0.1:${upstream} proto h2\n` : `  mode tcp\n  server s1 127.0.0.1:${upstream}\n`;
  writeFileSync(f, `global\n  nbthread 1\n  maxconn 4096\n\ndefaults\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n\n`
    + `frontend fe\n${fe}  default_backend be\n\nbackend be\n${be}`);
  return f;
}

function istioTsConf(dir: string, file: string, port: number, upstream: number, mode: 'h2' | 'tcp'): string {
  const f = join(dir, file);
  const cluster = {
    name: 'backend', type: 'STATIC',
    loadAssignment: { clusterName: 'backend', endpoints: [{ address: '127.0.0.1', port: upstream }] },
    ...(mode === 'h2' ? { httpProtocolOptions: { upstreamProtocol: 'HTTP2' } } : {}),
  };
  const chain = mode === 'h2'
    ? { httpConnectionManager: { statPrefix: 'bench', routeConfigName: 'bench', codecType: 'HTTP2' } }
    : { tcpProxy: { statPrefix: 'bench', cluster: 'backend' } };
  writeFileSync(f, JSON.stringify({
    listeners: [{ name: 'bench', address: '127.0.0.1', port, filterChains: [chain] }],
    routeConfigs: [{ name: 'bench', virtualHosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'backend', timeoutMs: 0 } }] }] }],
    clusters: [cluster],
  }));
  return f;
}

/** Runs every protocol row; `only` limits the proxies (direct always runs). */
export async function protocolRows(env: ProtoEnv, only: readonly string[] | undefined): Promise<ProtoRow[]> {
  const rows: ProtoRow[] = [];
  const procs: Proc[] = [];
  const grpcFrame = join(env.dir, 'grpc-frame.bin');
  const msg = Buffer.alloc(1024, 0x79);
  const frame = Buffer.alloc(5 + msg.length);
  frame.writeUInt32BE(msg.length, 1);
  msg.copy(frame, 5);
  writeFileSync(grpcFrame, frame);
  const suites: { protocol: string; backend: () => Promise<[number, Proc]>; mode: 'h2' | 'tcp'; load: (p: number, s: number) => Promise<Load> }[] = [
    {
      protocol: 'HTTP/2 h2c GET 1 KiB (h2load -c4 -m16)', mode: 'h2',
      backend: async () => { const p = await env.freePort(); return [p, start('nginx-h2', 'nginx', ['-p', join(env.dir, 'h2'), '-c', nginxBackend(join(env.dir, 'h2'), p, true)])]; },
      load: (p, s) => h2load(p, s, '/', []),
    },
    {
      protocol: 'gRPC unary 1 KiB each way (h2load -c4 -m16)', mode: 'h2',
      backend: async () => { const p = await env.freePort(); return [p, start('grpc-backend', process.execPath, [env.nodeScript('grpc-backend.js'), String(p)])]; },
      load: (p, s) => h2load(p, s, '/bench.Echo/Echo', ['-d', grpcFrame, '-H', 'content-type: application/grpc', '-H', 'te: trailers']),
    },
    {
      protocol: 'TCP proxy, HTTP/1.1 1 KiB through it (wrk -c32)', mode: 'tcp',
      backend: async () => { const p = await env.freePort(); return [p, start('nginx-tcp', 'nginx', ['-p', join(env.dir, 'tcp'), '-c', nginxBackend(join(env.dir, 'tcp'), p, false)])]; },
      load: (p, s) => wrk(p, s),
    },
  ];
  try {
    for (const s of suites) {
      const [bport, backend] = await s.backend();
      procs.push(backend);
      await waitForPort(bport);
      const direct: Samples = { rps: [], cpu: [], mean: [], failed: 0 };
      for (let i = 0; i < env.reps; i++) await sample(bport, undefined, env, s.load, direct);
      rows.push(row(s.protocol, 'direct', undefined, direct));
      const targets: [string, (port: number) => Proc][] = [
        ['haproxy', (port) => start('haproxy', 'haproxy', ['-db', '-f', haproxyConf(env.dir, `haproxy-${s.mode}.cfg`, port, bport, s.mode)])],
      ];
      const codecs = s.mode === 'h2' ? h2Codecs() : [undefined];
      for (const codec of codecs) {
        const name = codec === undefined || codecs.length === 1 ? 'istio-ts' : `istio-ts (${codec})`;
        targets.push([name, (port) => startIstioTs(name, [env.istioTsMain, istioTsConf(env.dir, `istio-ts-${s.mode}.json`, port, bport, s.mode)], codec)]);
      }
      // Every target runs side by side (idle while another is loaded) and the reps alternate
      // between them, so a change in the machine's load falls on all of them alike.
      const running: { name: string; port: number; proc: Proc; x: Samples }[] = [];
      for (const [name, make] of targets) {
        if (only && !only.includes(name.split(' ')[0])) continue;
        const port = await env.freePort();
        const proc = make(port);
        procs.push(proc);
        try {
          await waitForPort(port);
        } catch (e) {
          throw new Error(`${name} did not start: ${proc.stderr()}`, { cause: e });
        }
        running.push({ name, port, proc, x: { rps: [], cpu: [], mean: [], failed: 0 } });
      }
      for (let i = 0; i < env.reps; i++) for (const t of running) await sample(t.port, t.proc, env, s.load, t.x);
      for (const t of running) {
        rows.push(row(s.protocol, t.name, t.proc, t.x));
        await stop(t.proc);
        console.error(`measured ${s.protocol} / ${t.name}`);
      }
      await stop(backend);
    }
  } finally {
    for (const p of procs) await stop(p);
  }
  return rows;
}

export function printProtocolRows(rows: readonly ProtoRow[], reps: number, seconds: number): void {
  const f = (n: number, d: number): string => (Number.isFinite(n) ? n.toFixed(d) : '—');
  console.log(`\nProtocols, medians of ${reps} x ${seconds}s (CPU of the proxy process; mean latency as the load tool reports it)`);
  console.log('| protocol | target | rps | CPU-s / 1k req | x HAProxy | mean latency ms | peak RSS MiB | non-2xx + errored |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const ha = rows.find((x) => x.protocol === r.protocol && x.name === 'haproxy');
    const ratio = ha !== undefined && r.name !== 'direct' ? f(r.cpuPer1k / ha.cpuPer1k, 2) : '—';
    console.log(`| ${r.protocol} | ${r.name} | ${f(r.rps, 0)} | ${f(r.cpuPer1k, 4)} | ${ratio} | ${f(r.meanMs, 3)} | ${f(r.rssMiB, 1)} | ${r.failed} |`);
  }
}
