// Numbers for the report: percentiles of samples, and Prometheus histograms read from istiod's
// /metrics (bucket deltas between two scrapes, quantiles estimated as histogram_quantile does).

/** Nearest-rank percentile (q in 0..1) of the finite samples; NaN when there are none. */
export function percentile(xs: readonly number[], q: number): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export interface Histogram {
  /** Cumulative counts by upper bound, ascending, ending with +Inf. */
  buckets: Array<[number, number]>;
  sum: number;
  count: number;
}

/** The unlabelled histogram `name` from a Prometheus text exposition; undefined when absent. */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const buckets: Array<[number, number]> = [];
  let sum = NaN;
  let count = NaN;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}_bucket{`)) {
      const m = /le="([^"]+)"\}\s+(\S+)/.exec(line);
      if (m) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
    } else if (line.startsWith(`${name}_sum `)) {
      sum = Number(line.slice(name.length + 5));
    } else if (line.startsWith(`${name}_count `)) {
      count = Number(line.slice(name.length + 7));
    }
  }
  if (buckets.length === 0) return undefined;
  buckets.sort((a, b) => a[0] - b[0]);
  return { buckets, sum, count };
}

/** What was observed between two scrapes. */
export function histogramDelta(before: Histogram | undefined, after: Histogram): Histogram {
  const prev = new Map(before?.buckets ?? []);
  return {
    buckets: after.buckets.map(([le, n]) => [le, n - (prev.get(le) ?? 0)]),
    sum: after.sum - (before?.sum ?? 0),
    count: after.count - (before?.count ?? 0),
  };
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding rank q·count. */
export function histogramQuantile(h: Histogram, q: number): number {
  const total = h.buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, n] of h.buckets) {
    if (n >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(n - below, 1e-12);
    }
    lower = le;
    below = n;
  }
  return lower;
}
