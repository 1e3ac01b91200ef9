// Our HTTP/2 codec (src/proxy/http2/h2-session.ts) on real loopback sockets: interop with
// node:http2 in both directions, then the edge cases a conforming peer rarely produces, driven by
// hand-built frames — a request split at every byte boundary, CONTINUATION, flow-control window
// exhaustion and resumption, RST_STREAM mid-body, GOAWAY with streams in flight, an oversize
// header list, a bad preface, and protocol errors answered with the RFC's error codes.
import assert from 'node:assert/strict';
import { connect as h2connect, createServer as h2createServer, type IncomingHttpHeaders } from 'node:http2';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { F, H2Error, PREFACE, S, T, frame, settingsFrame, u32Frame } from '../../src/proxy/http2/frames.js';
import { H2Session } from '../../src/proxy/http2/h2-session.js';
import type { H2SessionStream } from '../../src/proxy/http2/h2-session-stream.js';
import { GET, RawClient, block, codecServer, defaults, field, headersFrame, rawFrame, type ServerStream } from './h2-codec-helpers.js';

const closers: (() => void)[] = [];
after(() => { for (const c of closers) c(); });

/** Answers 200 with the request body echoed, `x-path`, and an `x-len` trailer; `/big` answers 1 MiB. */
function echo(r: ServerStream): void {
  const path = field(r, ':path') ?? '';
  if (path === '/hang') return;
  const body = path === '/big' ? Buffer.alloc(1 << 20, 0x61) : Buffer.concat(r.body);
  const extra: [string, string][] = path === '/bighead' ? [['x-big', '{'.repeat(20000)]] : [];
  r.s.sendHeaders((e) => { e.field(':status', '200'); e.field('x-path', path); for (const [k, v] of extra) e.field(k, v); }, false);
  r.s.write(body);
  r.s.end((e) => e.field('x-len', String(body.length)));
}

async function server(opts = {}, handler = echo): ReturnType<typeof codecServer> {
  const s = await codecServer(handler, opts);
  closers.push(() => { for (const x of s.sessions) x.destroy(); s.server.close(); });
  return s;
}

interface NodeReply { status: number; headers: IncomingHttpHeaders; body: Buffer; trailers?: IncomingHttpHeaders; rst: number }

function nodeRequest(session: ReturnType<typeof h2connect>, path: string, body?: Buffer): Promise<NodeReply> {
  return new Promise((resolve) => {
    const req = session.request({ ':path': path, ':method': body === undefined ? 'GET' : 'POST' }, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    req.on('response', (h) => { headers = h; status = Number(h[':status']); });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('error', () => { /* rstCode */ });
    req.on('close', () => resolve({ status, headers, body: Buffer.concat(chunks), trailers, rst: req.rstCode }));
    if (body !== undefined) req.end(body);
  });
}

describe('interop: node:http2 client → our server', () => {
  it('GET and POST with trailers, many concurrent streams on one connection, 1 MiB each way under 64 KiB windows', async () => {
    const s = await server();
    const c = h2connect(`http://127.0.0.1:${s.port}`);
    closers.push(() => c.destroy());
    const r = await nodeRequest(c, '/a', Buffer.from('hello'));
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-path'], '/a');
    assert.equal(r.body.toString(), 'hello');
    assert.equal(r.trailers?.['x-len'], '5');
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => nodeRequest(c, `/n${i}`, Buffer.from(`body${i}`))));
    many.forEach((x, i) => assert.equal(x.body.toString(), `body${i}`));
    const up = Buffer.alloc(1 << 20, 0x62);
    const [big, echoed] = await Promise.all([nodeRequest(c, '/big'), nodeRequest(c, '/up', up)]);
    assert.equal(big.body.length, 1 << 20);
    assert.ok(echoed.body.equals(up));
  });

  it('a response header block larger than the frame size goes out as HEADERS + CONTINUATION', async () => {
    const s = await server();
    const c = h2connect(`http://127.0.0.1:${s.port}`, { maxHeaderListPairs: 200, settings: { maxHeaderListSize: 1 << 20 } });
    closers.push(() => c.destroy());
    const r = await nodeRequest(c, '/bighead');
    assert.equal(r.status, 200);
    assert.equal(String(r.headers['x-big']).length, 20000);
  });
});

