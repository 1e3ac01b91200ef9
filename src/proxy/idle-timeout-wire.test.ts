// The HCM's connection timeouts on the wire: an idle keep-alive connection is closed (HTTP/1.1)
// or sent GOAWAY (HTTP/2) once no request has used it for idle_timeout, a busy one or one with a
// request in flight is left alone; a head that does not complete within request_headers_timeout
// closes its connection.
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { proxiesToTimingBackend } from './testing.js';

const proxyWith = proxiesToTimingBackend();

/** A keep-alive HTTP/1.1 connection: send a GET and wait for its whole response; `closedAt` once the proxy closes it. */
class H1Conn {
  readonly socket: Socket;
  closedAt: number | undefined;
  private text = '';
  private waiter: (() => void) | undefined;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.text += d.toString('latin1');
      this.waiter?.();
    });
    this.socket.on('close', () => { this.closedAt = performance.now(); this.waiter?.(); });
    this.socket.on('error', () => { /* closed */ });
  }

  get(path: string): Promise<string> {
    this.text = '';
    this.socket.write(`GET ${path} HTTP/1.1\r\nhost: svc\r\n\r\n`);
    return new Promise((resolve, reject) => {
      this.waiter = () => {
        const m = /\r\ncontent-length: (\d+)\r\n[\s\S]*?\r\n\r\n([\s\S]*)$/i.exec(this.text);
        if (m !== null && m[2].length >= Number(m[1])) resolve(m[2]);
        else if (this.closedAt !== undefined) reject(new Error(`closed: ${this.text}`));
      };
    });
  }

  async closed(withinMs: number): Promise<boolean> {
    const t0 = performance.now();
    while (this.closedAt === undefined && performance.now() - t0 < withinMs) await new Promise((r) => setTimeout(r, 10));
    return this.closedAt !== undefined;
  }
}

test('HTTP/1.1: an idle keep-alive connection is closed one to 1.25 idle timeouts after its last response', async () => {
  const p = await proxyWith({ idleTimeoutMs: 200 });
  const c = new H1Conn(p.port);
  assert.equal(await c.get('/'), 'ok');
  const done = performance.now();
  assert.equal(await c.closed(1500), true);
  const idleFor = c.closedAt! - done;
  assert.ok(idleFor >= 190 && idleFor < 700, `closed after ${idleFor} ms idle`);
  assert.equal(p.proxy.stats.http('test').downstream_cx_idle_timeout, 1);
});

test('HTTP/1.1: requests every 100 ms keep the connection past the idle timeout; a request in flight is never cut', async () => {
  const p = await proxyWith({ idleTimeoutMs: 250, streamIdleTimeoutMs: 0 });
  const c = new H1Conn(p.port);
  for (let i = 0; i < 7; i++) {
    assert.equal(await c.get('/'), 'ok');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await c.get('/slow'), 'slow-ok');
  assert.equal(c.closedAt, undefined);
  assert.equal(await c.closed(1500), true);
  assert.equal(p.proxy.stats.http('test').downstream_cx_idle_timeout, 1);
});

test('HTTP/1.1: idle_timeout 0 keeps idle connections open', async () => {
  const p = await proxyWith({ idleTimeoutMs: 0 });
  const c = new H1Conn(p.port);
  assert.equal(await c.get('/'), 'ok');
  assert.equal(await c.closed(600), false);
  c.socket.destroy();
});

test('HTTP/2: an idle connection gets GOAWAY (NO_ERROR) and is closed', async () => {
  const p = await proxyWith({ idleTimeoutMs: 200 });
  const session = h2connect(`http://127.0.0.1:${p.port}`);
  try {
    const goaway = new Promise<number>((resolve) => session.on('goaway', (code) => resolve(code)));
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/', ':authority': 'svc' });
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
      req.resume();
      req.end();
    });
    assert.equal(status, 200);
    const t0 = performance.now();
    assert.equal(await goaway, 0);
    const idleFor = performance.now() - t0;
    assert.ok(idleFor >= 150 && idleFor < 700, `GOAWAY after ${idleFor} ms idle`);
    await new Promise<void>((r) => (session.closed ? r() : session.once('close', () => r())));
  } finally {
    session.destroy();
  }
  assert.equal(p.proxy.stats.http('test').downstream_cx_idle_timeout, 1);
});

test('HTTP/1.1: request_headers_timeout closes a connection whose head does not complete in time (no response); a head split across reads in time is served', async () => {
  const p = await proxyWith({ requestHeadersTimeoutMs: 200 });
  const slow = connect(p.port, '127.0.0.1');
  let got = '';
  slow.on('data', (d: Buffer) => { got += d.toString('latin1'); });
  slow.on('error', () => { /* reset */ });
  const t0 = performance.now();
  const closed = new Promise<number>((r) => slow.on('close', () => r(performance.now() - t0)));
  slow.write('GET / HTTP/1.1\r\nhost: svc\r\n');
  const after = await closed;
  assert.ok(after >= 190 && after < 1000, `closed after ${after} ms`);
  assert.equal(got, '');
  assert.equal(p.proxy.stats.http('test').downstream_rq_header_timeout, 1);

  const split = connect(p.port, '127.0.0.1');
  let reply = '';
  split.on('data', (d: Buffer) => { reply += d.toString('latin1'); });
  await new Promise((r) => split.on('connect', r));
  split.write('GET / HTTP/1.1\r\nhost: s');
  await new Promise((r) => setTimeout(r, 120));
  split.write('vc\r\n\r\n');
  await new Promise((r) => setTimeout(r, 300));
  assert.match(reply, /^HTTP\/1\.1 200 /);
  assert.equal(split.destroyed, false);
  assert.equal(p.proxy.stats.http('test').downstream_rq_header_timeout, 1);
  split.destroy();
});
