// Instructions per request of the proxy's user space under callgrind: deterministic enough
// (repeat runs in one sitting agree within ~1–3 %; absolute numbers drift ~5 % between sittings,
// so compare builds side by side) to judge a hot-path change on a shared, loaded machine where
// CPU-seconds move ±15–25 % between identical runs. The kernel side is not counted (compare it
// with `strace -c`). Needs valgrind and nginx; ~30 s per run.
// Usage: [WARMUP=N] node dist/bench/proxy/instructions.js [COUNT] [-- NODE_FLAGS...]
// (COUNT requests measured after WARMUP (20,000) warm-up requests, over 16 keep-alive connections:
// after 6,000, TurboFan was still compiling hot functions on its background thread, ~5 % of the
// count). Prints the callgrind output's directory too, for callgrind_annotate.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { istioTsBootstrap, nginxBackendConf } from './peers.js';
import { sleep, start, stop, waitForPort } from './procs.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dashes = process.argv.indexOf('--');
const count = Number(process.argv[2] !== '--' ? process.argv[2] ?? 5000 : 5000);
const nodeFlags = dashes < 0 ? [] : process.argv.slice(dashes + 1);
const warmup = Number(process.env.WARMUP ?? 20_000);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-instr-'));
  // Ports from the kernel: fixed ones derived from the PID once collided with another run's, and
  // the driver measured someone else's server (1.3k "instructions per request").
  const backendPort = await freePort();
  const port = await freePort();
  const backend = start('backend', 'nginx', ['-p', dir, '-c', nginxBackendConf(dir, backendPort)]);
  const out = join(dir, 'callgrind.out');
  const proxy = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`,
    process.execPath, ...nodeFlags, join(here, '..', '..', 'src', 'proxy', 'static-main.js'), istioTsBootstrap(dir, port, backendPort)],
  { stdio: 'ignore' });
  try {
    await waitForPort(backendPort);
    await waitForPort(port, 180_000);
    const drive = (n: number): void => { execFileSync(process.execPath, [join(here, 'fixed-driver.js'), String(port), String(n), '16']); };
    for (let left = warmup; left > 0; left -= 5000) drive(Math.min(left, 5000));
    const control = (...args: string[]): void => { execFileSync('callgrind_control', [...args, String(proxy.pid)], { stdio: 'ignore' }); };
    control('-i', 'on');
    drive(count);
    control('-i', 'off');
    if (proxy.exitCode !== null || proxy.signalCode !== null) throw new Error('the proxy exited during the measurement');
    control('-d');
    await sleep(500);
    let total = 0;
    for (const f of readdirSync(dir).filter((n) => n.startsWith('callgrind.out'))) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/^totals: (\d+)/gm)) total += Number(m[1]);
    }
    console.log(JSON.stringify({ requests: count, nodeFlags, instructionsPerRequest: Math.round(total / count), warmup, out: dir }));
  } finally {
    if (proxy.exitCode === null && proxy.signalCode === null) {
      proxy.kill('SIGTERM');
      await new Promise((r) => proxy.once('exit', r));
    }
    await stop(backend);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
