// The same HTTP behaviour over every codec pairing: downstream HTTP/1.1 or HTTP/2 (h2c, prior
// knowledge) × upstream HTTP/1.1 or HTTP/2 (the cluster's httpProtocolOptions), asserting on
// what the backend received and what the client got.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ClusterConfig, UpstreamHttpProtocolOptions, VirtualHost } from '../../src/proxy/config/types.js';
import { echoBackend, get, simpleConfig, startProxy } from '../../src/proxy/testing.js';
import { h2EchoBackend, h2get } from './h2-helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Reply { status: number; headers: Record<string, unknown>; body: string; trailers?: Record<string, unknown> }

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const downstreams = {
  http1: async (port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> => {
    const r = await get(port, path, headers, method, body);
    return { status: r.status, headers: r.headers, body: r.body };
  },
  http2: async (port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> => {
    const { host, ...rest } = headers;
    const r = await h2get(port, path, { ...(host !== undefined ? { ':authority': host } : {}), ...rest }, method, body);
    return { status: r.status, headers: r.headers, body: r.body, trailers: r.trailers };
  },
};

/**
 * POSTs `parts` as a body of unknown length (HTTP/1.1 chunked, HTTP/2 DATA frames without
 * content-length), the second part after the first has had time to reach the upstream.
 */
function streamed(codec: string, port: number, path: string, parts: [string, string]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    if (codec === 'http1') {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { host: 'api.local' }, agent: false }, (res) => {
        let b = '';
        res.setEncoding('latin1');
        res.on('data', (d: string) => { b += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, trailers: res.trailers }));
      });
      req.on('error', reject);
      req.write(parts[0]);
      setTimeout(() => req.end(parts[1]), 50);
      return;
    }
    const session = h2connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, ':authority': 'api.local' });
    let status = 0;
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> | undefined;
    let b = '';
    req.setEncoding('latin1');
    req.on('response', (h) => { headers = h; status = Number(h[':status']); });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (d: string) => { b += d; });
    req.on('end', () => { session.close(); resolve({ status, headers, body: b, trailers }); });
    req.write(parts[0]);
    setTimeout(() => req.end(parts[1]), 50);
  });
}

