// Retries, outlier ejection, fault/CORS filters, mirroring and consistent hashing through a real
// proxy on loopback, over every downstream × upstream codec pairing (HTTP/1.1, HTTP/2): scripted
// upstreams record what they received, the client checks what it got.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { call, callCut, closeAll, cluster, CODECS, proxyWith, upstream } from './harness.js';

after(closeAll);

const fastRetry = { retryBackOff: { baseIntervalMs: 1, maxIntervalMs: 2 } };

for (const ds of CODECS) {
  for (const us of CODECS) {
    const req = (port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) => call(ds, port, path, { host: 'svc', ...headers }, method, body);

    describe(`retries: downstream ${ds}, upstream ${us}`, () => {
      it('retries 503 on 5xx and succeeds on the next host; counts attempts and sets x-envoy-attempt-count', async () => {
        const bad = await upstream(us, 'bad', '503');
        const good = await upstream(us, 'good');
        const px = await proxyWith(
          [{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx', numRetries: 2, ...fastRetry, retryHostPredicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }], hostSelectionRetryMaxAttempts: 3 } } }],
          [cluster('c', [bad, good])],
          { includeRequestAttemptCount: true, includeAttemptCountInResponse: true },
        );
        // Round robin starts on the first host: the bad one answers 503, the retry goes to the good one.
        const r = await req(px.port, '/x', {}, 'POST', 'payload');
        assert.equal(r.status, 200);
        assert.equal(r.body, 'good:payload');
        assert.equal(r.headers['x-envoy-attempt-count'], '2');
        assert.deepEqual(bad.hits.map((h) => [h.body, h.headers['x-envoy-attempt-count']]), [['payload', '1']]);
        assert.deepEqual(good.hits.map((h) => [h.body, h.headers['x-envoy-attempt-count']]), [['payload', '2']]);
        assert.equal(px.stat('cluster.c.upstream_rq_retry'), 1);
        assert.equal(px.stat('cluster.c.upstream_rq_retry_success'), 1);
      });

      it('gives up after num_retries: the last 503 is forwarded with flag URX', async () => {
        const u = await upstream(us, 'always503', '503');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: 'gateway-error', numRetries: 3, ...fastRetry } } }], [cluster('c', [u])]);
        const r = await req(px.port, '/');
        assert.deepEqual([r.status, r.body], [503, 'unavailable']);
        assert.equal(u.hits.length, 4);
        assert.equal(px.access.at(-1)!.responseFlags, 'URX');
        assert.equal(px.stat('cluster.c.upstream_rq_retry_limit_exceeded'), 1);
      });

      it('retries resets; does not retry what the policy does not name', async () => {
        const flaky = await upstream(us, 'flaky', 'ok', ['reset']);
        const conflict = await upstream(us, 'conflict', '409');
        const px = await proxyWith([
          { match: { prefix: '/reset' }, route: { cluster: 'c', retryPolicy: { retryOn: 'reset', ...fastRetry } } },
          { match: { prefix: '/4xx' }, route: { cluster: 'd', retryPolicy: { retryOn: 'connect-failure', ...fastRetry } } },
          { match: { prefix: '/409' }, route: { cluster: 'd', retryPolicy: { retryOn: 'retriable-4xx', ...fastRetry } } },
        ], [cluster('c', [flaky]), cluster('d', [conflict])]);
        const r = await req(px.port, '/reset', {}, 'POST', 'again');
        assert.deepEqual([r.status, r.body], [200, 'flaky:again']);
        assert.deepEqual(flaky.hits.map((h) => h.body), ['again', 'again']);
        assert.equal(px.stat('cluster.c.upstream_rq_rx_reset'), 1);
        assert.equal((await req(px.port, '/4xx')).status, 409);
        assert.equal(conflict.hits.length, 1);
        assert.equal((await req(px.port, '/409')).status, 409);
        assert.equal(conflict.hits.length, 3);
      });

      it('an upstream reset without a retry policy is 503 with the reset reason', async () => {
        const u = await upstream(us, 'resets', 'reset');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [u])]);
        const r = await req(px.port, '/');
        assert.equal(r.status, 503);
        const reason = us === 'HTTP1' ? 'connection termination' : 'remote reset';
        assert.equal(r.body, `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`);
        assert.equal(px.access.at(-1)!.responseFlags, us === 'HTTP1' ? 'UC' : 'UR');
      });

      if (us === 'HTTP2') {
        it('retries a refused stream on refused-stream; without a policy it is 503 UR', async () => {
          const u = await upstream(us, 'refuses', 'ok', ['refused']);
          const px = await proxyWith([
            { match: { prefix: '/retry' }, route: { cluster: 'c', retryPolicy: { retryOn: 'refused-stream', ...fastRetry } } },
            { match: { prefix: '/' }, route: { cluster: 'c' } },
          ], [cluster('c', [u])]);
          const r = await req(px.port, '/retry', {}, 'POST', 'body');
          assert.deepEqual([r.status, r.body], [200, 'refuses:body']);
          assert.equal(u.hits.length, 2);
          assert.equal(px.stat('cluster.c.upstream_rq_retry'), 1);
          u.script.push('refused');
          const plain = await req(px.port, '/plain');
          assert.deepEqual([plain.status, plain.body], [503, 'upstream connect error or disconnect/reset before headers. reset reason: remote refused stream reset']);
          assert.equal(px.access.at(-1)!.responseFlags, 'UR');
        });
      }

      it('per-try timeout: a hanging upstream is abandoned and the retry answers; without retries left 504 UT', async () => {
        const u = await upstream(us, 'slow', 'ok', ['hang']);
        const px = await proxyWith([
          { match: { prefix: '/' }, route: { cluster: 'c', timeoutMs: 3000, retryPolicy: { retryOn: '5xx', numRetries: 1, perTryTimeoutMs: 100, ...fastRetry } } },
        ], [cluster('c', [u])]);
        const t0 = performance.now();
        const r = await req(px.port, '/');
        assert.equal(r.status, 200);
        assert.ok(performance.now() - t0 < 1000);
        assert.equal(u.hits.length, 2);
        assert.equal(px.stat('cluster.c.upstream_rq_per_try_timeout'), 1);
        u.script.push('hang', 'hang');
        const r2 = await req(px.port, '/');
        assert.deepEqual([r2.status, r2.body], [504, 'upstream request timeout']);
        assert.equal(px.access.at(-1)!.responseFlags, 'UT,URX');
        assert.equal(px.stat('cluster.c.upstream_rq_per_try_timeout'), 3);
      });

      it('gRPC unavailable in grpc-status is retried on "unavailable"', async () => {
        const u = await upstream(us, 'grpc', 'ok', ['grpc-unavailable']);
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: 'unavailable', ...fastRetry } } }], [cluster('c', [u])]);
        assert.equal((await req(px.port, '/pkg.Svc/M')).status, 200);
        assert.equal(u.hits.length, 2);
      });

      it('dies mid-response: not retried (the response started), the client stream is cut', async () => {
        const u = await upstream(us, 'dies', 'ok', ['die-mid']);
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx,reset', ...fastRetry } } }], [cluster('c', [u])]);
        const r = await callCut(ds, px.port, '/');
        assert.deepEqual(r, { status: 200, body: 'partial', cut: true });
        assert.equal(u.hits.length, 1);
        assert.equal(px.access.at(-1)!.responseFlags, 'UR');
      });

      it('max_retries overflow: no retry, the 503 is forwarded with flag UO', async () => {
        const u = await upstream(us, 'overflow', '503');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', retryPolicy: { retryOn: '5xx', numRetries: 2, ...fastRetry } } }], [cluster('c', [u], { circuitBreakers: { maxRetries: 0 } })]);
        const r = await req(px.port, '/');
        assert.equal(r.status, 503);
        assert.equal(u.hits.length, 1);
        assert.equal(px.access.at(-1)!.responseFlags, 'UO');
        assert.equal(px.stat('cluster.c.upstream_rq_retry_overflow'), 1);
      });
    });

    describe(`outlier detection and circuit breakers: downstream ${ds}, upstream ${us}`, () => {
      it('ejects a host after consecutive 5xx and brings it back after the base ejection time', async () => {
        const bad = await upstream(us, 'od-bad', '503');
        const good = await upstream(us, 'od-good');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [bad, good], {
          outlierDetection: { consecutive5xx: 2, intervalMs: 50, baseEjectionTimeMs: 1000, maxEjectionPercent: 50 },
        })]);
        // Ejected for 1 s: long enough for the next requests on a busy machine.
        for (let i = 0; i < 4; i++) await req(px.port, '/'); // RR: bad gets 2 → ejected
        assert.equal(bad.hits.length, 2);
        assert.equal(px.stat('cluster.c.outlier_detection.ejections_active'), 1);
        assert.equal(px.stat('cluster.c.outlier_detection.ejections_enforced_consecutive_5xx'), 1);
        for (let i = 0; i < 6; i++) assert.equal((await req(px.port, '/')).status, 200);
        assert.equal(bad.hits.length, 2);
        await new Promise((r) => setTimeout(r, 1150));
        assert.equal(px.stat('cluster.c.outlier_detection.ejections_active'), 0);
        for (let i = 0; i < 4; i++) await req(px.port, '/');
        assert.ok(bad.hits.length > 2);
      });

      it('ejects a host whose requests are reset (without the split, a reset counts as a 5xx)', async () => {
        const bad = await upstream(us, 'od-reset', 'reset');
        const good = await upstream(us, 'od-fine');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [bad, good], {
          outlierDetection: { consecutive5xx: 2, intervalMs: 50, baseEjectionTimeMs: 10_000, maxEjectionPercent: 50 },
        })]);
        for (let i = 0; i < 4; i++) await req(px.port, '/');
        assert.equal(bad.hits.length, 2);
        assert.equal(px.stat('cluster.c.outlier_detection.ejections_enforced_consecutive_5xx'), 1);
        for (let i = 0; i < 4; i++) assert.equal((await req(px.port, '/')).status, 200);
        assert.equal(bad.hits.length, 2);
      });

      it('circuit breaker overflow is 503 UO', async () => {
        const u = await upstream(us, 'cb', 'hang');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', timeoutMs: 300 } }], [cluster('c', [u], { circuitBreakers: { maxRequests: 1 } })]);
        const first = req(px.port, '/');
        await new Promise((r) => setTimeout(r, 50));
        const r = await req(px.port, '/');
        assert.equal(r.status, 503);
        assert.match(r.body, /overflow/);
        assert.equal(px.access.at(-1)!.responseFlags, 'UO');
        assert.equal((await first).status, 504);
      });
    });
  }
}

