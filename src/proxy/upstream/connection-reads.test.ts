// Reading responses from upstream connections: a response split across reads at any byte parses
// the same; a slow client holds the upstream back; and bytes handed on from a read stay intact
// after later reads (a guard for any future read-buffer reuse: a queued write may still hold them).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestHeaders } from '../http1/headers.js';
import { simpleConfig, startProxy } from '../testing.js';
import { UpstreamConnection } from './connection.js';
import type { UpstreamReceiver } from './upstream-stream.js';

const BODY = 'hello, split world';
const RESPONSES: Record<string, string> = {
  '/length': `HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\nX-Kind: length\r\n\r\n${BODY}`,
  '/chunked': `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunked\r\n\r\n5\r\nhello\r\n${(BODY.length - 5).toString(16)}\r\n${BODY.slice(5)}\r\n0\r\n\r\n`,
};

/** An upstream that writes each canned response in two parts, split where the request's x-split says. */
function splittingUpstream(): Promise<Server> {
  const server = createServer((s) => {
    s.setNoDelay(true);
    let pending = '';
    s.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const path = head.split(' ')[1];
        const split = Number(/\r\nx-split: (\d+)/i.exec(head)?.[1] ?? 0);
        const res = RESPONSES[path];
        s.write(res.slice(0, split), 'latin1');
        // A pause so that the second part arrives in a read of its own.
        setTimeout(() => s.write(res.slice(split), 'latin1'), 2);
      }
    });
    s.on('error', () => {});
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

/** Sends requests one after another on one keep-alive connection; returns each raw response. */
async function sequential(port: number, requests: string[], responseEnds: (text: string) => number): Promise<string[]> {
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const out: string[] = [];
  let buf = '';
  let wake: (() => void) | undefined;
  s.on('data', (d: Buffer) => { buf += d.toString('latin1'); wake?.(); });
  for (const req of requests) {
    s.write(req);
    for (;;) {
      const n = responseEnds(buf);
      if (n > 0) {
        out.push(buf.slice(0, n));
        buf = buf.slice(n);
        break;
      }
      await new Promise<void>((r) => { wake = r; });
    }
  }
  s.destroy();
  return out;
}

function bodyOf(response: string): string {
  const i = response.indexOf('\r\n\r\n');
  const head = response.slice(0, i).toLowerCase();
  const rest = response.slice(i + 4);
  if (!head.includes('transfer-encoding: chunked')) return rest;
  let body = '';
  let p = 0;
  for (;;) {
    const eol = rest.indexOf('\r\n', p);
    const size = parseInt(rest.slice(p, eol), 16);
    if (size === 0) return body;
    body += rest.slice(eol + 2, eol + 2 + size);
    p = eol + 2 + size + 2;
  }
}

/** Length of the first complete response in `text` (content-length or chunked), or 0. */
function responseEnd(text: string): number {
  const i = text.indexOf('\r\n\r\n');
  if (i < 0) return 0;
  const head = text.slice(0, i).toLowerCase();
  const cl = /content-length: (\d+)/.exec(head);
  if (cl !== null) return text.length >= i + 4 + Number(cl[1]) ? i + 4 + Number(cl[1]) : 0;
  const last = text.indexOf('\r\n0\r\n\r\n', i);
  return last < 0 ? 0 : last + 7;
}

describe('upstream reads', () => {
  let upstream: Server;
  let px: Awaited<ReturnType<typeof startProxy>>;

  before(async () => {
    upstream = await splittingUpstream();
    const port = (upstream.address() as AddressInfo).port;
    px = await startProxy(simpleConfig([{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }], { up: [port] }));
  });

  after(async () => {
    await px.proxy.close();
    upstream.close();
  });

  for (const path of Object.keys(RESPONSES)) {
    it(`parses a ${path.slice(1)} response split across two reads at every byte`, async () => {
      const len = RESPONSES[path].length;
      const reqs: string[] = [];
      for (let k = 1; k < len; k++) reqs.push(`GET ${path} HTTP/1.1\r\nhost: a\r\nx-split: ${k}\r\n\r\n`);
      const got = await sequential(px.port, reqs, responseEnd);
      assert.equal(got.length, len - 1);
      got.forEach((res, k) => {
        assert.match(res, /^HTTP\/1\.1 200 OK\r\n/, `split at ${k + 1}`);
        assert.match(res, new RegExp(`\r\nx-kind: ${path.slice(1)}\r\n`), `split at ${k + 1}`);
        assert.equal(bodyOf(res), BODY, `split at ${k + 1}`);
      });
    });
  }
});

