import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWrk, type WrkResult } from './loads.js';

const report = (latency: string, errors = ''): string => `Running 3s test @ http://10.251.0.2:8080/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   340.12us  200.00us   5.00ms   90.00%
    Req/Sec    80.00k     5.00k   90.00k    70.00%
  Latency Distribution
${latency}
  250812 requests in 3.00s, 301.43MB read
${errors}Requests/sec:  83641.23
Transfer/sec:    100.52MB
`;

const cases: { name: string; out: string; want: WrkResult }[] = [
  {
    name: 'microseconds and milliseconds, no errors',
    out: report('     50%  262.00us\n     75%  400.00us\n     90%  801.00us\n     99%    3.43ms'),
    want: { rps: 83641.23, requests: 250812, p50: 0.262, p90: 0.801, p99: 3.43, errors: 0 },
  },
  {
    name: 'seconds, socket errors and non-2xx responses are summed',
    out: report('     50%    1.50ms\n     75%    2.00ms\n     90%   10.00ms\n     99%    1.20s',
      '  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 5\n'),
    want: { rps: 83641.23, requests: 250812, p50: 1.5, p90: 10, p99: 1200, errors: 15 },
  },
  {
    name: 'a report without a distribution has no percentiles',
    out: 'Running 1s test @ http://x/\n  12 requests in 1.00s, 1KB read\nRequests/sec:     12.00\n',
    want: { rps: 12, requests: 12, p50: NaN, p90: NaN, p99: NaN, errors: 0 },
  },
];

for (const c of cases) {
  test(`parseWrk: ${c.name}`, () => {
    const got = parseWrk(c.out);
    assert.equal(got.rps, c.want.rps);
    assert.equal(got.requests, c.want.requests);
    assert.equal(got.errors, c.want.errors);
    for (const k of ['p50', 'p90', 'p99'] as const) {
      if (Number.isNaN(c.want[k])) assert.ok(Number.isNaN(got[k]), `${k} should be NaN, got ${got[k]}`);
      else assert.ok(Math.abs(got[k] - c.want[k]) < 1e-9, `${k}: ${got[k]} != ${c.want[k]}`);
    }
  });
}