for (const upstream of ['HTTP1', 'HTTP2'] as const) {
  for (const [dsName, call] of Object.entries(downstreams)) {
    describe(`downstream ${dsName} → upstream ${upstream}`, () => {
      let a: { port: number; close: () => void };
      let b: { port: number; close: () => void };
      let px: Awaited<ReturnType<typeof startProxy>>;

      before(async () => {
        const mk = async (name: string): Promise<{ port: number; close: () => void }> => {
          if (upstream === 'HTTP1') {
            const e = await echoBackend(name);
            return { port: e.port, close: () => { e.server.closeAllConnections(); e.server.close(); } };
          }
          const e = await h2EchoBackend(name);
          return { port: e.port, close: () => e.server.close() };
        };
        a = await mk('a');
        b = await mk('b');
        const dead = await closedPort();
        const vhosts: VirtualHost[] = [{
          name: 'api', domains: ['api.local'],
          requestHeadersToAdd: [{ header: { key: 'x-vh', value: 'vh' } }],
          responseHeadersToAdd: [{ header: { key: 'x-vh-resp', value: 'yes' } }],
          routes: [
            { match: { prefix: '/rewrite/' }, route: { cluster: 'a', prefixRewrite: '/new/', hostRewriteLiteral: 'upstream.internal' } },
            { match: { prefix: '/slow' }, route: { cluster: 'a', timeoutMs: 100, prefixRewrite: '/hang' } },
            { match: { path: '/direct' }, directResponse: { status: 418, body: { inlineString: 'short and stout' } } },
            { match: { prefix: '/weighted' }, route: { weightedClusters: { clusters: [
              { name: 'b', weight: 100, requestHeadersToAdd: [{ header: { key: 'x-subset', value: 'b' } }] },
              { name: 'a', weight: 0 },
            ] } } },
            { match: { prefix: '/empty' }, route: { cluster: 'empty' } },
            { match: { prefix: '/dead' }, route: { cluster: 'dead' } },
            { match: { prefix: '/' }, route: { cluster: 'a' } },
          ],
        }];
        const opts: UpstreamHttpProtocolOptions = { upstreamProtocol: upstream };
        const config = simpleConfig(vhosts, { a: [a.port], b: [b.port], empty: [], dead: [dead] });
        px = await startProxy({ ...config, clusters: config.clusters.map((c): ClusterConfig => ({ ...c, httpProtocolOptions: opts })) });
      });

      after(async () => {
        await px.proxy.close();
        a.close();
        b.close();
      });

      it('forwards method, path, body and Envoy forwarding headers', async () => {
        const r = await call(px.port, '/hello?x=1', { host: 'api.local', 'x-keep': 'kept', 'content-type': 'text/plain' }, 'POST', 'payload');
        assert.equal(r.status, 200);
        const got = JSON.parse(r.body);
        assert.equal(got.backend, 'a');
        assert.equal(got.method, 'POST');
        assert.equal(got.url, '/hello?x=1');
        assert.equal(got.body, 'payload');
        assert.equal(got.headers.host, 'api.local');
        assert.equal(got.headers['x-forwarded-proto'], 'http');
        assert.match(got.headers['x-request-id'], UUID);
        assert.equal(got.headers['x-envoy-expected-rq-timeout-ms'], '15000');
        assert.equal(got.headers['x-vh'], 'vh');
        assert.equal(got.headers['x-keep'], 'kept');
        assert.equal(r.headers.server, 'envoy');
        assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
        assert.equal(r.headers['x-vh-resp'], 'yes');
        assert.equal(r.headers['x-backend'], 'a');
      });

      it('rewrites prefix and host and records the original path', async () => {
        const r = await call(px.port, '/rewrite/x/y?q=1', { host: 'api.local' });
        const got = JSON.parse(r.body);
        assert.equal(got.url, '/new/x/y?q=1');
        assert.equal(got.headers.host, 'upstream.internal');
        assert.equal(got.headers['x-envoy-original-path'], '/rewrite/x/y?q=1');
      });

      it('routes weighted clusters with their header mutations', async () => {
        const got = JSON.parse((await call(px.port, '/weighted', { host: 'api.local' })).body);
        assert.equal(got.backend, 'b');
        assert.equal(got.headers['x-subset'], 'b');
      });

      it('passes upstream error statuses through', async () => {
        const r = await call(px.port, '/status/503', { host: 'api.local' });
        assert.equal(r.status, 503);
        assert.equal(r.body, 'status 503');
      });

      const locals: [string, string, number, string][] = [
        ['a direct response', '/direct', 418, 'short and stout'],
        ['no route (NR)', '/', 404, ''],
        ['no healthy upstream (UH)', '/empty', 503, 'no healthy upstream'],
        ['connect failure (UF)', '/dead', 503, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure'],
        ['a route timeout (UT)', '/slow', 504, 'upstream request timeout'],
      ];
      for (const [what, path, status, body] of locals) {
        it(`answers ${what} locally with ${status}`, async () => {
          const r = await call(px.port, path, { host: path === '/' ? 'unknown.local' : 'api.local' });
          assert.equal(r.status, status);
          assert.equal(r.body, body);
        });
      }

      it('streams a request body of unknown length to the upstream', async () => {
        const r = await streamed(dsName, px.port, '/stream', ['first-', 'second']);
        assert.equal(r.status, 200);
        const got = JSON.parse(r.body);
        assert.deepEqual([got.method, got.url, got.body], ['POST', '/stream', 'first-second']);
      });

      if (upstream === 'HTTP2') {
        it('carries HTTP/2 response trailers to the client (HTTP/1.1: in the last chunk)', async () => {
          const r = await streamed(dsName, px.port, '/trailers', ['a', 'b']);
          assert.deepEqual([r.status, r.body, r.trailers?.['x-checksum']], [200, 'with-trailers', 'abc']);
        });
      }

      it('records response flags per request', () => {
        const flags = px.access.map((x) => x.responseFlags);
        for (const f of ['DR', 'NR', 'UH', 'UF', 'UT']) assert.ok(flags.includes(f), `${f} in ${flags.join(',')}`);
      });
    });
  }
}
