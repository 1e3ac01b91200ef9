// The proxy over real sockets on 127.0.0.1: what the upstream received and what the client got.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startAdmin } from './admin/admin-server.js';
import type { VirtualHost } from './config/types.js';
import { echoBackend, get, raw, simpleConfig, startProxy } from './testing.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('proxy over loopback', () => {
  let a: Awaited<ReturnType<typeof echoBackend>>;
  let b: Awaited<ReturnType<typeof echoBackend>>;
  let px: Awaited<ReturnType<typeof startProxy>>;
  let dead: number;

  before(async () => {
    a = await echoBackend('a');
    b = await echoBackend('b');
    dead = await closedPort();
    const vhosts: VirtualHost[] = [
      {
        name: 'api', domains: ['api.local', 'api.local:80'],
        requestHeadersToAdd: [{ header: { key: 'x-vh', value: 'vh' } }],
        responseHeadersToAdd: [{ header: { key: 'x-vh-resp', value: 'yes' } }],
        routes: [
          { match: { prefix: '/rewrite/' }, route: { cluster: 'a', prefixRewrite: '/new/', hostRewriteLiteral: 'upstream.internal' } },
          { match: { prefix: '/slow' }, route: { cluster: 'a', timeoutMs: 100, prefixRewrite: '/hang' } },
          { match: { path: '/direct' }, directResponse: { status: 418, body: { inlineString: 'short and stout' } } },
          { match: { prefix: '/old' }, redirect: { hostRedirect: 'new.local', prefixRewrite: '/fresh', responseCode: 'PERMANENT_REDIRECT' } },
          { match: { prefix: '/weighted' }, route: { weightedClusters: { clusters: [
            { name: 'b', weight: 100, requestHeadersToAdd: [{ header: { key: 'x-subset', value: 'b' } }] },
            { name: 'a', weight: 0 },
          ] } } },
          { match: { prefix: '/both' }, route: { cluster: 'ab' } },
          { match: { prefix: '/empty' }, route: { cluster: 'empty' } },
          { match: { prefix: '/dead' }, route: { cluster: 'dead' } },
          { match: { prefix: '/missing' }, route: { cluster: 'no-such-cluster' } },
          { match: { prefix: '/limited' }, route: { cluster: 'limited', prefixRewrite: '/hang', timeoutMs: 400 } },
          {
            match: { prefix: '/', headers: [{ name: 'x-env', stringMatch: { exact: 'canary' } }] },
            route: { cluster: 'b' },
            requestHeadersToRemove: ['x-secret'],
            responseHeadersToAdd: [{ header: { key: 'x-route', value: 'canary' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
          },
          { match: { prefix: '/' }, route: { cluster: 'a' } },
        ],
      },
    ];
    const config = simpleConfig(vhosts, { a: [a.port], b: [b.port], ab: [a.port, b.port], empty: [], dead: [dead], limited: [a.port] });
    px = await startProxy({
      ...config,
      clusters: config.clusters.map((c) => (c.name === 'limited' ? { ...c, circuitBreakers: { maxRequests: 1 } } : c)),
    });
  });

  after(async () => {
    await px.proxy.close();
    a.server.closeAllConnections();
    b.server.closeAllConnections();
    a.server.close();
    b.server.close();
  });

  it('forwards method, path, body and Envoy forwarding headers', async () => {
    const r = await get(px.port, '/hello?x=1', { host: 'api.local', connection: 'x-hop', 'x-hop': 'gone', 'x-keep': 'kept' }, 'POST', 'payload');
    assert.equal(r.status, 200);
    const got = JSON.parse(r.body);
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/hello?x=1');
    assert.equal(got.body, 'payload');
    assert.equal(got.headers.host, 'api.local');
    assert.equal(got.headers['x-forwarded-proto'], 'http');
    assert.match(got.headers['x-request-id'], UUID);
    assert.equal(got.headers['x-envoy-expected-rq-timeout-ms'], '15000');
    assert.equal(got.headers['x-vh'], 'vh');
    assert.equal(got.headers['x-keep'], 'kept');
    assert.equal(got.headers['x-hop'], undefined);
    assert.equal(got.headers['x-forwarded-for'], undefined, 'use_remote_address is off: no XFF append');
    assert.equal(r.headers.server, 'envoy');
    assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
    assert.equal(r.headers['x-vh-resp'], 'yes');
  });

  it('keeps a client x-request-id from an internal client', async () => {
    const r = await get(px.port, '/', { host: 'api.local', 'x-request-id': 'abc-123' });
    assert.equal(JSON.parse(r.body).headers['x-request-id'], 'abc-123');
  });

  it('strips x-envoy-* headers from an external request and keeps them from an internal one', async () => {
    const ext = await get(px.port, '/', { host: 'api.local', 'x-forwarded-for': '203.0.113.7, 10.0.0.1', 'x-envoy-retry-on': '5xx' });
    assert.equal(JSON.parse(ext.body).headers['x-envoy-retry-on'], undefined);
    const int = await get(px.port, '/', { host: 'api.local', 'x-envoy-retry-on': '5xx' });
    assert.equal(JSON.parse(int.body).headers['x-envoy-retry-on'], '5xx');
  });

  it('rewrites prefix and host and records the original path', async () => {
    const r = await get(px.port, '/rewrite/x/y?q=1', { host: 'api.local' });
    const got = JSON.parse(r.body);
    assert.equal(got.url, '/new/x/y?q=1');
    assert.equal(got.headers.host, 'upstream.internal');
    assert.equal(got.headers['x-envoy-original-path'], '/rewrite/x/y?q=1');
  });

  it('matches on headers and applies route-level header mutations', async () => {
    const r = await get(px.port, '/', { host: 'api.local', 'x-env': 'canary', 'x-secret': 's' });
    const got = JSON.parse(r.body);
    assert.equal(got.backend, 'b');
    assert.equal(got.headers['x-secret'], undefined);
    assert.equal(r.headers['x-route'], 'canary');
  });

  it('answers 404 with flag NR when no virtual host or route matches', async () => {
    const before = px.access.length;
    const r = await get(px.port, '/', { host: 'unknown.local' });
    assert.equal(r.status, 404);
    assert.equal(px.access[before].responseFlags, 'NR');
  });

  it('serves direct responses and redirects', async () => {
    const d = await get(px.port, '/direct', { host: 'api.local' });
    assert.equal(d.status, 418);
    assert.equal(d.body, 'short and stout');
    const r = await get(px.port, '/old/page?x=1', { host: 'api.local' });
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, 'http://new.local/fresh/page?x=1');
  });

  it('picks weighted clusters by weight and applies their headers', async () => {
    for (let i = 0; i < 5; i++) {
      const got = JSON.parse((await get(px.port, '/weighted', { host: 'api.local' })).body);
      assert.equal(got.backend, 'b');
      assert.equal(got.headers['x-subset'], 'b');
    }
  });

  it('round-robins across endpoints', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(JSON.parse((await get(px.port, '/both', { host: 'api.local' })).body).backend);
    assert.deepEqual(seen.sort(), ['a', 'a', 'b', 'b']);
  });

  const failures: [string, string, number, string, string][] = [
    ['no endpoints', '/empty', 503, 'UH', 'no healthy upstream'],
    ['connection refused', '/dead', 503, 'UF', 'upstream connect error or disconnect/reset before headers. reset reason: connection failure'],
    ['unknown cluster', '/missing', 503, 'NC', ''],
    ['route timeout', '/slow', 504, 'UT', 'upstream request timeout'],
  ];
  for (const [name, path, status, flag, body] of failures) {
    it(`${name}: ${status} with flag ${flag}`, async () => {
      const n = px.access.length;
      const r = await get(px.port, path, { host: 'api.local' });
      assert.equal(r.status, status);
      assert.equal(r.body, body);
      assert.equal(px.access[n].responseFlags, flag);
    });
  }

  it('overflows the max-requests circuit breaker with 503 UO', async () => {
    const n = px.access.length;
    const first = get(px.port, '/limited', { host: 'api.local' });
    await new Promise((r) => setTimeout(r, 100));
    const second = await get(px.port, '/limited', { host: 'api.local' });
    assert.equal(second.status, 503);
    assert.equal(second.body, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
    assert.equal((await first).status, 504);
    assert.deepEqual(px.access.slice(n).map((x) => x.responseFlags).sort(), ['UO', 'UT']);
    assert.equal(px.proxy.stats.cluster('limited').upstream_rq_pending_overflow, 1);
  });

  it('streams a chunked request body and a chunked response', async () => {
    const req = 'POST /chunked HTTP/1.1\r\nHost: api.local\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const { text, closed } = await raw(px.port, req);
    assert.equal(closed, true);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\ntransfer-encoding: chunked\r\n/);
    assert.match(text, /\r\n\r\n6\r\npart1-\r\n5\r\npart2\r\n0\r\n\r\n$/);
    assert.equal(a.received.at(-1)?.body, 'hello world');
  });

  it('re-frames a close-delimited upstream response as chunked and keeps the client connection', async () => {
    const { text, closed } = await raw(px.port, 'GET /close-delimited HTTP/1.1\r\nHost: api.local\r\n\r\n');
    assert.equal(closed, false);
    assert.match(text, /transfer-encoding: chunked\r\n/);
    assert.match(text, /\r\n\r\nb\r\nuntil-close\r\n0\r\n\r\n$/);
  });

  it('answers pipelined requests in order on one connection', async () => {
    const one = 'GET /first HTTP/1.1\r\nHost: api.local\r\n\r\n';
    const two = 'GET /second HTTP/1.1\r\nHost: api.local\r\nConnection: close\r\n\r\n';
    const { text, closed } = await raw(px.port, one + two);
    assert.equal(closed, true);
    const urls = [...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['/first', '/second']);
  });

  const protocolErrors: [string, string, number][] = [
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: api.local\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['a head over 60 KiB', `GET / HTTP/1.1\r\nHost: api.local\r\nx-big: ${'a'.repeat(62 * 1024)}\r\n\r\n`, 431],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: api.local\r\n\r\n', 426],
    ['no Host', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['unsupported transfer coding', 'POST / HTTP/1.1\r\nHost: api.local\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
  ];
  for (const [name, bytes, status] of protocolErrors) {
    it(`rejects ${name} with ${status}`, async () => {
      const { text } = await raw(px.port, bytes);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `));
    });
  }

  it('serves /stats, /ready and /config_dump on the admin port', async () => {
    let quit = false;
    const admin = await startAdmin(px.proxy, { port: 0, onQuit: () => { quit = true; } });
    try {
      const port = (admin.address() as AddressInfo).port;
      const ready = await get(port, '/ready');
      assert.deepEqual([ready.status, ready.body], [200, 'LIVE\n']);
      const stats = await get(port, '/stats');
      const rqTotal = Number(/^http\.test\.downstream_rq_total: (\d+)$/m.exec(stats.body)?.[1]);
      assert.equal(rqTotal, px.proxy.stats.http('test').downstream_rq_total);
      assert.match(stats.body, /^cluster\.a\.upstream_rq_total: [1-9]\d*$/m);
      assert.match(stats.body, /^http\.test\.no_route: 1$/m);
      const dump = JSON.parse((await get(port, '/config_dump')).body);
      assert.deepEqual(dump.clusters.map((c: { name: string }) => c.name), ['a', 'b', 'ab', 'empty', 'dead', 'limited']);
      assert.equal((await get(port, '/quitquitquit', {}, 'POST')).status, 200);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(quit, true);
    } finally {
      admin.close();
    }
  });
});
