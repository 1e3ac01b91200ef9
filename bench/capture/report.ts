// Medians of the captured-path benchmark's runs and the markdown tables it prints: one row per
// target, then the ratios the benchmark exists for (captured / explicit, and each / HAProxy).
import { median } from '../proxy/procs.js';

/** Everything measured for one target in one workload; one entry per repetition. */
export interface Samples {
  rps: number[];
  cpuPer1k: number[];
  p50: number[];
  p90: number[];
  p99: number[];
  errors: number;
}

export function emptySamples(): Samples {
  return { rps: [], cpuPer1k: [], p50: [], p90: [], p99: [], errors: 0 };
}

export interface Summary {
  readonly rps: number;
  readonly cpuPer1k: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly errors: number;
  readonly runs: number;
}

export function summarize(s: Samples): Summary {
  return { rps: median(s.rps), cpuPer1k: median(s.cpuPer1k), p50: median(s.p50), p90: median(s.p90), p99: median(s.p99), errors: s.errors, runs: s.rps.length || s.p50.length };
}

export function fmt(n: number, digits: number): string {
  if (!Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `a / b` to two decimals, or — when either side is missing. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) : '—';
}

export interface TableRow { readonly name: string; readonly s: Summary; readonly rssMiB: number }

/** One workload's table: rps, CPU-s per 1,000 requests (× HAProxy), latency percentiles, RSS. */
export function table(title: string, rows: readonly TableRow[]): string {
  const ha = rows.find((r) => r.name === 'HAProxy');
  const out = [
    `\n${title}`,
    '| target | rps | CPU-s / 1k req | × HAProxy | p50 ms | p90 ms | p99 ms | peak RSS MiB | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(`| ${r.name} | ${fmt(r.s.rps, 0)} | ${fmt(r.s.cpuPer1k, 4)} | ${ha && r !== ha ? ratio(r.s.cpuPer1k, ha.s.cpuPer1k) : '—'} `
      + `| ${fmt(r.s.p50, 3)} | ${fmt(r.s.p90, 3)} | ${fmt(r.s.p99, 3)} | ${fmt(r.rssMiB, 1)} | ${r.s.errors} |`);
  }
  return out.join('\n');
}

/** The captured / explicit line under a table: how much the capture path adds. */
export function captureRatios(captured: TableRow | undefined, explicit: TableRow | undefined): string {
  if (!captured || !explicit) return '';
  const c = captured.s;
  const e = explicit.s;
  return `captured / explicit: rps ${ratio(c.rps, e.rps)}, CPU ${ratio(c.cpuPer1k, e.cpuPer1k)}, `
    + `p50 ${ratio(c.p50, e.p50)}, p90 ${ratio(c.p90, e.p90)}, p99 ${ratio(c.p99, e.p99)}, peak RSS ${ratio(captured.rssMiB, explicit.rssMiB)}`;
}
