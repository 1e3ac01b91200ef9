// The sample apps behind a stand-in for their sidecars' egress listener: an HTTP server that
// routes by Host, as the real egress listener's route table does, and records what it got.
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, test } from 'node:test';
import { SAMPLE_APPS, listen, serve, workloadFromEnv } from './index.js';

const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

async function app(name: string, env: Record<string, string>): Promise<number> {
  const w = workloadFromEnv({ POD_NAME: `${name}-x`, ...env }, name);
  const s = serve(SAMPLE_APPS[name](w.version), w);
  servers.push(s);
  return listen(s, '127.0.0.1', 0);
}

/** Routes `Host: <service>:<port>` to that service's app; records each call. */
async function egress(backends: Record<string, number>): Promise<{ addr: string; calls: Array<{ host: string; path: string; headers: IncomingHttpHeaders }> }> {
  const calls: Array<{ host: string; path: string; headers: IncomingHttpHeaders }> = [];
  const s = createServer((req, res) => {
    const host = req.headers.host ?? '';
    calls.push({ host, path: req.url ?? '', headers: req.headers });
    const port = backends[host.split(':')[0]];
    if (!port) {
      res.writeHead(404).end('route not found');
      return;
    }
    const up = request({ host: '127.0.0.1', port, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.end();
  });
  servers.push(s);
  const port = await listen(s, '127.0.0.1', 0);
  return { addr: `127.0.0.1:${port}`, calls };
}

async function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: r.status, body: await r.json() };
}

test('productpage calls details and reviews through the egress listener with their Host and the tracing headers', async () => {
  const ratingsPort = await app('ratings', {});
  const ratingsEgress = await egress({ ratings: ratingsPort });
  const reviewsPort = await app('reviews', { SERVICE_VERSION: 'v2', MESH_OUTBOUND: ratingsEgress.addr });
  const detailsPort = await app('details', {});
  const eg = await egress({ details: detailsPort, reviews: reviewsPort });
  const egPort = eg.addr.split(':')[1];
  const pp = await app('productpage', { MESH_OUTBOUND: eg.addr });

  const r = await get(pp, '/productpage', { 'x-request-id': 'rid-1', traceparent: '00-abc-def-01', cookie: 'secret=1' });
  assert.equal(r.status, 200);
  assert.equal(r.body.versions, 'details v1; reviews v2 → ratings v1');
  assert.deepEqual([r.body.service, r.body.version, r.body.pod], ['productpage', 'v1', 'productpage-x.default']);
  assert.deepEqual(eg.calls.map((c) => `${c.host} ${c.path}`).sort(), [`details:${egPort} /details/0`, `reviews:${egPort} /reviews/0`]);
  for (const c of eg.calls) {
    assert.equal(c.headers['x-request-id'], 'rid-1');
    assert.equal(c.headers.traceparent, '00-abc-def-01');
    assert.equal(c.headers.cookie, undefined, 'only the tracing headers are propagated');
  }
  assert.equal(ratingsEgress.calls[0].headers['x-request-id'], 'rid-1', 'reviews propagates them too');
  assert.deepEqual(r.body.reviews.body.reviews.map((x: any) => x.rating), [{ stars: 5, color: 'black' }, { stars: 4, color: 'black' }]);
  assert.equal(r.body.details.body.request.headers.host, `details:${egPort}`);
});

test('reviews v1 answers without asking ratings', async () => {
  const eg = await egress({});
  const port = await app('reviews', { SERVICE_VERSION: 'v1', MESH_OUTBOUND: eg.addr });
  const r = await get(port, '/reviews/7');
  assert.equal(r.status, 200);
  assert.equal(r.body.id, 7);
  assert.equal(r.body.version, 'v1');
  assert.equal(r.body.reviews[0].rating, undefined);
  assert.equal(eg.calls.length, 0);
});

test('errors: unknown paths, no egress listener, a callee the mesh has no route for', async () => {
  const detailsPort = await app('details', {});
  const cases: Array<[number, string, number, string]> = [
    [detailsPort, '/details/x', 404, 'no route /details/x; try /details/0'],
    [await app('ratings', {}), '/', 404, 'no route /; try /ratings/0'],
    [await app('productpage', {}), '/nope', 404, 'no route /nope; try /productpage or /api/v1/products'],
  ];
  for (const [port, path, status, error] of cases) {
    const r = await get(port, path);
    assert.deepEqual([r.status, r.body.error], [status, error], path);
  }
  const lonely = await get(await app('productpage', {}), '/productpage');
  assert.equal(lonely.body.versions, 'details error (MESH_OUTBOUND is not set: this app has no sidecar egress listener to call through); reviews error (MESH_OUTBOUND is not set: this app has no sidecar egress listener to call through)');
  const eg = await egress({ details: detailsPort });
  const pp = await app('productpage', { MESH_OUTBOUND: eg.addr });
  const noRoute = await get(pp, '/api/v1/products/0/ratings');
  assert.deepEqual([noRoute.status, noRoute.body.versions, noRoute.body.ratings], [404, 'ratings error (route not found)', { status: 404, error: 'route not found' }]);
  const ok = await get(pp, '/api/v1/products/0');
  assert.deepEqual([ok.status, ok.body.versions, ok.body.details.body.author], [200, 'details v1', 'William Shakespeare']);
  const refused = await get(await app('productpage', { MESH_OUTBOUND: '127.0.0.1:1' }), '/api/v1/products/0/reviews');
  assert.equal(refused.status, 503);
  assert.match(refused.body.reviews.error, /ECONNREFUSED/);
});
