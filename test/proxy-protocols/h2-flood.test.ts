// Hostile HTTP/2 clients against a real proxy on our codec, over raw loopback sockets: Envoy's
// flood limits (outbound frames a non-reading peer makes us queue, empty frames, PRIORITY and
// WINDOW_UPDATE floods) and the Rapid Reset (CVE-2023-44487) budget. Each attack ends its own
// connection with GOAWAY ENHANCE_YOUR_CALM (or a drop, for a peer that no longer reads), counts in
// Envoy's stat, and leaves other connections served.
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { F, H2Error, PREFACE, T, frame, settingsFrame, u32Frame } from '../../src/proxy/http2/frames.js';
import { echoBackend, simpleConfig, startProxy } from '../../src/proxy/testing.js';
import { GET, RawClient, block, headersFrame, rawFrame } from './h2-codec-helpers.js';
import { h2get } from './h2-helpers.js';

process.env.ISTIO_TS_H2_CODEC = 'native';

const POST: [string, string][] = [[':method', 'POST'], [':scheme', 'http'], [':path', '/p'], [':authority', 'x']];

/**
 * Writes `chunk` over and over on a connection whose replies are never read, until the proxy
 * drops it or `capBytes` have gone out. Returns whether it was dropped and how much was sent.
 */
async function floodWithoutReading(port: number, chunk: Buffer, capBytes: number, proxyDropped: () => boolean): Promise<{ dropped: boolean; sent: number }> {
  const sock = netConnect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.pause();
  let dropped = false;
  sock.on('error', () => { dropped = true; });
  sock.on('close', () => { dropped = true; });
  sock.write(Buffer.concat([PREFACE, settingsFrame([]), frame(T.SETTINGS, F.END_STREAM, 0)]));
  let sent = 0;
  while (!dropped && !proxyDropped() && sent < capBytes) {
    const ok = sock.write(chunk);
    sent += chunk.length;
    // Let the proxy read. A full send buffer waits for 'drain': the proxy must keep reading us, so
    // a proxy that stopped would hang here until the test's timeout. (Giving up on 'drain' after a
    // fixed wait instead crawled on a loaded machine, one short write per wait.)
    // The proxy's own count ends the wait too: in a full test run the paused client sometimes
    // learnt of the drop only after the test's timeout.
    if (!ok && !dropped) {
      await new Promise<void>((r) => {
        const done = (): void => {
          clearInterval(poll);
          sock.off('drain', done);
          sock.off('close', done);
          r();
        };
        const poll = setInterval(() => { if (proxyDropped()) done(); }, 50);
        sock.once('drain', done);
        sock.once('close', done);
      });
    }
    else await new Promise<void>((r) => setImmediate(r));
  }
  sock.destroy();
  return { dropped: dropped || proxyDropped(), sent };
}