for (const ds of CODECS) {
  const req = (port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) => call(ds, port, path, { host: 'svc', ...headers }, method, body);

  describe(`fault and CORS filters: downstream ${ds}`, () => {
    it('aborts at 100 % with the HTTP status (FI), per-route config replaces the listener one, 0 % never fires', async () => {
      const u = await upstream('HTTP1', 'fault');
      const px = await proxyWith([
        { match: { prefix: '/route-abort' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { abort: { httpStatus: 418, percentage: { numerator: 100 } } } } },
        { match: { prefix: '/never' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { abort: { httpStatus: 500, percentage: { numerator: 0 } } } } },
        { match: { prefix: '/delay' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { delay: { fixedDelayMs: 200, percentage: { numerator: 100 } } } } },
        { match: { prefix: '/grpc' }, route: { cluster: 'c' }, typedPerFilterConfig: { fault: { abort: { grpcStatus: 14, percentage: { numerator: 100 } } } } },
        { match: { prefix: '/' }, route: { cluster: 'c' } },
      ], [cluster('c', [u])], {}, { httpFilters: [{ name: 'envoy.filters.http.fault', kind: 'fault', fault: { abort: { httpStatus: 503, percentage: { numerator: 100 } } } }] });
      const a = await req(px.port, '/route-abort');
      assert.deepEqual([a.status, a.body], [418, 'fault filter abort']);
      assert.equal(px.access.at(-1)!.responseFlags, 'FI');
      assert.equal((await req(px.port, '/other')).status, 503);
      assert.equal(u.hits.length, 0);
      assert.equal((await req(px.port, '/never')).status, 200);
      const t0 = performance.now();
      assert.equal((await req(px.port, '/delay', {}, 'POST', 'late')).status, 200);
      assert.ok(performance.now() - t0 >= 190);
      assert.equal(px.access.at(-1)!.responseFlags, 'DI');
      assert.equal(u.hits.at(-1)!.body, 'late');
      const g = await req(px.port, '/grpc', { 'content-type': 'application/grpc' });
      assert.deepEqual([g.status, g.headers['grpc-status'], g.headers['grpc-message']], [200, '14', 'fault filter abort']);
      const plain = await req(px.port, '/grpc');
      assert.deepEqual([plain.status, plain.body], [503, 'fault filter abort']);
      assert.equal(px.stat('http.in.fault.aborts_injected'), 4);
      assert.equal(px.stat('http.in.fault.delays_injected'), 1);
    });

    it('aborts about the configured share of requests (seeded)', async () => {
      const u = await upstream('HTTP1', 'fault-share');
      let s = 42;
      const random = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
      const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [u])], {},
        { httpFilters: [{ name: 'envoy.filters.http.fault', kind: 'fault', fault: { abort: { httpStatus: 500, percentage: { numerator: 30 } } } }] }, random);
      let aborted = 0;
      for (let i = 0; i < 200; i++) if ((await req(px.port, '/')).status === 500) aborted++;
      assert.ok(aborted > 40 && aborted < 80, `aborted ${aborted} of 200`);
      assert.equal(u.hits.length, 200 - aborted);
    });

    it('answers preflights from allowed origins and decorates actual responses; others pass untouched', async () => {
      const u = await upstream('HTTP1', 'cors');
      const cors = { allowOriginStringMatch: [{ exact: 'https://app.example' }, { suffix: '.trusted.example' }], allowMethods: 'GET,POST', allowHeaders: 'x-token', exposeHeaders: 'x-backend', maxAge: '600', allowCredentials: true };
      const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c' } }], [cluster('c', [u])], { typedPerFilterConfig: { cors } },
        { httpFilters: [{ name: 'envoy.filters.http.cors', kind: 'cors' }] });
      const pre = await req(px.port, '/api', { origin: 'https://app.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
      assert.equal(pre.status, 200);
      assert.deepEqual(
        [pre.headers['access-control-allow-origin'], pre.headers['access-control-allow-methods'], pre.headers['access-control-allow-headers'], pre.headers['access-control-max-age'], pre.headers['access-control-allow-credentials']],
        ['https://app.example', 'GET,POST', 'x-token', '600', 'true'],
      );
      assert.equal(u.hits.length, 0);
      const actual = await req(px.port, '/api', { origin: 'https://x.trusted.example' });
      assert.deepEqual([actual.status, actual.headers['access-control-allow-origin'], actual.headers['access-control-expose-headers']], [200, 'https://x.trusted.example', 'x-backend']);
      const evil = await req(px.port, '/api', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
      assert.equal(u.hits.length, 2); // the actual request and the forwarded non-matching preflight
      assert.equal(px.stat('http.in.cors.origin_invalid'), 1);
    });
  });

  describe(`mirroring and consistent hashing: downstream ${ds}`, () => {
    for (const us of CODECS) {
      it(`mirrors to an ${us} shadow cluster with a -shadow host and does not wait for it`, async () => {
        const main = await upstream(us, 'main');
        const shadow = await upstream(us, 'shadow', 'hang');
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'main', timeoutMs: 2000, requestMirrorPolicies: [{ cluster: 'shadow' }] } }], [cluster('main', [main]), cluster('shadow', [shadow])]);
        const t0 = performance.now();
        const r = await call(ds, px.port, '/m', { host: 'reviews:9080' }, 'POST', 'copy-me');
        assert.deepEqual([r.status, r.body], [200, 'main:copy-me']);
        assert.ok(performance.now() - t0 < 500);
        await new Promise((res) => setTimeout(res, 100));
        assert.deepEqual(shadow.hits.map((h) => [h.url, h.headers.host, h.body]), [['/m', 'reviews-shadow:9080', 'copy-me']]);
        assert.equal(main.hits[0].headers.host, 'reviews:9080');
      });
    }

    for (const lbPolicy of ['RING_HASH', 'MAGLEV'] as const) {
      it(`${lbPolicy}: the same header value always reaches the same host; keys spread over hosts`, async () => {
        const ups = [await upstream('HTTP1', `${lbPolicy}-a`), await upstream('HTTP1', `${lbPolicy}-b`), await upstream('HTTP1', `${lbPolicy}-c`)];
        const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', hashPolicy: [{ header: { headerName: 'x-user' } }] } }], [cluster('c', ups, { lbPolicy })]);
        const seen = new Map<string, Set<string>>();
        for (let round = 0; round < 3; round++) {
          for (let u = 0; u < 12; u++) {
            const r = await req(px.port, '/', { 'x-user': `user-${u}` });
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
      const ups = [await upstream('HTTP1', 'ck-a'), await upstream('HTTP1', 'ck-b')];
      const px = await proxyWith([{ match: { prefix: '/' }, route: { cluster: 'c', hashPolicy: [{ cookie: { name: 'sticky', ttlMs: 60_000, path: '/' } }] } }], [cluster('c', ups, { lbPolicy: 'RING_HASH' })]);
      const first = await req(px.port, '/');
      const setCookie = String(first.headers['set-cookie']);
      assert.match(setCookie, /^sticky="[0-9a-f]{16}"; Max-Age=60; Path=\/; HttpOnly$/);
      const cookie = setCookie.split(';')[0];
      const backends = new Set<string>();
      for (let i = 0; i < 6; i++) backends.add(String((await req(px.port, '/', { cookie })).headers['x-backend']));
      assert.equal(backends.size, 1);
    });
  });
}
