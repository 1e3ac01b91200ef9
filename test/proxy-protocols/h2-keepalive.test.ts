// Envoy's http2_protocol_options.connection_keepalive on our codec, on loopback: the proxy PINGs
// its downstream clients and aborts one that stops answering; upstream, a connection idle for
// connection_idle_interval is PINGed before a new stream, and when its peer has died the stream is
// reset and the router's retry policy sends the request on a fresh connection.
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { T } from '../../src/proxy/http2/frames.js';
import { get, simpleConfig, startProxy } from '../../src/proxy/testing.js';
import { http2Options } from '../../src/proxy/xds/decode-listener.js';
import { RawClient, codecServer } from './h2-codec-helpers.js';

process.env.ISTIO_TS_H2_CODEC = 'native';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('HTTP/2 connection keepalive (downstream)', () => {
  let px: Awaited<ReturnType<typeof startProxy>>;
  let backend: Awaited<ReturnType<typeof codecServer>>;
  const stat = (name: string): number => px.proxy.stats.snapshot().find(([n]) => n === name)?.[1] ?? 0;

  before(async () => {
    backend = await codecServer((r) => r.s.sendHeaders((enc) => enc.field(':status', '200'), true));
    px = await startProxy(simpleConfig(
      [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }],
      { b: [backend.port] },
      {
        hcm: { codecType: 'HTTP2', http2ProtocolOptions: { connectionKeepalive: { intervalMs: 100, timeoutMs: 200, intervalJitterPercent: 0 } } },
        cluster: { httpProtocolOptions: { upstreamProtocol: 'HTTP2' } },
      },
    ));
  });
  after(async () => {
    await px.proxy.close();
    backend.server.close();
  });

  it('a client that never ACKs the proxy\'s PING is disconnected after interval + timeout (http2.keepalive_timeout)', async () => {
    const c = await RawClient.open(px.port);
    const ping = await c.waitFor((f) => f.type === T.PING && (f.flags & 1) === 0, 2000);
    assert.ok(ping !== undefined);
    const t0 = Date.now();
    while (!c.closed && Date.now() - t0 < 2000) await sleep(20);
    assert.ok(c.closed, 'still connected');
    assert.equal(stat('http2.keepalive_timeout'), 1);
  });

  it('a client that answers PINGs (node:http2) keeps its connection across many intervals', async () => {
    const session = h2connect(`http://127.0.0.1:${px.port}`);
    await new Promise<void>((r) => session.once('connect', () => r()));
    await sleep(800);
    assert.equal(session.closed || session.destroyed, false);
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/' });
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
      req.resume();
    });
    assert.equal(status, 200);
    session.close();
    assert.equal(stat('http2.keepalive_timeout'), 1);
  });
});

describe('HTTP/2 connection keepalive (upstream)', () => {
  let px: Awaited<ReturnType<typeof startProxy>>;
  let backend: Awaited<ReturnType<typeof codecServer>>;
  const stat = (name: string): number => px.proxy.stats.snapshot().find(([n]) => n === name)?.[1] ?? 0;

  before(async () => {
    backend = await codecServer((r) => r.s.sendHeaders((enc) => enc.field(':status', '200'), true));
    px = await startProxy(simpleConfig(
      [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b', retryPolicy: { retryOn: 'reset', numRetries: 2, retryBackOff: { baseIntervalMs: 1, maxIntervalMs: 2 } } } }] }],
      { b: [backend.port] },
      { cluster: { httpProtocolOptions: { upstreamProtocol: 'HTTP2', http2ProtocolOptions: { connectionKeepalive: { timeoutMs: 300, connectionIdleIntervalMs: 100 } } } } },
    ));
  });
  after(async () => {
    await px.proxy.close();
    backend.server.close();
  });

  it('a request on an idle connection whose peer died is PINGed first, the connection aborted, and the request retried on a new one', { timeout: 10_000 }, async () => {
    assert.equal((await get(px.port, '/one')).status, 200);
    assert.equal(backend.sessions.length, 1);
    // The upstream stops reading: it will neither see the next request nor ACK a PING.
    backend.sessions[0].socket.pause();
    await sleep(200);
    const t0 = Date.now();
    const r = await get(px.port, '/two');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 250, 'answered before the keepalive timeout');
    assert.equal(backend.sessions.length, 2);
    assert.equal(stat('cluster.b.http2.keepalive_timeout'), 1);
  });
});

describe('http2_protocol_options decoding (xDS → config)', () => {
  it('carries the flood limits and connection_keepalive, and rejects a keepalive without timeout', () => {
    const o = http2Options({
      max_outbound_frames: { value: 5 },
      max_inbound_priority_frames_per_stream: { value: 7 },
      connection_keepalive: { interval: { seconds: '1' }, timeout: { nanos: 500_000_000 }, interval_jitter: { value: 10 }, connection_idle_interval: { seconds: 2 } },
    });
    assert.deepEqual(o, {
      maxOutboundFrames: 5,
      maxInboundPriorityFramesPerStream: 7,
      connectionKeepalive: { timeoutMs: 500, intervalMs: 1000, connectionIdleIntervalMs: 2000, intervalJitterPercent: 10 },
    });
    assert.throws(() => http2Options({ connection_keepalive: { interval: { seconds: 1 } } }), /timeout/);
  });
});
