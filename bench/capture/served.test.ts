import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkServed, type Sent } from './served.js';

const prefixes = { http: 'outbound_0.0.0.0_8080', tcp: 'outbound|9090||backend' };
const stats = (rq: number, tcp: number, cx?: number): Map<string, number> => new Map([
  ['http.outbound_0.0.0.0_8080.downstream_rq_total', rq],
  ['tcp.outbound|9090||backend.downstream_cx_total', tcp],
  ...(cx === undefined ? [] : [['listener.0.0.0.0_15001.downstream_cx_total', cx] as [string, number]]),
]);
const sent: Sent = { http: 1000, churn: 300, tcpConns: 64 };

const cases: { name: string; captured: boolean; stats: Map<string, number>; want: number | RegExp }[] = [
  { name: 'captured, every request and connection accounted for', captured: true, stats: stats(1010, 64, 500), want: 500 },
  { name: 'explicit, nothing on the capture port', captured: false, stats: stats(1000, 64), want: 0 },
  { name: 'captured but the proxy saw fewer requests (capture failed)', captured: true, stats: stats(0, 0, 0), want: /0 HTTP requests counted, 1000 completed.*0 TCP connections counted, 64 opened.*0 connections accepted on :15001, fewer than the 364 captured/ },
  { name: 'captured but fewer connections than captures', captured: true, stats: stats(1000, 64, 363), want: /363 connections accepted on :15001, fewer than the 364/ },
  { name: 'more requests than the drivers plus in-flight slack (another run leaked in)', captured: false, stats: stats(1101, 64), want: /1101 HTTP requests counted/ },
  { name: 'explicit, yet connections arrived on the capture port', captured: false, stats: stats(1000, 64, 3), want: /3 connections accepted on :15001$/ },
];

for (const c of cases) {
  test(`checkServed: ${c.name}`, () => {
    const run = (): number => checkServed('p', sent, c.stats, { captured: c.captured, prefixes, capturePort: 15001, slack: 100 });
    if (typeof c.want === 'number') assert.equal(run(), c.want);
    else assert.throws(run, c.want);
  });
}
