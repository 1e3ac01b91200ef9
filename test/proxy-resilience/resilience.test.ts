// Retries, outlier ejection, fault/CORS filters, mirroring and consistent hashing through a real
// proxy on loopback: scripted upstreams record what they received, the client checks what it got.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { ClusterConfig, Route, VirtualHost } from '../../src/proxy/config/types.js';
import { get, raw } from '../../src/proxy/testing.js';

type Behaviour = 'ok' | '503' | '409' | 'reset' | 'hang' | 'die-mid' | 'grpc-unavailable';

interface Upstream { name: string; port: number; server: Server; hits: { url: string; headers: IncomingHttpHeaders; body: string }[]; script: Behaviour[]; dflt: Behaviour }

const upstreams: Upstream[] = [];

async function upstream(name: string, dflt: Behaviour = 'ok', script: Behaviour[] = []): Promise<Upstream> {
  const u: Upstream = { name, port: 0, server: undefined as unknown as Server, hits: [], script, dflt };
  u.server = createServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      u.hits.push({ url: req.url ?? '', headers: req.headers, body });
      const b = u.script.shift() ?? u.dflt;
      switch (b) {
        case 'ok': res.writeHead(200, { 'x-backend': name }); res.end(`${name}:${body}`); break;
        case '503': res.writeHead(503, { 'x-backend': name }); res.end('unavailable'); break;
        case '409': res.writeHead(409); res.end('conflict'); break;
        case 'reset': req.socket.destroy(); break;
        case 'hang': break;
        case 'die-mid': res.writeHead(200, { 'content-length': '100' }); res.write('partial'); setTimeout(() => req.socket.destroy(), 10); break;
        case 'grpc-unavailable': res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-status': '14' }); res.end(); break;
      }
    });
  });
  await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', () => r()));
  u.port = (u.server.address() as AddressInfo).port;
  upstreams.push(u);
  return u;
}

function cluster(name: string, ups: Upstream[], extra: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name, type: 'STATIC', connectTimeoutMs: 500, ...extra,
    loadAssignment: { clusterName: name, endpoints: ups.map((u) => ({ address: '127.0.0.1', port: u.port })) },
  };
}

async function proxyWith(routes: Route[], clusters: ClusterConfig[], vh: Partial<VirtualHost> = {}, hcm: Record<string, unknown> = {}, random?: () => number) {
  const { Proxy } = await import('../../src/proxy/proxy.js');
  const access: { responseFlags: string; status: number }[] = [];
  const proxy = new Proxy({ onAccess: (r) => access.push(r), random });
  await proxy.apply({
    version: 't',
    listeners: [{ name: 'l', address: '127.0.0.1', port: 0, filterChains: [{ httpConnectionManager: { statPrefix: 'in', routeConfigName: 'rc', ...hcm } }] }],
    routeConfigs: [{ name: 'rc', virtualHosts: [{ name: 'vh', domains: ['*'], routes, ...vh }] }],
    clusters,
  });
  proxies.push(proxy);
  const stat = (name: string): number => proxy.stats.snapshot().find(([k]) => k === name)?.[1] ?? -1;
  return { proxy, port: proxy.listenerPort('l')!, access, stat };
}

const proxies: { close(): Promise<void> }[] = [];

after(async () => {
  for (const p of proxies) await p.close();
  for (const u of upstreams) {
    u.server.closeAllConnections();
    u.server.close();
  }
});

const fastRetry = { retryBackOff: { baseIntervalMs: 1, maxIntervalMs: 2 } };

