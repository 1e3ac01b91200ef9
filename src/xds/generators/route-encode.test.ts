// Route configurations assembled from remembered virtual-host encodings must be byte-identical to
// encoding them whole, for every RDS golden case (sidecar and gateway, delegates, http features,
// egress scoping), and an edit of one virtual host must re-encode that host alone.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { goldenCases } from '../../pilot/networking/endpoint/golden-fixture.js';
import { buildListeners, referencedRouteNames } from '../../pilot/networking/listener/index.js';
import { buildRoutes } from '../../pilot/networking/route/index.js';
import { TypeUrl, type RouteConfiguration, type VirtualHost } from '../../xds-api/index.js';
import { encodeResource } from './encode.js';
import { encodeRouteConfiguration, VirtualHostMemo } from './route-encode.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIR = join(here.replace(/([\\/])dist[\\/]src[\\/]/, '$1src$1'), '..', '..', 'pilot', 'networking', 'testdata', 'route');

const whole = (rc: RouteConfiguration) => encodeResource(TypeUrl.RouteConfiguration, rc.name ?? '', rc);

test('route configurations from remembered virtual hosts equal the whole encoding (RDS golden cases)', () => {
  const cases = goldenCases(DIR);
  assert.ok(cases.length >= 4);
  const memo = new VirtualHostMemo();
  let configs = 0;
  for (const c of cases) {
    const routes = buildRoutes(c.proxy, c.push, referencedRouteNames(buildListeners(c.proxy, c.push)));
    for (const rc of routes) {
      // Twice: the second time every virtual host comes from the memo.
      for (let round = 0; round < 2; round++) assert.deepEqual(encodeRouteConfiguration(rc, memo), whole(rc), `${c.name} ${rc.name} round ${round}`);
      configs++;
    }
  }
  assert.ok(configs > 4 && memo.hits > 0);
});

test('edge shapes: no name, no virtual hosts, large hosts (multi-byte lengths)', () => {
  const memo = new VirtualHostMemo();
  const big: VirtualHost = { name: 'big', domains: Array.from({ length: 400 }, (_, i) => `host-${i}.example.com`), routes: [{ match: { prefix: '/' }, route: { cluster: 'c' } }] };
  const shapes: RouteConfiguration[] = [
    {},
    { name: 'x' },
    { virtual_hosts: [big] },
    { name: '80', virtual_hosts: [big, { name: 'small', domains: ['*'] }], validate_clusters: { value: false }, ignore_port_in_host_matching: true },
  ];
  for (const rc of shapes) assert.deepEqual(encodeRouteConfiguration(rc, memo), whole(rc), JSON.stringify(rc).slice(0, 60));
});

test('an edit of one virtual host re-encodes only that host', () => {
  const memo = new VirtualHostMemo();
  const hosts = (rev: string): VirtualHost[] => Array.from({ length: 50 }, (_, i) => ({
    name: `svc-${i}:80`, domains: [`svc-${i}`], routes: [{ match: { prefix: '/', headers: [{ name: 'x-rev', string_match: { exact: i === 7 ? rev : 'r0' } }] }, route: { cluster: `outbound|80||svc-${i}` } }],
  }));
  const a: RouteConfiguration = { name: '80', virtual_hosts: hosts('r0') };
  const b: RouteConfiguration = { name: '80', virtual_hosts: hosts('r1') };
  encodeRouteConfiguration(a, memo);
  assert.deepEqual([memo.hits, memo.misses], [0, 50]);
  assert.deepEqual(encodeRouteConfiguration(b, memo), whole(b));
  assert.deepEqual([memo.hits, memo.misses], [49, 51]);
});

test('the memo is bounded: hosts unused for a generation are dropped', () => {
  const memo = new VirtualHostMemo(10);
  const rc = (from: number): RouteConfiguration => ({ name: '80', virtual_hosts: Array.from({ length: 10 }, (_, i) => ({ name: `h${from + i}`, domains: [`h${from + i}`] })) });
  for (let k = 0; k < 5; k++) encodeRouteConfiguration(rc(k * 10), memo);
  assert.ok(memo.size <= 20, `size ${memo.size}`);
  assert.deepEqual(encodeRouteConfiguration(rc(0), memo), whole(rc(0)));
});
