// The HCM's stream_idle_timeout and request_timeout on the wire, over HTTP/1.1 and HTTP/2: what
// the client gets (408, a cut response, or the whole response when bytes keep moving) and the
// counters Envoy names.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { test } from 'node:test';
import type { Proxy } from '../proxy.js';
import { proxiesToTimingBackend, raw } from '../testing.js';

const proxyWith = proxiesToTimingBackend();

const stats = (p: Proxy) => p.stats.http('test');

interface Got { status: number; body: string; cut: boolean }

/** HTTP/1.1 GET: status, body, and whether the connection closed before the body was whole. */
function h1(port: number, path: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: 'svc' }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cut: false }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, cut: true }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function h2(port: number, path: string): Promise<Got> {
  const session = h2connect(`http://127.0.0.1:${port}`);
  session.on('error', () => { /* reset by the proxy */ });
  try {
    return await new Promise((resolve) => {
      const req = session.request({ ':path': path, ':authority': 'svc' });
      let status = 0;
      let body = '';
      req.on('response', (h) => { status = Number(h[':status']); });
      req.setEncoding('latin1');
      req.on('data', (d: string) => { body += d; });
      req.on('end', () => resolve({ status, body, cut: false }));
      req.on('error', () => resolve({ status, body, cut: true }));
      req.end();
    });
  } finally {
    session.destroy();
  }
}

for (const [codec, send] of [['HTTP/1.1', h1], ['HTTP/2', h2]] as const) {
  test(`${codec}: stream_idle_timeout answers 408 while the response has not started (flag SI)`, async () => {
    const p = await proxyWith({ streamIdleTimeoutMs: 200 });
    const t0 = performance.now();
    const got = await send(p.port, '/hang');
    const ms = performance.now() - t0;
    assert.equal(got.status, 408);
    assert.equal(got.body, 'stream timeout');
    assert.ok(ms >= 190 && ms < 1000, `fired after ${ms} ms`);
    assert.equal(stats(p.proxy).downstream_rq_idle_timeout, 1);
    assert.deepEqual(p.access.map((a) => [a.responseFlags, a.detail]), [['SI', 'stream_idle_timeout']]);
  });

  test(`${codec}: stream_idle_timeout cuts a response that stalls after it started`, async () => {
    const p = await proxyWith({ streamIdleTimeoutMs: 200 });
    const got = await send(p.port, '/stall');
    assert.equal(got.status, 200);
    assert.equal(got.cut, true);
    assert.equal(stats(p.proxy).downstream_rq_idle_timeout, 1);
  });

  test(`${codec}: bytes that keep moving keep the stream alive past stream_idle_timeout`, async () => {
    const p = await proxyWith({ streamIdleTimeoutMs: 250 });
    const got = await send(p.port, '/trickle');
    assert.equal(got.status, 200);
    assert.equal(got.body, 'chunk0-chunk1-chunk2-chunk3-chunk4-chunk5-done');
    assert.equal(stats(p.proxy).downstream_rq_idle_timeout, 0);
  });

  test(`${codec}: request_timeout does not fire once the request is complete, however slow the response`, async () => {
    const p = await proxyWith({ requestTimeoutMs: 200, streamIdleTimeoutMs: 0 });
    const got = await send(p.port, '/slow');
    assert.deepEqual([got.status, got.body], [200, 'slow-ok']);
    assert.equal(stats(p.proxy).downstream_rq_timeout, 0);
  });
}

test('HTTP/1.1: request_timeout answers 408 when the request body does not arrive in time', async () => {
  const p = await proxyWith({ requestTimeoutMs: 200, streamIdleTimeoutMs: 0 });
  const { text } = await raw(p.port, 'POST /upload HTTP/1.1\r\nhost: svc\r\ncontent-length: 10\r\n\r\nhalf-', 1000);
  assert.match(text, /^HTTP\/1\.1 408 /);
  assert.ok(text.endsWith('\r\n\r\nrequest timeout'), text);
  assert.equal(stats(p.proxy).downstream_rq_timeout, 1);
  assert.deepEqual(p.access.map((a) => a.detail), ['request_overall_timeout']);
});

test('HTTP/2: request_timeout answers 408 when the request stream does not end in time', async () => {
  const p = await proxyWith({ requestTimeoutMs: 200, streamIdleTimeoutMs: 0 });
  const session = h2connect(`http://127.0.0.1:${p.port}`);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/upload', ':method': 'POST', ':authority': 'svc' });
      req.write('half-');
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
    });
    assert.equal(status, 408);
  } finally {
    session.destroy();
  }
  assert.equal(stats(p.proxy).downstream_rq_timeout, 1);
});

test('stream_idle_timeout 0 turns it off (Istio): the route timeout answers instead', async () => {
  const s = await proxyWith({ streamIdleTimeoutMs: 0 }, 300);
  const got = await h1(s.port, '/hang');
  assert.equal(got.status, 504);
  assert.equal(stats(s.proxy).downstream_rq_idle_timeout, 0);
});
