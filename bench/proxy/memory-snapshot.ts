// Where an idle sidecar's memory goes: starts `pilot-agent proxy sidecar --concurrency N` on the
// captured N-service config (as `npm run bench proxy-memory` does), waits until ready + 3 s,
// prints VmRSS / RssAnon, V8's heap spaces and the live heap after a forced full collection
// (memory-heap-report.ts) and, with BENCH_SNAPSHOT=FILE, writes a V8 heap snapshot there
// (--heapsnapshot-signal) and prints the largest constructors by self size.
// `node dist/bench/proxy/memory-snapshot.js` after `npm run build`. Knobs: BENCH_SERVICES (1000),
// BENCH_NODE_OPTIONS, BENCH_SNAPSHOT (of the primary), BENCH_TOP (30), BENCH_AGENT, BENCH_CONCURRENCY
// (1; workers report their own heap spaces too).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capturedConfig, serveResources } from './memory-xds.js';
import { childPids, sleep } from './procs.js';
import { sidecarConfig } from './sidecar-capture.js';
import { freePort } from './free-port.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const here = fileURLToPath(new URL('.', import.meta.url));
/** BENCH_AGENT: another build's pilot-agent.js (A/B of two checkouts). */
const AGENT = process.env.BENCH_AGENT ?? join(here, '../../src/bin/pilot-agent.js');

function kb(pid: number, key: string): number {
  const t = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(t)?.[1] ?? NaN) / 1024;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size per (type, constructor name), largest first. */
function summarise(file: string, top: number): string[] {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const [iType, iName, iSize, n] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size'), f.length];
  const types = s.snapshot.meta.node_types[0];
  const by = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += n) {
    const type = types[s.nodes[i + iType]];
    const name = type === 'object' || type === 'closure' || type === 'native' ? s.strings[s.nodes[i + iName]] : `(${type})`;
    const k = `${type}:${name.slice(0, 60)}`;
    const e = by.get(k) ?? { size: 0, count: 0 };
    e.size += s.nodes[i + iSize];
    e.count++;
    total += s.nodes[i + iSize];
    by.set(k, e);
  }
  const rows = [...by.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
  return [`heap total (self sizes) ${(total / 2 ** 20).toFixed(2)} MiB`, ...rows.map(([k, v]) => `${(v.size / 2 ** 20).toFixed(2).padStart(7)} MiB ${String(v.count).padStart(8)}  ${k}`)];
}

async function main(): Promise<void> {
  const captured = await sidecarConfig(SERVICES, process.env.BENCH_CAPTURE ?? join(tmpdir(), `istio-ts-sidecar-config-${SERVICES}.json`));
  const xds = await serveResources(await capturedConfig(captured, await freePort(), await freePort(), freePort));
  const dir = mkdtempSync(join(tmpdir(), 'memory-snapshot-'));
  const nodeOpts = process.env.BENCH_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeOpts, '--import', join(here, 'memory-heap-report.js'), '--heapsnapshot-signal=SIGUSR2', AGENT, 'proxy', 'sidecar', '--discoveryAddress', `127.0.0.1:${xds.port}`,
    '--concurrency', process.env.BENCH_CONCURRENCY ?? '1', '--proxyAdminPort', '0', '--statusPort', '0'], {
    cwd: dir,
    env: { ...process.env, ISTIO_TS_LOG: process.env.ISTIO_TS_LOG ?? 'warn', TERMINATION_DRAIN_DURATION_SECONDS: '0', ISTIO_META_ENVOY_STATUS_PORT: '0', POD_NAME: 'svc-0001-0', POD_NAMESPACE: 'bench-ns-01', INSTANCE_IP: '10.16.0.4' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const info = await new Promise<{ status: number }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { status: number });
      });
      child.once('exit', (c) => reject(new Error(`pilot-agent exited ${c}`)));
    });
    const end = Date.now() + 90_000;
    while (!(await fetch(`http://127.0.0.1:${info.status}/healthz/ready`).then((r) => r.status === 200, () => false))) {
      if (Date.now() > end) throw new Error('not ready within 90 s');
      await sleep(100);
    }
    await sleep(3000);
    const pid = child.pid!;
    for (const p of [pid, ...childPids(pid)]) {
      console.log(`idle: ${p === pid ? 'primary' : `worker ${p}`}: VmRSS ${kb(p, 'VmRSS').toFixed(1)} MiB, RssAnon ${kb(p, 'RssAnon').toFixed(1)}, RssFile ${kb(p, 'RssFile').toFixed(1)}`);
      process.kill(p, 'SIGWINCH');
      await sleep(1500);
    }
    const out = process.env.BENCH_SNAPSHOT;
    if (out !== undefined) {
      process.kill(pid, 'SIGUSR2');
      const until = Date.now() + 60_000;
      let file: string | undefined;
      while (file === undefined && Date.now() < until) {
        await sleep(500);
        const f = readdirSync(dir).find((x) => x.endsWith('.heapsnapshot'));
        // Complete once the JSON is closed (V8 streams it out in chunks).
        if (f !== undefined && readFileSync(join(dir, f), 'utf8').trimEnd().endsWith(']}')) file = join(dir, f);
      }
      if (file === undefined || !existsSync(file)) throw new Error('no heap snapshot');
      renameSync(file, out);
      for (const line of summarise(out, Number(process.env.BENCH_TOP ?? 30))) console.log(line);
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await xds.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
