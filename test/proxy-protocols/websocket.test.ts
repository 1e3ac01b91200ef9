// WebSocket through the proxy: undici's WebSocket client, a minimal RFC 6455 echo server written on
// raw sockets, and the HCM's upgrade_configs deciding whether the Upgrade passes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import type { VirtualHost } from '../../src/proxy/config/types.js';
import { raw, simpleConfig, startProxy } from '../../src/proxy/testing.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Echoes each text frame back as `echo:<text>`; records the handshake headers it saw. */
async function wsEchoServer(): Promise<{ server: Server; port: number; heads: string[] }> {
  const heads: string[] = [];
  const server = createServer((s: Socket) => {
    let buf = Buffer.alloc(0);
    let open = false;
    s.on('error', () => { /* client gone */ });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        heads.push(head);
        buf = buf.subarray(end + 4);
        const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
        const accept = createHash('sha1').update(key + GUID).digest('base64');
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        open = true;
      }
      // Client frames are masked; this server handles payloads below 126 bytes, enough for the test.
      while (buf.length >= 6) {
        const op = buf[0] & 0x0f;
        const len = buf[1] & 0x7f;
        if (buf.length < 6 + len) return;
        const mask = buf.subarray(2, 6);
        const payload = Buffer.from(buf.subarray(6, 6 + len).map((b, i) => b ^ mask[i % 4]));
        buf = buf.subarray(6 + len);
        if (op === 0x8) {
          s.end(Buffer.from([0x88, 0]));
          return;
        }
        const out = Buffer.from(`echo:${payload.toString()}`);
        s.write(Buffer.concat([Buffer.from([0x81, out.length]), out]));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, heads };
}

function talk(port: number, path: string, messages: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const got: string[] = [];
    ws.onopen = () => { for (const m of messages) ws.send(m); };
    ws.onmessage = (e) => {
      got.push(String(e.data));
      if (got.length === messages.length) ws.close();
    };
    ws.onerror = () => reject(new Error('websocket error'));
    ws.onclose = () => resolve(got);
  });
}

describe('WebSocket upgrade', () => {
  let echo: Awaited<ReturnType<typeof wsEchoServer>>;
  let px: Awaited<ReturnType<typeof startProxy>>;
  let plain: Awaited<ReturnType<typeof startProxy>>;

  before(async () => {
    echo = await wsEchoServer();
    const vhosts: VirtualHost[] = [{
      name: 'ws', domains: ['*'],
      routes: [
        { match: { prefix: '/chat' }, route: { cluster: 'ws', prefixRewrite: '/socket' }, requestHeadersToAdd: [{ header: { key: 'x-route', value: 'chat' } }] },
        { match: { prefix: '/none' }, route: { cluster: 'empty' } },
      ],
    }];
    px = await startProxy(simpleConfig(vhosts, { ws: [echo.port], empty: [] }, { hcm: { upgradeConfigs: [{ upgradeType: 'websocket' }] } }));
    plain = await startProxy(simpleConfig(vhosts, { ws: [echo.port], empty: [] }));
  });

  after(async () => {
    await px.proxy.close();
    await plain.proxy.close();
    echo.server.close();
  });

  it('upgrades and pipes frames both ways, with the route applied to the handshake', async () => {
    const got = await talk(px.port, '/chat', ['one', 'two', 'three']);
    assert.deepEqual(got, ['echo:one', 'echo:two', 'echo:three']);
    const head = echo.heads[echo.heads.length - 1];
    assert.match(head, /^GET \/socket HTTP\/1\.1\r\n/);
    assert.match(head, /\r\nupgrade: websocket(\r\n|$)/i);
    assert.match(head, /\r\nconnection: upgrade\r\n/i);
    assert.match(head, /\r\nx-route: chat\r\n/);
    assert.match(head, /\r\nx-forwarded-proto: http\r\n/);
    const stats = Object.fromEntries(px.proxy.stats.snapshot());
    assert.equal(stats['http.test.downstream_cx_upgrades_total'] >= 1, true);
  });

  it('answers an upgrade with no healthy upstream locally and closes', async () => {
    const r = await raw(px.port, 'GET /none HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(r.text, /\r\n\r\nno healthy upstream$/);
    assert.equal(r.closed, true);
  });

  it('strips the Upgrade header when the HCM does not enable websocket', async () => {
    const before = echo.heads.length;
    const r = await raw(plain.port, 'GET /chat HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    // The echo server upgrades whatever reaches it; the proxy forwarded a plain GET without Upgrade.
    const head = echo.heads[before];
    assert.doesNotMatch(head, /upgrade: websocket/i);
    assert.doesNotMatch(r.text, /^HTTP\/1\.1 101/);
  });
});