/** Reads one response off a paused client socket at a crawl; returns its head and the body's sha256. */
function slowRead(c: Socket, size: number): Promise<{ head: string; received: number; sha256: string }> {
  const hash = createHash('sha256');
  let head = '';
  let received = 0;
  return new Promise((resolve) => {
    c.on('data', (d: Buffer) => {
      let b = d;
      if (!head.endsWith('\r\n\r\n')) {
        const text = head + d.toString('latin1');
        const i = text.indexOf('\r\n\r\n');
        if (i < 0) { head = text; return; }
        head = text.slice(0, i + 4);
        b = d.subarray(d.length - (text.length - head.length));
      }
      hash.update(b);
      received += b.length;
      // Slow the reader down so that the proxy's writes keep queueing.
      if (received < size) { c.pause(); setTimeout(() => c.resume(), 0); } else resolve({ head, received, sha256: hash.digest('hex') });
    });
    c.resume();
  });
}

/** Bytes that differ everywhere, so a region overwritten by a later read cannot go unnoticed. */
function patterned(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((Math.imul(i, 2654435761) ^ i) >>> 0, i);
  return b;
}

describe('a slow client', () => {
  let upstream: Server;
  const upstreamSockets: Socket[] = [];
  let px: Awaited<ReturnType<typeof startProxy>>;
  const BULK = 32 * 1024 * 1024;
  const bulk = patterned(BULK);

  before(async () => {
    upstream = createServer((s) => {
      upstreamSockets.push(s);
      s.setNoDelay(true);
      // Each request is a short GET that arrives in one read.
      s.on('data', (d: Buffer) => {
        if (!d.toString('latin1').startsWith('GET /bulk ')) return;
        s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BULK}\r\n\r\n`);
        s.write(bulk);
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const port = (upstream.address() as AddressInfo).port;
    px = await startProxy(simpleConfig([{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }], { up: [port] }));
  });

  after(async () => {
    await px.proxy.close();
    for (const s of upstreamSockets) s.destroy();
    upstream.close();
  });

  it('holds the upstream back (no unbounded buffering) and gets every byte intact', async () => {
    const c = connect(px.port, '127.0.0.1');
    await new Promise((r) => c.once('connect', r));
    c.pause();
    c.write('GET /bulk HTTP/1.1\r\nhost: a\r\n\r\n');
    await sleep(500);
    // Kernel buffers on both hops hold some megabytes; the proxy itself must not hold the rest.
    const up = upstreamSockets.at(-1)!;
    assert.ok(up.writableLength > 4 * 1024 * 1024, `upstream still holds ${up.writableLength} bytes`);
    const r = await slowRead(c, BULK);
    c.destroy();
    assert.match(r.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(r.received, BULK);
    assert.equal(r.sha256, createHash('sha256').update(bulk).digest('hex'));
  });
});

describe('bytes handed on from a read', () => {
  const SIZE = 256 * 1024;
  const body = patterned(SIZE);
  let server: Server;

  before(async () => {
    server = createServer((s) => {
      s.setNoDelay(true);
      s.once('data', () => {
        s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${SIZE}\r\n\r\n`);
        let off = 0;
        // Small writes with pauses between them: many reads, each into the connection's region.
        const next = (): void => {
          s.write(body.subarray(off, off + 1000));
          off += 1000;
          if (off < SIZE) setTimeout(next, off % 20_000 < 1000 ? 2 : 0);
        };
        next();
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });

  after(() => server.close());

  it('are never overwritten by later reads (a receiver may keep them, as a queued write does)', async () => {
    const port = (server.address() as AddressInfo).port;
    const conn = await new Promise<UpstreamConnection>((resolve) => {
      const x = new UpstreamConnection({ release() {} }, '127.0.0.1', port, () => resolve(x), () => {});
    });
    const kept: Buffer[] = [];
    let reads = 0;
    await new Promise<void>((resolve, reject) => {
      const receiver: UpstreamReceiver = {
        onResponseHead() {},
        onResponseData: (d) => { kept.push(d); return true; },
        onResponseEnd: () => resolve(),
        onReadComplete: () => { reads++; },
        onUpstreamReset: (why) => reject(new Error(why)),
        onUpstreamDrain() {},
      };
      const headers = new RequestHeaders();
      headers.add('host', 'a');
      conn.start(receiver, { method: 'GET', upstreamTarget: '/', headers, bodyKind: 'none' }, undefined, true);
    });
    conn.destroy();
    assert.ok(reads > 10, `only ${reads} reads`);
    assert.ok(Buffer.concat(kept).equals(body), 'a kept slice changed after its read');
  });
});
