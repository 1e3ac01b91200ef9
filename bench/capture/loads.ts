// The load drivers of the captured-path benchmark, run inside the client host: wrk (keep-alive
// saturation) and the fixed-rate drivers (the proxy benchmark's paced keep-alive driver, and
// capture/churn-driver.ts with a connection per request). Each returns what it measured; nothing here knows which proxy is behind the target.
import type { Host, RunAs } from '../../test/e2e/harness/index.js';

export interface Target {
  readonly host: string;
  readonly port: number;
  /** Run the driver as this user (the direct baseline runs as UID 1337 so capture leaves it alone). */
  readonly as?: RunAs;
}

export interface WrkResult {
  readonly rps: number;
  readonly requests: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  readonly errors: number;
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 'ms' ? n : unit === 's' ? n * 1000 : NaN;
}

/** Parses wrk's `--latency` report. */
export function parseWrk(out: string): WrkResult {
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = (sock ? sock.slice(1).reduce((a, x) => a + Number(x), 0) : 0) + Number(non2xx?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    p50: pct('50'), p90: pct('90'), p99: pct('99'), errors,
  };
}

export interface WrkOptions {
  readonly seconds: number;
  readonly connections: number;
}

export async function wrk(client: Host, t: Target, o: WrkOptions): Promise<WrkResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency', `http://${t.host}:${t.port}/`];
  const r = await client.run('wrk', args, { ...t.as, timeoutMs: (o.seconds + 15) * 1000 });
  if (r.code !== 0) throw new Error(`wrk ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  const res = parseWrk(r.stdout);
  if (!Number.isFinite(res.rps) || !Number.isFinite(res.requests)) throw new Error(`cannot read wrk's report:\n${r.stdout}`);
  return res;
}

export interface PacedResult {
  readonly requests: number;
  readonly errors: number;
  readonly nonOk: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** A fixed-rate driver script (`PORT RPS SECONDS [CONNECTIONS]`, JSON on its last line) at `rate` rps. */
export async function paced(client: Host, driver: string, nodeFlags: readonly string[], t: Target, rate: number, seconds: number): Promise<PacedResult> {
  const r = await client.run(process.execPath, [...nodeFlags, driver, String(t.port), String(rate), String(seconds), '16'], {
    ...t.as, env: { PACED_HOST: t.host }, timeoutMs: (seconds + 20) * 1000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`paced driver exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(last) as PacedResult;
}
