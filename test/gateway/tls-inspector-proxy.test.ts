// The proxy's tls_inspector on real sockets: connections are matched to filter chains by the SNI
// of their ClientHello and passed through untouched (the client completes its handshake with the
// backend's own certificate), and listener_filters_timeout closes or continues as configured.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WellKnownName } from '../../src/xds-api/index.js';
import type { ClusterConfig, ListenerConfig } from '../../src/proxy/config/types.js';
import { Proxy } from '../../src/proxy/proxy.js';
import { tlsBackend, tlsGet, type TlsBackend } from './tls-backend.js';

const cluster = (name: string, port: number): ClusterConfig => ({
  name, type: 'STATIC', connectTimeoutMs: 1000, loadAssignment: { clusterName: name, endpoints: [{ address: '127.0.0.1', port }] },
});

/** Sends nothing, reads until close: what a server-first backend said, and whether the proxy hung up. */
function silentClient(port: number, waitMs: number): Promise<{ got: string; closedAfterMs: number | undefined }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    s.on('error', () => { /* close follows */ });
    const timer = setTimeout(() => { s.destroy(); resolve({ got, closedAfterMs: undefined }); }, waitMs);
    s.once('close', () => { clearTimeout(timer); resolve({ got, closedAfterMs: Date.now() - t0 }); });
  });
}

describe('tls_inspector: SNI filter chains and TLS passthrough', () => {
  let a: TlsBackend;
  let b: TlsBackend;
  let greeter: Server;
  let proxy: Proxy;
  const ports: Record<string, number> = {};

  before(async () => {
    a = await tlsBackend('backend-a', 'a.example.com');
    b = await tlsBackend('backend-b', 'b.example.com');
    // A server-first protocol: it speaks before the client does.
    greeter = createServer((s) => s.end('220 greeter ready\r\n'));
    greeter.listen(0, '127.0.0.1');
    await once(greeter, 'listening');
    const tlsListener = (name: string, extra: Partial<ListenerConfig>): ListenerConfig => ({
      name, address: '127.0.0.1', port: 0, listenerFilters: [WellKnownName.TlsInspector], ...extra,
      filterChains: [
        { filterChainMatch: { serverNames: ['a.example.com'] }, tcpProxy: { statPrefix: 'a', cluster: 'a' } },
        { filterChainMatch: { serverNames: ['*.b.example.com', 'b.example.com'] }, tcpProxy: { statPrefix: 'b', cluster: 'b' } },
        { filterChainMatch: { transportProtocol: 'raw_buffer' }, tcpProxy: { statPrefix: 'plain', cluster: 'greeter' } },
      ],
    });
    proxy = new Proxy();
    await proxy.apply({
      version: '1',
      listeners: [
        tlsListener('no-timeout', { listenerFiltersTimeoutMs: 0 }),
        tlsListener('timeout-continue', { listenerFiltersTimeoutMs: 200, continueOnListenerFiltersTimeout: true }),
        tlsListener('timeout-close', { listenerFiltersTimeoutMs: 200 }),
      ],
      routeConfigs: [],
      clusters: [cluster('a', a.port), cluster('b', b.port), cluster('greeter', (greeter.address() as AddressInfo).port)],
    });
    for (const n of ['no-timeout', 'timeout-continue', 'timeout-close']) ports[n] = proxy.listenerPort(n)!;
  });
  after(async () => {
    await proxy.close();
    a.close();
    b.close();
    greeter.close();
  });

  it('routes by SNI and passes the handshake through: the client sees the backend certificate', async () => {
    const cases: [string, string, string[], string, string][] = [
      ['a.example.com', a.cert.cert, ['h2', 'http/1.1'], 'a.example.com', 'backend-a sni=a.example.com alpn=h2'],
      ['b.example.com', b.cert.cert, ['http/1.1'], 'b.example.com', 'backend-b sni=b.example.com alpn=http/1.1'],
    ];
    for (const [sni, ca, alpn, cn, body] of cases) {
      const r = await tlsGet(ports['no-timeout'], sni, ca, alpn);
      assert.equal(r.authorized, true, sni);
      assert.equal(r.peerCN, cn);
      assert.equal(r.body, body);
    }
    // SNI under *.b.example.com reaches b, whose certificate does not cover it: the client must refuse it.
    await assert.rejects(tlsGet(ports['no-timeout'], 'x.b.example.com', b.cert.cert), /Hostname\/IP does not match certificate's altnames/);
    // No chain for this SNI (and it is TLS, so not the raw_buffer chain): the proxy closes the connection.
    await assert.rejects(tlsGet(ports['no-timeout'], 'c.example.com', a.cert.cert), /closed before the handshake completed/);
    const stats = new Map(proxy.stats.snapshot());
    assert.equal(stats.get('tls_inspector.tls_found'), 4);
    assert.equal(stats.get('tls_inspector.sni_found'), 4);
    assert.equal(stats.get('tls_inspector.alpn_found'), 4);
    assert.equal(stats.get('tcp.a.downstream_cx_total'), 1);
    assert.equal(stats.get('tcp.b.downstream_cx_total'), 2);
  });

  it('plaintext bytes are not TLS: the raw_buffer chain gets them, unchanged', async () => {
    const got = await new Promise<string>((resolve) => {
      const s = connect(ports['no-timeout'], '127.0.0.1', () => s.write('HELO client\r\n'));
      let out = '';
      s.on('data', (d: Buffer) => { out += d.toString(); });
      s.on('error', () => { /* close follows */ });
      s.once('close', () => resolve(out));
    });
    assert.equal(got, '220 greeter ready\r\n');
    assert.equal(new Map(proxy.stats.snapshot()).get('tls_inspector.tls_not_found'), 1);
  });

  it('listener_filters_timeout: continue matches without the hello, otherwise the connection closes', async () => {
    const [cont, close, none] = await Promise.all([
      silentClient(ports['timeout-continue'], 2000),
      silentClient(ports['timeout-close'], 2000),
      silentClient(ports['no-timeout'], 600),
    ]);
    assert.equal(cont.got, '220 greeter ready\r\n');
    assert.ok(cont.closedAfterMs !== undefined && cont.closedAfterMs >= 180, `continued after ${cont.closedAfterMs} ms`);
    assert.equal(close.got, '');
    assert.ok(close.closedAfterMs !== undefined && close.closedAfterMs >= 180 && close.closedAfterMs < 1500, `closed after ${close.closedAfterMs} ms`);
    // Timeout 0 waits for the client's first bytes as long as it takes.
    assert.deepEqual(none, { got: '', closedAfterMs: undefined });
    assert.equal(new Map(proxy.stats.snapshot()).get('listener.127.0.0.1_0.downstream_pre_cx_timeout'), 2);
  });
});