describe('interop: our client → node:http2 server', () => {
  it('requests with bodies and trailers, 1 MiB uploads under the server\'s 64 KiB windows', async () => {
    const ns = h2createServer();
    ns.on('stream', (st, h) => {
      const chunks: Buffer[] = [];
      st.on('data', (d: Buffer) => chunks.push(d));
      st.on('end', () => {
        const body = Buffer.concat(chunks);
        st.respond({ ':status': 201, 'x-method': String(h[':method']) }, { waitForTrailers: true });
        st.once('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0', 'x-len': String(body.length) }));
        st.end(body);
      });
    });
    await new Promise<void>((r) => ns.listen(0, '127.0.0.1', () => r()));
    closers.push(() => ns.close());
    const sock = netConnect((ns.address() as AddressInfo).port, '127.0.0.1');
    const session = new H2Session(sock, false, { ...defaults, maxConcurrentStreams: 0 }, { onClose: () => { /* test ends */ } });
    closers.push(() => session.destroy());
    session.start();
    const call = (body: Buffer): Promise<{ head: string[]; body: Buffer; trailers: string[] }> => new Promise((resolve, reject) => {
      let head: string[] = [];
      const chunks: Buffer[] = [];
      const s: H2SessionStream = session.request((e) => {
        e.field(':method', 'POST'); e.field(':scheme', 'http'); e.field(':authority', 'x'); e.field(':path', '/');
      }, false);
      s.listener = {
        onHeaders: (f, end) => {
          if (head.length === 0) head = f;
          else if (end) resolve({ head, body: Buffer.concat(chunks), trailers: f });
        },
        onData: (d) => { chunks.push(Buffer.from(d)); },
        onReset: (code) => reject(new Error(`reset ${code}`)),
        onWritable: () => { /* queued data goes out as windows open */ },
      };
      s.write(body);
      s.end();
    });
    const small = await call(Buffer.from('ping'));
    assert.deepEqual(small.head.slice(0, 4), [':status', '201', 'x-method', 'POST']);
    assert.equal(small.body.toString(), 'ping');
    assert.deepEqual(small.trailers, ['grpc-status', '0', 'x-len', '4']);
    const big = Buffer.alloc(1 << 20, 0x63);
    const results = await Promise.all([call(big), call(big)]);
    for (const x of results) assert.ok(x.body.equals(big));
  });
});