describe('retries', () => {
  it('retries 503 on 5xx and succeeds on the next host; counts attempts and sets x-envoy-attempt-count', async () => {
    const bad = await upstream('bad', '503');
    const good = await upstream('good');
    const px = await proxyWith(
      [{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx', numRetries: 2, ...fastRetry, retryHostPredicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }], hostSelectionRetryMaxAttempts: 3 } } }],
      [cluster('c', [bad, good])],
      { includeRequestAttemptCount: true, includeAttemptCountInResponse: true },
    );
    const r = await get(px.port, '/x', { host: 'svc' }, 'POST', 'payload');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'good:payload');
    assert.equal(r.headers['x-envoy-attempt-count'], '2');
    assert.equal(bad.hits.length, 1);
    assert.deepEqual(good.hits.map((h) => [h.body, h.headers['x-envoy-attempt-count']]), [['payload', '2']]);
    assert.equal(px.stat('cluster.c.upstream_rq_retry'), 1);
    assert.equal(px.stat('cluster.c.upstream_rq_retry_success'), 1);
  });

  it('gives up after num_retries: the last 503 is forwarded with flag URX', async () => {
    const u = await upstream('always503', '503');
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: 'gateway-error', numRetries: 3, ...fastRetry } } }], [cluster('c', [u])]);
    const r = await get(px.port, '/', { host: 'svc' });
    assert.equal(r.status, 503);
    assert.equal(u.hits.length, 4);
    assert.equal(px.access.at(-1)!.responseFlags, 'URX');
    assert.equal(px.stat('cluster.c.upstream_rq_retry_limit_exceeded'), 1);
  });

  it('retries resets and connect failures; does not retry what the policy does not name', async () => {
    const flaky = await upstream('flaky', 'ok', ['reset']);
    const px = await proxyWith([
      { match: { prefix: '/reset' }, route: { cluster: 'c', retryPolicy: { retryOn: 'reset', ...fastRetry } } },
      { match: { prefix: '/4xx' }, route: { cluster: 'd', retryPolicy: { retryOn: 'connect-failure', ...fastRetry } } },
      { match: { prefix: '/409' }, route: { cluster: 'd', retryPolicy: { retryOn: 'retriable-4xx', ...fastRetry } } },
    ], [cluster('c', [flaky]), cluster('d', [await upstream('conflict', '409')])]);
    const r = await get(px.port, '/reset', { host: 'svc' });
    assert.equal(r.status, 200);
    assert.equal(flaky.hits.length, 2);
    const d = upstreams.find((u) => u.name === 'conflict')!;
    assert.equal((await get(px.port, '/4xx', { host: 'svc' })).status, 409);
    assert.equal(d.hits.length, 1);
    assert.equal((await get(px.port, '/409', { host: 'svc' })).status, 409);
    assert.equal(d.hits.length, 3);
  });

  it('per-try timeout: a hanging upstream is abandoned and the retry answers; without retries left 504 UT', async () => {
    const u = await upstream('slow', 'ok', ['hang']);
    const px = await proxyWith([
      { match: { prefix: '/' }, route: { cluster: 'c', timeoutMs: 3000, retryPolicy: { retryOn: '5xx', numRetries: 1, perTryTimeoutMs: 100, ...fastRetry } } },
    ], [cluster('c', [u])]);
    const t0 = performance.now();
    const r = await get(px.port, '/', { host: 'svc' });
    assert.equal(r.status, 200);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(u.hits.length, 2);
    assert.equal(px.stat('cluster.c.upstream_rq_per_try_timeout'), 1);
    u.script.push('hang', 'hang');
    const r2 = await get(px.port, '/', { host: 'svc' });
    assert.equal(r2.status, 504);
    assert.equal(px.access.at(-1)!.responseFlags, 'UT,URX');
  });

  it('gRPC unavailable in grpc-status is retried on "unavailable"', async () => {
    const u = await upstream('grpc', 'ok', ['grpc-unavailable']);
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: 'unavailable', ...fastRetry } } }], [cluster('c', [u])]);
    assert.equal((await get(px.port, '/pkg.Svc/M', { host: 'svc' })).status, 200);
    assert.equal(u.hits.length, 2);
  });

  it('dies mid-response: not retried (the response started), the client connection is cut', async () => {
    const u = await upstream('dies', 'ok', ['die-mid']);
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx,reset', ...fastRetry } } }], [cluster('c', [u])]);
    const r = await raw(px.port, 'GET / HTTP/1.1\r\nhost: svc\r\n\r\n', 2000);
    assert.equal(r.closed, true);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\npartial$/);
    assert.equal(u.hits.length, 1);
    assert.equal(px.access.at(-1)!.responseFlags, 'UR');
  });

  it('max_retries overflow: no retry, the 503 is forwarded with flag UO', async () => {
    const u = await upstream('overflow', '503');
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx', numRetries: 2, ...fastRetry } } }], [cluster('c', [u], { circuitBreakers: { maxRetries: 0 } })]);
    const r = await get(px.port, '/', { host: 'svc' });
    assert.equal(r.status, 503);
    assert.equal(u.hits.length, 1);
    assert.equal(px.access.at(-1)!.responseFlags, 'UO');
    assert.equal(px.stat('cluster.c.upstream_rq_retry_overflow'), 1);
  });
});

