// HCM codec_type: HTTP2 serves prior-knowledge HTTP/2 on the socket directly, HTTP1 treats the
// HTTP/2 preface as a malformed HTTP/1.1 request (400), AUTO serves both on one listener.
import assert from 'node:assert/strict';
import { connect, type Settings } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import type { CodecType, VirtualHost } from '../../src/proxy/config/types.js';
import { echoBackend, get, raw, simpleConfig, startProxy } from '../../src/proxy/testing.js';
import { h2get } from './h2-helpers.js';

describe('codec_type', () => {
  let backend: Awaited<ReturnType<typeof echoBackend>>;
  const proxies: Partial<Record<CodecType, Awaited<ReturnType<typeof startProxy>>>> = {};

  before(async () => {
    backend = await echoBackend('a');
    const vhosts: VirtualHost[] = [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'a' } }] }];
    for (const codecType of ['AUTO', 'HTTP1', 'HTTP2'] as const) {
      proxies[codecType] = await startProxy(simpleConfig(vhosts, { a: [backend.port] }, { hcm: { codecType, http2ProtocolOptions: { maxConcurrentStreams: 7 } } }));
    }
  });

  after(async () => {
    for (const p of Object.values(proxies)) await p.proxy.close();
    backend.server.closeAllConnections();
    backend.server.close();
  });

  it('HTTP2 serves h2c with the configured SETTINGS', async () => {
    const r = await h2get(proxies.HTTP2!.port, '/x', { ':authority': 'svc' });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).url, '/x');
    assert.equal(proxies.HTTP2!.proxy.stats.snapshot().find(([k]) => k === 'http.test.downstream_cx_http2_total')?.[1], 1);
    const session = connect(`http://127.0.0.1:${proxies.HTTP2!.port}`);
    const settings = await new Promise<Settings>((resolve) => session.once('remoteSettings', resolve));
    session.close();
    assert.equal(settings.maxConcurrentStreams, 7);
    assert.equal(settings.initialWindowSize, 268435456);
  });

  it('HTTP1 answers the HTTP/2 preface with 400 and closes', async () => {
    const r = await raw(proxies.HTTP1!.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(r.closed, true);
  });

  it('AUTO serves HTTP/1.1 and HTTP/2 on one listener', async () => {
    const p = proxies.AUTO!;
    assert.equal((await get(p.port, '/one', { host: 'svc' })).status, 200);
    assert.equal((await h2get(p.port, '/two', { ':authority': 'svc' })).status, 200);
    const stats = Object.fromEntries(p.proxy.stats.snapshot());
    assert.equal(stats['http.test.downstream_cx_http1_total'], 1);
    assert.equal(stats['http.test.downstream_cx_http2_total'], 1);
  });
});
