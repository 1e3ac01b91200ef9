import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramDelta, histogramQuantile, parseHistogram, percentile } from './stats.js';

test('percentile: nearest rank over finite samples', () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
  const cases: Array<[readonly number[], number, number]> = [
    [xs, 0.5, 50],
    [xs, 0.99, 99],
    [xs, 1, 100],
    [[3, NaN, 1, 2], 0.5, 2],
    [[NaN], 0.5, NaN],
    [[7], 0.99, 7],
  ];
  for (const [samples, q, want] of cases) assert.deepEqual(percentile(samples, q), want, `q=${q} of ${samples.length}`);
});

const SCRAPE = (a: number, b: number, c: number, sum: number) => `# HELP pilot_proxy_convergence_time Delay
# TYPE pilot_proxy_convergence_time histogram
pilot_proxy_convergence_time_bucket{le="0.1"} ${a}
pilot_proxy_convergence_time_bucket{le="0.5"} ${b}
pilot_proxy_convergence_time_bucket{le="1"} ${c}
pilot_proxy_convergence_time_bucket{le="+Inf"} ${c}
pilot_proxy_convergence_time_sum ${sum}
pilot_proxy_convergence_time_count ${c}
pilot_xds_push_time_bucket{le="0.1",type="eds"} 9
`;

test('histograms: parse, delta between scrapes, quantile as histogram_quantile', () => {
  const before = parseHistogram(SCRAPE(10, 10, 10, 0.5), 'pilot_proxy_convergence_time');
  const after = parseHistogram(SCRAPE(10, 110, 210, 150.5), 'pilot_proxy_convergence_time')!;
  assert.deepEqual(after.buckets, [[0.1, 10], [0.5, 110], [1, 210], [Infinity, 210]]);
  const d = histogramDelta(before, after);
  assert.deepEqual(d, { buckets: [[0.1, 0], [0.5, 100], [1, 200], [Infinity, 200]], sum: 150, count: 200 });
  // rank 100 of 200 sits at the top of (0.1, 0.5]; rank 198 is 98 % of the way through (0.5, 1].
  assert.equal(histogramQuantile(d, 0.5), 0.5);
  assert.ok(Math.abs(histogramQuantile(d, 0.99) - 0.99) < 1e-9);
  assert.equal(parseHistogram('nothing here', 'pilot_proxy_convergence_time'), undefined);
  assert.ok(Number.isNaN(histogramQuantile(histogramDelta(after, after), 0.5)));
});