describe('outlier detection', () => {
  it('ejects a host after consecutive 5xx and brings it back after the base ejection time', async () => {
    const bad = await upstream('od-bad', '503');
    const good = await upstream('od-good');
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [bad, good], {
      outlierDetection: { consecutive5xx: 2, intervalMs: 50, baseEjectionTimeMs: 300, maxEjectionPercent: 50 },
    })]);
    for (let i = 0; i < 4; i++) await get(px.port, '/', { host: 'svc' }); // RR: bad gets 2 → ejected
    assert.equal(px.stat('cluster.c.outlier_detection.ejections_active'), 1);
    assert.equal(px.stat('cluster.c.outlier_detection.ejections_enforced_consecutive_5xx'), 1);
    const before = bad.hits.length;
    for (let i = 0; i < 6; i++) assert.equal((await get(px.port, '/', { host: 'svc' })).status, 200);
    assert.equal(bad.hits.length, before);
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(px.stat('cluster.c.outlier_detection.ejections_active'), 0);
    for (let i = 0; i < 4; i++) await get(px.port, '/', { host: 'svc' });
    assert.ok(bad.hits.length > before);
  });

  it('circuit breaker overflow is 503 UO', async () => {
    const u = await upstream('cb', 'hang');
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', timeoutMs: 300 } }], [cluster('c', [u], { circuitBreakers: { maxRequests: 1 } })]);
    const first = get(px.port, '/', { host: 'svc' });
    await new Promise((r) => setTimeout(r, 50));
    const r = await get(px.port, '/', { host: 'svc' });
    assert.equal(r.status, 503);
    assert.match(r.body, /overflow/);
    assert.equal((await first).status, 504);
  });
});

describe('fault and CORS filters', () => {
  it('aborts at 100 % with the HTTP status (FI), per-route config replaces the listener one, 0 % never fires', async () => {
    const u = await upstream('fault');
    const px = await proxyWith([
      { match: { prefix: '/route-abort' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { abort: { httpStatus: 418, percentage: { numerator: 100 } } } } },
      { match: { prefix: '/never' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { abort: { httpStatus: 500, percentage: { numerator: 0 } } } } },
      { match: { prefix: '/delay' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { delay: { fixedDelayMs: 200, percentage: { numerator: 100 } } } } },
      { match: { prefix: '/grpc' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { abort: { grpcStatus: 14, percentage: { numerator: 100 } } } } },
      { match: { prefix: '/' }, route: { cluster: 'c' } },
    ], [cluster('c', [u])], {}, { httpFilters: [{ name: 'envoy.filters.http.fault', kind: 'fault', fault: { abort: { httpStatus: 503, percentage: { numerator: 100 } } } }] });
    const a = await get(px.port, '/route-abort', { host: 'svc' });
    assert.deepEqual([a.status, a.body], [418, 'fault filter abort']);
    assert.equal(px.access.at(-1)!.responseFlags, 'FI');
    assert.equal((await get(px.port, '/other', { host: 'svc' })).status, 503);
    assert.equal(u.hits.length, 0);
    assert.equal((await get(px.port, '/never', { host: 'svc' })).status, 200);
    const t0 = performance.now();
    assert.equal((await get(px.port, '/delay', { host: 'svc' })).status, 200);
    assert.ok(performance.now() - t0 >= 190);
    assert.equal(px.access.at(-1)!.responseFlags, 'DI');
    const g = await get(px.port, '/grpc', { host: 'svc', 'content-type': 'application/grpc' });
    assert.deepEqual([g.status, g.headers['grpc-status'], g.headers['grpc-message']], [200, '14', 'fault filter abort']);
    assert.equal(px.stat('http.in.fault.aborts_injected'), 3);
    assert.equal(px.stat('http.in.fault.delays_injected'), 1);
  });

  it('aborts about the configured share of requests (seeded)', async () => {
    const u = await upstream('fault-share');
    let s = 42;
    const random = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [u])], {},
      { httpFilters: [{ name: 'envoy.filters.http.fault', kind: 'fault', fault: { abort: { httpStatus: 500, percentage: { numerator: 30 } } } }] }, random);
    let aborted = 0;
    for (let i = 0; i < 200; i++) if ((await get(px.port, '/', { host: 'svc' })).status === 500) aborted++;
    assert.ok(aborted > 40 && aborted < 80, `aborted ${aborted} of 200`);
    assert.equal(u.hits.length, 200 - aborted);
  });

  it('answers preflights from allowed origins and decorates actual responses; others pass untouched', async () => {
    const u = await upstream('cors');
    const cors = { allowOriginStringMatch: [{ exact: 'https://app.example' }, { suffix: '.trusted.example' }], allowMethods: 'GET,POST', allowHeaders: 'x-token', exposeHeaders: 'x-backend', maxAge: '600', allowCredentials: true };
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [u])], { typedPerFilterConfig: { cors } },
      { httpFilters: [{ name: 'envoy.filters.http.cors', kind: 'cors' }] });
    const pre = await get(px.port, '/api', { host: 'svc', origin: 'https://app.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    assert.equal(pre.status, 200);
    assert.deepEqual(
      [pre.headers['access-control-allow-origin'], pre.headers['access-control-allow-methods'], pre.headers['access-control-allow-headers'], pre.headers['access-control-max-age'], pre.headers['access-control-allow-credentials']],
      ['https://app.example', 'GET,POST', 'x-token', '600', 'true'],
    );
    assert.equal(u.hits.length, 0);
    const actual = await get(px.port, '/api', { host: 'svc', origin: 'https://x.trusted.example' });
    assert.deepEqual([actual.status, actual.headers['access-control-allow-origin'], actual.headers['access-control-expose-headers']], [200, 'https://x.trusted.example', 'x-backend']);
    const evil = await get(px.port, '/api', { host: 'svc', origin: 'https://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    assert.equal(u.hits.length, 2); // the actual request and the forwarded non-matching preflight
    assert.equal(px.stat('http.in.cors.origin_invalid'), 1);
  });
});