describe('edge cases, frame by frame', () => {
  it('a request split at every byte boundary is understood', async () => {
    const s = await server();
    const bytes = Buffer.concat([
      PREFACE, settingsFrame([]),
      headersFrame(1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/split'], [':authority', 'x']]), F.END_HEADERS),
      rawFrame(T.DATA, F.END_STREAM, 1, Buffer.from('hello')),
    ]);
    for (let i = 1; i < bytes.length; i++) {
      const sock = netConnect(s.port, '127.0.0.1');
      await new Promise<void>((r) => sock.once('connect', () => r()));
      const c = new RawClient(sock);
      c.write(bytes.subarray(0, i));
      await sleep(1);
      c.write(bytes.subarray(i));
      const end = await c.waitFor((f) => f.id === 1 && f.type === T.HEADERS && (f.flags & F.END_STREAM) !== 0);
      assert.ok(end !== undefined, `split at ${i}`);
      assert.deepEqual(c.headers(1)[0].slice(0, 4), [':status', '200', 'x-path', '/split'], `split at ${i}`);
      c.close();
    }
    assert.equal(s.streams.length, bytes.length - 1);
    for (const r of s.streams) assert.equal(Buffer.concat(r.body).toString(), 'hello');
  });

  it('CONTINUATION frames complete a header block; any other frame in between is a PROTOCOL_ERROR', async () => {
    const s = await server();
    const b = block([...GET, ['x-a', 'one'], ['x-b', 'two']]);
    const c = await RawClient.open(s.port);
    c.write(Buffer.concat([
      rawFrame(T.HEADERS, F.END_STREAM, 1, b.subarray(0, 3)),
      rawFrame(T.CONTINUATION, 0, 1, b.subarray(3, 7)),
      rawFrame(T.CONTINUATION, F.END_HEADERS, 1, b.subarray(7)),
    ]));
    await c.waitFor((f) => f.id === 1 && f.type === T.HEADERS);
    assert.equal(field(s.streams[0], 'x-b'), 'two');
    c.close();
    const bad = await RawClient.open(s.port);
    bad.write(Buffer.concat([rawFrame(T.HEADERS, F.END_STREAM, 1, b.subarray(0, 3)), frame(T.PING, 0, 0, Buffer.alloc(8))]));
    assert.deepEqual(await bad.goaway(), { last: 0, code: H2Error.PROTOCOL_ERROR });
  });

  it('sending stops when the peer\'s windows are exhausted and resumes with WINDOW_UPDATE', async () => {
    const s = await server({}, (r) => {
      r.s.sendHeaders((e) => e.field(':status', '200'), false);
      r.s.write(Buffer.alloc(200_000, 0x78));
      r.s.end();
    });
    const c = await RawClient.open(s.port, false);
    c.write(Buffer.concat([PREFACE, settingsFrame([[S.INITIAL_WINDOW_SIZE, 1000]]), headersFrame(1, block(GET))]));
    const dataBytes = (): number => c.frames.filter((f) => f.type === T.DATA && f.id === 1).reduce((n, f) => n + f.payload.length, 0);
    await c.waitFor((f) => f.type === T.DATA);
    await sleep(100);
    assert.equal(dataBytes(), 1000, 'the stream window');
    c.write(u32Frame(T.WINDOW_UPDATE, 0, 1, 100_000));
    await sleep(100);
    assert.equal(dataBytes(), 65535, 'then the connection window');
    c.write(Buffer.concat([u32Frame(T.WINDOW_UPDATE, 0, 0, 200_000), u32Frame(T.WINDOW_UPDATE, 0, 1, 200_000)]));
    await c.waitFor((f) => f.type === T.DATA && (f.flags & F.END_STREAM) !== 0);
    assert.equal(dataBytes(), 200_000);
  });

  it('a paused stream holds its window shut until it resumes; overrunning it is FLOW_CONTROL_ERROR', async () => {
    const s = await server({}, () => { /* never answers */ });
    const c = await RawClient.open(s.port);
    c.write(headersFrame(1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']]), F.END_HEADERS));
    await sleep(50);
    s.streams[0].s.pause();
    for (let i = 0; i < 4; i++) c.write(rawFrame(T.DATA, 0, 1, Buffer.alloc(16000)));
    await sleep(100);
    assert.equal(c.frames.filter((f) => f.type === T.WINDOW_UPDATE && f.id === 1).length, 0);
    s.streams[0].s.resume();
    const wu = await c.waitFor((f) => f.type === T.WINDOW_UPDATE && f.id === 1);
    // Handed back in batches of at least half the window.
    assert.equal(wu!.payload.readUInt32BE(0), 48000);
    // 65,535 - 64,000 + 48,000 open: 70,000 more bytes overrun it.
    s.streams[0].s.pause();
    for (let i = 0; i < 5; i++) c.write(rawFrame(T.DATA, 0, 1, Buffer.alloc(14000)));
    assert.equal(await c.rst(1), H2Error.FLOW_CONTROL_ERROR);
  });

  it('RST_STREAM mid-body reaches the stream; the connection goes on', async () => {
    const s = await server();
    const c = await RawClient.open(s.port);
    c.write(Buffer.concat([
      headersFrame(1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']]), F.END_HEADERS),
      rawFrame(T.DATA, 0, 1, Buffer.from('part')),
      u32Frame(T.RST_STREAM, 0, 1, H2Error.CANCEL),
      headersFrame(3, block(GET)),
    ]));
    await c.waitFor((f) => f.id === 3 && f.type === T.HEADERS);
    assert.equal(s.streams[0].reset, H2Error.CANCEL);
    assert.equal(Buffer.concat(s.streams[0].body).toString(), 'part');
  });

  it('GOAWAY with streams in flight: they finish, later streams are not served, then the connection closes', async () => {
    const s = await server({}, (r) => { if (field(r, ':path') === '/slow') setTimeout(() => echo(r), 150); else echo(r); });
    const c = await RawClient.open(s.port);
    c.write(headersFrame(1, block([[':method', 'GET'], [':scheme', 'http'], [':path', '/slow'], [':authority', 'x']])));
    await sleep(50);
    s.sessions[0].shutdown();
    assert.deepEqual(await c.goaway(), { last: 1, code: H2Error.NO_ERROR });
    c.write(headersFrame(3, block(GET)));
    await c.waitFor((f) => f.id === 1 && f.type === T.HEADERS && (f.flags & F.END_STREAM) !== 0);
    await c.waitFor(() => false).catch(() => undefined);
    assert.ok(c.closed, 'closed after the last stream');
    assert.equal(c.frames.filter((f) => f.id === 3).length, 0);
    assert.equal(s.streams.length, 1);
  });

  it('a client\'s GOAWAY lets its streams in flight finish', async () => {
    const s = await server({}, (r) => setTimeout(() => echo(r), 100));
    const c = await RawClient.open(s.port);
    c.write(Buffer.concat([headersFrame(1, block(GET)), frame(T.GOAWAY, 0, 0, Buffer.alloc(8))]));
    const end = await c.waitFor((f) => f.id === 1 && f.type === T.HEADERS && (f.flags & F.END_STREAM) !== 0);
    assert.ok(end !== undefined);
    assert.deepEqual(c.headers(1)[0].slice(0, 2), [':status', '200']);
  });

  it('an oversize header list is flagged for the application (the proxy answers 431)', async () => {
    const s = await server({ maxHeaderListSize: 16384 });
    const c = await RawClient.open(s.port);
    const b = block([...GET, ['x-big', '{'.repeat(20000)]]);
    c.write(Buffer.concat([rawFrame(T.HEADERS, F.END_STREAM, 1, b.subarray(0, 16000)), rawFrame(T.CONTINUATION, F.END_HEADERS, 1, b.subarray(16000))]));
    await c.waitFor((f) => f.id === 1 && f.type === T.HEADERS);
    assert.equal(s.streams[0].oversize, true);
  });

  it('a bad preface is answered with GOAWAY PROTOCOL_ERROR and the connection closes', async () => {
    const s = await server();
    const c = await RawClient.open(s.port, false);
    c.write(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    assert.deepEqual(await c.goaway(), { last: 0, code: H2Error.PROTOCOL_ERROR });
    await c.waitFor(() => false).catch(() => undefined);
    assert.ok(c.closed);
  });

  it('PING is answered with its payload; SETTINGS are acknowledged; PRIORITY is ignored', async () => {
    const s = await server();
    const c = await RawClient.open(s.port);
    const payload = Buffer.from('12345678');
    c.write(Buffer.concat([frame(T.PING, 0, 0, payload), rawFrame(T.PRIORITY, 0, 1, Buffer.from([0, 0, 0, 0, 16])), headersFrame(1, block(GET))]));
    const pong = await c.waitFor((f) => f.type === T.PING);
    assert.equal(pong!.flags, 1);
    assert.ok(pong!.payload.equals(payload));
    assert.ok(await c.waitFor((f) => f.type === T.SETTINGS && f.flags === 1));
    assert.ok(await c.waitFor((f) => f.id === 1 && f.type === T.HEADERS));
  });

  it('streams beyond SETTINGS_MAX_CONCURRENT_STREAMS are refused', async () => {
    const s = await server({ maxConcurrentStreams: 1 });
    const c = await RawClient.open(s.port);
    const hang = block([[':method', 'GET'], [':scheme', 'http'], [':path', '/hang'], [':authority', 'x']], s.sessions[0]?.encoder ?? undefined);
    c.write(Buffer.concat([headersFrame(1, hang), headersFrame(3, block(GET))]));
    assert.equal(await c.rst(3), H2Error.REFUSED_STREAM);
  });

  const post = (): Buffer => block([[':method', 'POST'], [':scheme', 'http'], [':path', '/'], [':authority', 'x'], ['content-length', '5']]);
  const cases: { name: string; frames: () => Buffer[]; goaway?: number; rst?: number }[] = [
    { name: 'DATA on stream 0', frames: () => [rawFrame(T.DATA, 0, 0, Buffer.from('x'))], goaway: H2Error.PROTOCOL_ERROR },
    { name: 'a frame above SETTINGS_MAX_FRAME_SIZE', frames: () => [rawFrame(T.DATA, 0, 1, Buffer.alloc(16385))], goaway: H2Error.FRAME_SIZE_ERROR },
    { name: 'HEADERS on an even (server) stream id', frames: () => [headersFrame(2, block(GET))], goaway: H2Error.PROTOCOL_ERROR },
    { name: 'an undecodable header block', frames: () => [headersFrame(1, Buffer.from([0x80]))], goaway: H2Error.COMPRESSION_ERROR },
    { name: 'PING of 7 octets', frames: () => [frame(T.PING, 0, 0, Buffer.alloc(7))], goaway: H2Error.FRAME_SIZE_ERROR },
    { name: 'SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1', frames: () => [settingsFrame([[S.INITIAL_WINDOW_SIZE, 2 ** 31]])], goaway: H2Error.FLOW_CONTROL_ERROR },
    { name: 'CONTINUATION without HEADERS', frames: () => [rawFrame(T.CONTINUATION, F.END_HEADERS, 1, block(GET))], goaway: H2Error.PROTOCOL_ERROR },
    { name: 'DATA on an idle stream', frames: () => [rawFrame(T.DATA, 0, 5, Buffer.from('x'))], goaway: H2Error.PROTOCOL_ERROR },
    { name: 'a WINDOW_UPDATE of 0 on an open stream', frames: () => [headersFrame(1, post(), F.END_HEADERS), u32Frame(T.WINDOW_UPDATE, 0, 1, 0)], rst: H2Error.PROTOCOL_ERROR },
    { name: 'an uppercase header name', frames: () => [headersFrame(1, block([...GET, ['X-Up', '1']]))], rst: H2Error.PROTOCOL_ERROR },
    { name: 'a CR/LF in a field value', frames: () => [headersFrame(1, block([...GET, ['x-a', 'one\r\nx-injected: 1']]))], rst: H2Error.PROTOCOL_ERROR },
    { name: 'a space in a field name', frames: () => [headersFrame(1, block([...GET, ['x a', '1']]))], rst: H2Error.PROTOCOL_ERROR },
    { name: 'a connection-specific header', frames: () => [headersFrame(1, block([...GET, ['connection', 'keep-alive']]))], rst: H2Error.PROTOCOL_ERROR },
    { name: 'a pseudo-header after a regular one', frames: () => [headersFrame(1, block([[':method', 'GET'], ['x-a', '1'], [':path', '/']]))], rst: H2Error.PROTOCOL_ERROR },
    { name: 'DATA shorter than content-length', frames: () => [headersFrame(1, post(), F.END_HEADERS), rawFrame(T.DATA, F.END_STREAM, 1, Buffer.from('abc'))], rst: H2Error.PROTOCOL_ERROR },
    { name: 'HEADERS whose PRIORITY depends on its own stream', frames: () => [headersFrame(1, Buffer.concat([Buffer.from([0, 0, 0, 1, 16]), block(GET)]), F.END_HEADERS | F.END_STREAM | F.PRIORITY)], rst: H2Error.PROTOCOL_ERROR },
    { name: 'DATA after END_STREAM', frames: () => [headersFrame(1, block(GET)), rawFrame(T.DATA, 0, 1, Buffer.from('x'))], rst: H2Error.STREAM_CLOSED },
  ];
  for (const tc of cases) {
    it(`protocol error: ${tc.name} → ${tc.goaway !== undefined ? `GOAWAY ${tc.goaway}` : `RST_STREAM ${tc.rst}`}`, async () => {
      const s = await server({}, (r) => { if (tc.name.startsWith('DATA after')) return; echo(r); });
      const c = await RawClient.open(s.port);
      c.write(Buffer.concat(tc.frames()));
      if (tc.goaway !== undefined) assert.equal((await c.goaway())?.code, tc.goaway);
      else assert.equal(await c.rst(1), tc.rst);
      c.close();
    });
  }
});
