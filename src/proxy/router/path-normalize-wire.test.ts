// Path transformations on the wire: what the upstream receives and which route the request takes,
// over HTTP/1.1 and HTTP/2, for each HCM setting Istio's pathNormalization modes produce.
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { after, before, test } from 'node:test';
import type { PathNormalization } from '../config/types.js';
import { echoBackend, raw, simpleConfig, startProxy } from '../testing.js';

type Started = Awaited<ReturnType<typeof startProxy>>;
const backends: Awaited<ReturnType<typeof echoBackend>>[] = [];
const proxies: Started['proxy'][] = [];

async function proxyWith(p: PathNormalization | undefined): Promise<number> {
  const admin = backends[0];
  const pub = backends[1];
  const config = simpleConfig(
    [{ name: 'all', domains: ['*'], routes: [
      { match: { prefix: '/admin' }, route: { cluster: 'admin' } },
      { match: { prefix: '/' }, route: { cluster: 'public' } },
    ] }],
    { admin: [admin.port], public: [pub.port] },
    { hcm: p === undefined ? {} : { pathNormalization: p } },
  );
  const s = await startProxy(config);
  proxies.push(s.proxy);
  return s.port;
}

before(async () => {
  backends.push(await echoBackend('admin'), await echoBackend('public'));
});
after(async () => {
  for (const p of proxies) await p.close();
  for (const b of backends) b.server.close();
});

/** Sends a raw HTTP/1.1 request line; returns the status, the backend that answered and the URL it received. */
async function h1(port: number, target: string): Promise<{ status: number; backend?: string; url?: string; location?: string }> {
  const { text } = await raw(port, `GET ${target} HTTP/1.1\r\nhost: svc\r\nconnection: close\r\n\r\n`);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  const location = /\r\nlocation: ([^\r]*)/i.exec(text)?.[1];
  if (status !== 200) return { status, location };
  const j = JSON.parse(body) as { backend: string; url: string };
  return { status, backend: j.backend, url: j.url };
}

async function h2(port: number, target: string): Promise<{ status: number; backend?: string; url?: string; location?: string }> {
  const session = h2connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ':path': target, ':authority': 'svc' });
      let status = 0;
      let location: string | undefined;
      let body = '';
      req.on('response', (h) => { status = Number(h[':status']); location = h.location as string | undefined; });
      req.setEncoding('latin1');
      req.on('data', (d: string) => { body += d; });
      req.on('end', () => {
        if (status !== 200) return resolve({ status, location });
        const j = JSON.parse(body) as { backend: string; url: string };
        resolve({ status, backend: j.backend, url: j.url });
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    session.close();
  }
}

const BASE: PathNormalization = { normalize: true, mergeSlashes: false, escapedSlashes: 'KEEP_UNCHANGED' };
const MERGE: PathNormalization = { ...BASE, mergeSlashes: true };
const DECODE_AND_MERGE: PathNormalization = { ...MERGE, escapedSlashes: 'UNESCAPE_AND_FORWARD' };

for (const [codec, send] of [['HTTP/1.1', h1], ['HTTP/2', h2]] as const) {
  test(`${codec}: normalize_path routes and forwards the canonical path (dot segments, escaped unreserved characters, backslashes)`, async () => {
    const port = await proxyWith(BASE);
    assert.deepEqual(await send(port, '/public/../admin/x?q=/../y'), { status: 200, backend: 'admin', url: '/admin/x?q=/../y' });
    assert.deepEqual(await send(port, '/%61dmin'), { status: 200, backend: 'admin', url: '/admin' });
    assert.deepEqual(await send(port, '/public/%2e%2e/admin'), { status: 200, backend: 'admin', url: '/admin' });
    assert.deepEqual(await send(port, '/public/..\\admin'), { status: 200, backend: 'admin', url: '/admin' });
    assert.deepEqual(await send(port, '/files/report.pdf'), { status: 200, backend: 'public', url: '/files/report.pdf' });
    // slashes are not merged and escaped slashes are kept under BASE
    assert.deepEqual(await send(port, '//admin'), { status: 200, backend: 'public', url: '//admin' });
    assert.deepEqual(await send(port, '/x%2F..%2Fadmin'), { status: 200, backend: 'public', url: '/x%2F..%2Fadmin' });
  });

  test(`${codec}: a path that cannot be normalized (NUL) is answered 400 and never forwarded`, async () => {
    const port = await proxyWith(BASE);
    const before = backends[0].received.length + backends[1].received.length;
    assert.equal((await send(port, '/admin%00')).status, 400);
    assert.equal(backends[0].received.length + backends[1].received.length, before);
  });

  test(`${codec}: MERGE_SLASHES and DECODE_AND_MERGE_SLASHES`, async () => {
    const merge = await proxyWith(MERGE);
    assert.deepEqual(await send(merge, '//admin///x'), { status: 200, backend: 'admin', url: '/admin/x' });
    assert.deepEqual(await send(merge, '/x%2F..%2Fadmin'), { status: 200, backend: 'public', url: '/x%2F..%2Fadmin' });
    const decode = await proxyWith(DECODE_AND_MERGE);
    assert.deepEqual(await send(decode, '/x%2F..%2Fadmin'), { status: 200, backend: 'admin', url: '/admin' });
    assert.deepEqual(await send(decode, '/x%5C..%5Cadmin%2F%2Fy'), { status: 200, backend: 'admin', url: '/admin/y' });
  });

  test(`${codec}: escaped slashes rejected (400) or redirected (307 to the unescaped path)`, async () => {
    const reject = await proxyWith({ normalize: false, mergeSlashes: false, escapedSlashes: 'REJECT_REQUEST' });
    assert.equal((await send(reject, '/a%2Fb')).status, 400);
    assert.deepEqual(await send(reject, '/a/b?x=%2F'), { status: 200, backend: 'public', url: '/a/b?x=%2F' });
    const redirect = await proxyWith({ ...BASE, escapedSlashes: 'UNESCAPE_AND_REDIRECT' });
    assert.deepEqual(await send(redirect, '/x%2F..%2Fadmin?q'), { status: 307, location: '/admin?q' });
  });

  test(`${codec}: without path normalization the path is routed and forwarded as sent`, async () => {
    const port = await proxyWith(undefined);
    assert.deepEqual(await send(port, '/public/../admin'), { status: 200, backend: 'public', url: '/public/../admin' });
  });
}