describe('mirroring and consistent hashing', () => {
  it('mirrors to the shadow cluster with a -shadow host and does not wait for it', async () => {
    const main = await upstream('main');
    const shadow = await upstream('shadow', 'hang');
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'main', timeoutMs: 2000, requestMirrorPolicies: [{ cluster: 'shadow' }] } }], [cluster('main', [main]), cluster('shadow', [shadow])]);
    const t0 = performance.now();
    const r = await get(px.port, '/m', { host: 'reviews:9080' }, 'POST', 'copy-me');
    assert.equal(r.status, 200);
    assert.ok(performance.now() - t0 < 500);
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(shadow.hits.map((h) => [h.headers.host, h.body]), [['reviews-shadow:9080', 'copy-me']]);
    assert.equal(main.hits[0].headers.host, 'reviews:9080');
  });

  for (const lbPolicy of ['RING_HASH', 'MAGLEV'] as const) {
    it(`${lbPolicy}: the same header value always reaches the same host; keys spread over hosts`, async () => {
      const ups = [await upstream(`${lbPolicy}-a`), await upstream(`${lbPolicy}-b`), await upstream(`${lbPolicy}-c`)];
      const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', hashPolicy: [{ header: { headerName: 'x-user' } }] } }], [cluster('c', ups, { lbPolicy })]);
      const seen = new Map<string, Set<string>>();
      for (let round = 0; round < 3; round++) {
        for (let u = 0; u < 12; u++) {
          const r = await get(px.port, '/', { host: 'svc', 'x-user': `user-${u}` });
          const set = seen.get(`user-${u}`) ?? new Set<string>();
          set.add(String(r.headers['x-backend']));
          seen.set(`user-${u}`, set);
        }
      }
      for (const [k, v] of seen) assert.equal(v.size, 1, `${k} went to ${[...v].join(',')}`);
      assert.ok(ups.filter((u) => u.hits.length > 0).length >= 2);
    });
  }

  it('cookie hash policy with a TTL mints a cookie and keeps the client on one host', async () => {
    const ups = [await upstream('ck-a'), await upstream('ck-b')];
    const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', hashPolicy: [{ cookie: { name: 'sticky', ttlMs: 60_000, path: '/' } }] } }], [cluster('c', ups, { lbPolicy: 'RING_HASH' })]);
    const first = await get(px.port, '/', { host: 'svc' });
    const setCookie = String(first.headers['set-cookie']);
    assert.match(setCookie, /^sticky="[0-9a-f]{16}"; Max-Age=60; Path=\/; HttpOnly$/);
    const cookie = setCookie.split(';')[0];
    const backends = new Set<string>();
    for (let i = 0; i < 6; i++) backends.add(String((await get(px.port, '/', { host: 'svc', cookie })).headers['x-backend']));
    assert.equal(backends.size, 1);
  });
});
