// ORIGINAL_DST host map: a host per destination (port override, header), reused while used,
// removed by the sweep once unused for a whole cleanup interval and idle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OriginalDstHosts } from './original-dst-hosts.js';

interface FakeHost { key: string; activeRequests: number; drained: boolean; drain(): void }

function make(extra: object = {}) {
  const changes: string[][] = [];
  const hosts = new OriginalDstHosts<FakeHost>({ name: 'c', type: 'ORIGINAL_DST', cleanupIntervalMs: 3_600_000, ...extra }, {
    makeHost: (address, port) => ({ key: `${address}:${port}`, activeRequests: 0, drained: false, drain() { this.drained = true; } }),
    membershipChanged: (hs) => changes.push(hs.map((h) => h.key)),
  });
  return { hosts, changes };
}
const dst = (address: string, port: number) => ({ hash: undefined, attempt: 0, destination: { address, port } });

test('one host per destination, reused; none without a destination', () => {
  const { hosts, changes } = make();
  const h1 = hosts.pick(dst('10.0.0.1', 80));
  assert.equal(hosts.pick(dst('10.0.0.1', 80)), h1);
  assert.equal(hosts.pick(dst('fd00::1', 80))?.key, 'fd00::1:80');
  assert.equal(hosts.pick({ hash: undefined, attempt: 0 }), undefined);
  assert.equal(hosts.pick(undefined), undefined);
  assert.deepEqual(changes, [['10.0.0.1:80'], ['10.0.0.1:80', 'fd00::1:80']]);
  hosts.close();
});

test('sweep keeps hosts used since the last sweep or busy, removes and drains the rest', () => {
  const { hosts, changes } = make();
  const a = hosts.pick(dst('10.0.0.1', 80))!;
  const b = hosts.pick(dst('10.0.0.2', 80))!;
  hosts.sweep(); // both were used in this interval
  assert.equal(hosts.size, 2);
  b.activeRequests = 1;
  hosts.sweep(); // a unused for a whole interval; b still has a request in flight
  assert.deepEqual([hosts.size, a.drained, b.drained], [1, true, false]);
  assert.deepEqual(changes.at(-1), ['10.0.0.2:80']);
  assert.notEqual(hosts.pick(dst('10.0.0.1', 80)), a, 'a removed host is made afresh');
  hosts.close();
});

test('upstream_port_override and use_http_header (valid header wins, invalid falls back)', () => {
  const { hosts } = make({ originalDstLbConfig: { useHttpHeader: true, upstreamPortOverride: 8080 } });
  const headers: Record<string, string> = { 'x-envoy-original-dst-host': '10.9.9.9:1234' };
  assert.equal(hosts.pick({ ...dst('10.0.0.1', 80), header: (n) => headers[n] })?.key, '10.9.9.9:8080');
  headers['x-envoy-original-dst-host'] = 'garbage';
  assert.equal(hosts.pick({ ...dst('10.0.0.1', 80), header: (n) => headers[n] })?.key, '10.0.0.1:8080');
  hosts.close();
  const named = make({ originalDstLbConfig: { useHttpHeader: true, httpHeaderName: 'x-dst' } }).hosts;
  assert.equal(named.pick({ hash: undefined, attempt: 0, header: (n) => (n === 'x-dst' ? '10.0.0.5:99' : undefined) })?.key, '10.0.0.5:99');
  named.close();
  const off = make().hosts;
  assert.equal(off.pick({ ...dst('10.0.0.1', 80), header: () => '10.9.9.9:1' })?.key, '10.0.0.1:80', 'the header is ignored unless use_http_header');
  off.close();
});
