import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { connect } from 'node:tls';
import { inspectClientHello } from './tls-inspector.js';

/** The first bytes a real node:tls client sends (its ClientHello), captured on a plain TCP server. */
async function clientHello(opts: { servername?: string; ALPNProtocols?: string[]; host?: string }): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const got = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); })));
  const c = connect({ host: opts.host ?? '127.0.0.1', port: (server.address() as AddressInfo).port, servername: opts.servername, ALPNProtocols: opts.ALPNProtocols, rejectUnauthorized: false });
  c.on('error', () => { /* the capture server hangs up */ });
  const b = await got;
  c.destroy();
  server.close();
  return b;
}

/** Re-frames one ClientHello record as two records split inside the handshake message. */
function splitRecord(hello: Buffer, at: number): Buffer {
  const body = hello.subarray(5);
  const rec = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0x16, hello[1], hello[2], b.length >> 8, b.length & 0xff]), b]);
  return Buffer.concat([rec(body.subarray(0, at)), rec(body.subarray(at))]);
}

describe('tls_inspector ClientHello parsing', () => {
  it('real client hellos: SNI and ALPN as the client sent them', async () => {
    const cases: [string, Parameters<typeof clientHello>[0], string | undefined, string[]][] = [
      ['SNI and ALPN', { servername: 'Backend-A.Example.com', ALPNProtocols: ['h2', 'http/1.1'] }, 'backend-a.example.com', ['h2', 'http/1.1']],
      ['SNI only', { servername: 'b.example.com' }, 'b.example.com', []],
      ['no SNI (IP address), ALPN only', { ALPNProtocols: ['istio-peer-exchange', 'istio'] }, undefined, ['istio-peer-exchange', 'istio']],
    ];
    for (const [name, opts, sni, alpn] of cases) {
      const hello = await clientHello(opts);
      assert.deepEqual(inspectClientHello(hello), { kind: 'tls', serverName: sni, alpn }, name);
      // Every strict prefix needs more bytes; the whole hello decides.
      for (const n of [0, 1, 5, 6, 40, hello.length - 1]) assert.deepEqual(inspectClientHello(hello.subarray(0, n)), { kind: 'need-more' }, `${name}: prefix ${n}`);
      // A hello fragmented over two records (allowed by RFC 8446 §5.1) parses the same.
      for (const at of [2, 60, hello.length - 10]) {
        const two = splitRecord(hello, at);
        assert.deepEqual(inspectClientHello(two), { kind: 'tls', serverName: sni, alpn }, `${name}: split at ${at}`);
        assert.deepEqual(inspectClientHello(two.subarray(0, two.length - 1)), { kind: 'need-more' }, `${name}: split at ${at}, short`);
      }
    }
  });

  it('plaintext and malformed input is not TLS; an oversized hello is too large', () => {
    const cases: [string, Buffer, string][] = [
      ['HTTP/1.1 request', Buffer.from('GET / HTTP/1.1\r\nhost: a\r\n\r\n'), 'not-tls'],
      ['HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'not-tls'],
      ['handshake byte, bad version', Buffer.from([0x16, 0x07, 0x01, 0x00, 0x10]), 'not-tls'],
      ['record length zero', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00]), 'not-tls'],
      ['record longer than 2^14', Buffer.from([0x16, 0x03, 0x01, 0x40, 0x01]), 'not-tls'],
      ['ServerHello, not ClientHello', Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00]), 'not-tls'],
      ['truncated ClientHello body', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x03, 0x03]), 'not-tls'],
      ['handshake message over 64 KiB', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00]), 'too-large'],
    ];
    for (const [name, b, kind] of cases) assert.equal(inspectClientHello(b).kind, kind, name);
  });
});