describe('HTTP/2 flood and abuse protection (Envoy defaults)', () => {
  let backend: Awaited<ReturnType<typeof echoBackend>>;
  let px: Awaited<ReturnType<typeof startProxy>>;
  const stat = (name: string): number => px.proxy.stats.snapshot().find(([n]) => n === name)?.[1] ?? 0;

  before(async () => {
    backend = await echoBackend('b');
    px = await startProxy(simpleConfig(
      [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }],
      { b: [backend.port] },
      { hcm: { codecType: 'HTTP2' } },
    ));
  });
  after(async () => {
    await px.proxy.close();
    backend.server.close();
  });

  async function stillServes(): Promise<void> {
    const r = await h2get(px.port, '/ok');
    assert.equal(r.status, 200);
  }

  it('a PING flood from a client that does not read is dropped at 1,000 queued control frames (http2.outbound_control_flood)', { timeout: 60_000 }, async () => {
    // 100 PINGs per write: each burst alone is harmless; only the client not reading piles ACKs up.
    const pings = Buffer.concat(Array.from({ length: 100 }, () => frame(T.PING, 0, 0, Buffer.alloc(8))));
    const before = process.memoryUsage().rss;
    const r = await floodWithoutReading(px.port, pings, 64 << 20, () => stat('http2.outbound_control_flood') >= 1);
    assert.ok(r.dropped, `still open after ${r.sent} bytes of PINGs`);
    assert.equal(stat('http2.outbound_control_flood'), 1);
    // The ACKs waiting for the client stay bounded: the kernel's buffers plus 1,000 frames.
    assert.ok(r.sent < 8 << 20, `${r.sent} bytes of PINGs taken before the drop`);
    assert.ok(process.memoryUsage().rss - before < 32 << 20, 'memory grew with the flood');
    await stillServes();
  });

  it('the same PINGs from a client that reads its ACKs are answered without limit', async () => {
    const c = await RawClient.open(px.port);
    const pings = Buffer.concat(Array.from({ length: 100 }, () => frame(T.PING, 0, 0, Buffer.alloc(8))));
    for (let i = 0; i < 100; i++) {
      c.write(pings);
      await new Promise<void>((r) => setTimeout(r, 1));
    }
    await c.waitFor(() => c.frames.filter((f) => f.type === T.PING).length >= 10_000, 10_000);
    assert.equal(c.closed, false);
    assert.equal(stat('http2.outbound_control_flood'), 1);
    c.close();
  });

  it('a SETTINGS flood from a client that does not read is dropped the same way', { timeout: 120_000 }, async () => {
    const settings = Buffer.concat(Array.from({ length: 100 }, () => settingsFrame([])));
    const r = await floodWithoutReading(px.port, settings, 64 << 20, () => stat('http2.outbound_control_flood') >= 2);
    assert.ok(r.dropped, `still open after ${r.sent} bytes of SETTINGS`);
    assert.equal(stat('http2.outbound_control_flood'), 2);
    await stillServes();
  });

  it('two empty DATA frames in a row end the connection with GOAWAY ENHANCE_YOUR_CALM (http2.inbound_empty_frames_flood)', async () => {
    const c = await RawClient.open(px.port);
    c.write(headersFrame(1, block(POST), F.END_HEADERS));
    c.write(Buffer.concat([frame(T.DATA, 0, 1), frame(T.DATA, 0, 1)]));
    const g = await c.goaway();
    assert.equal(g?.code, H2Error.ENHANCE_YOUR_CALM);
    assert.equal(stat('http2.inbound_empty_frames_flood'), 1);
    c.close();
    await stillServes();
  });

  it('one empty DATA frame between data is allowed', async () => {
    const c = await RawClient.open(px.port);
    c.write(headersFrame(1, block(POST), F.END_HEADERS));
    c.write(Buffer.concat([frame(T.DATA, 0, 1, Buffer.from('a')), frame(T.DATA, 0, 1), frame(T.DATA, F.END_STREAM, 1, Buffer.from('b'))]));
    const h = await c.waitFor((f) => f.type === T.HEADERS && f.id === 1);
    assert.equal(h?.fields?.[1], '200');
    assert.equal(c.frames.some((f) => f.type === T.GOAWAY), false);
    c.close();
  });

  it('PRIORITY frames beyond 100 per stream end the connection (http2.inbound_priority_frames_flood)', async () => {
    const c = await RawClient.open(px.port);
    const prio = Buffer.from([0, 0, 0, 0, 16]);
    c.write(Buffer.concat(Array.from({ length: 101 }, (_, i) => rawFrame(T.PRIORITY, 0, 2 * i + 1, prio))));
    const g = await c.goaway();
    assert.equal(g?.code, H2Error.ENHANCE_YOUR_CALM);
    assert.equal(stat('http2.inbound_priority_frames_flood'), 1);
    c.close();
    await stillServes();
  });

  it('WINDOW_UPDATEs beyond what streams and sent DATA justify end the connection (http2.inbound_window_update_frames_flood)', async () => {
    const c = await RawClient.open(px.port);
    c.write(Buffer.concat(Array.from({ length: 3 }, () => u32Frame(T.WINDOW_UPDATE, 0, 0, 1))));
    const g = await c.goaway();
    assert.equal(g?.code, H2Error.ENHANCE_YOUR_CALM);
    assert.equal(stat('http2.inbound_window_update_frames_flood'), 1);
    c.close();
    await stillServes();
  });

  it('Rapid Reset: HEADERS+RST_STREAM pairs close the connection after 250 premature resets (downstream_rq_too_many_premature_resets)', async () => {
    const c = await RawClient.open(px.port);
    const out: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const id = 2 * i + 1;
      out.push(headersFrame(id, block(GET), F.END_HEADERS | F.END_STREAM), u32Frame(T.RST_STREAM, 0, id, H2Error.CANCEL));
    }
    c.write(Buffer.concat(out));
    const g = await c.goaway();
    assert.equal(g?.code, H2Error.ENHANCE_YOUR_CALM);
    // The 250th premature reset is the last one taken.
    assert.equal(g?.last, 2 * 249 + 1);
    assert.equal(stat('http.test.downstream_rq_too_many_premature_resets'), 1);
    assert.ok(stat('http2.rx_reset') >= 250);
    c.close();
    await stillServes();
  });

  it('streams that complete are not premature: 600 sequential requests on one connection stay up', { timeout: 30_000 }, async () => {
    const c = await RawClient.open(px.port);
    c.write(u32Frame(T.WINDOW_UPDATE, 0, 0, 100 << 20)); // 600 responses are more than the first 64 KiB window
    for (let i = 0; i < 600; i++) {
      const id = 2 * i + 1;
      c.write(headersFrame(id, block(GET), F.END_HEADERS | F.END_STREAM));
      const h = await c.waitFor((f) => f.type === T.DATA && f.id === id && (f.flags & F.END_STREAM) !== 0);
      assert.ok(h !== undefined, `stream ${id} not answered`);
    }
    assert.equal(c.frames.some((f) => f.type === T.GOAWAY), false);
    c.close();
  });
});
