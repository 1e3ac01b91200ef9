// The HTTP/1.1 downstream connection over real sockets: what it tells the request pipeline about
// its peer on every request it carries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { echoBackend, raw, simpleConfig, startProxy } from './testing.js';

describe('HTTP/1.1 downstream connection', () => {
  let be: Awaited<ReturnType<typeof echoBackend>>;
  let px: Awaited<ReturnType<typeof startProxy>>;

  before(async () => {
    be = await echoBackend('be');
    px = await startProxy(simpleConfig(
      [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'be' } }] }],
      { be: [be.port] },
      { hcm: { useRemoteAddress: true } },
    ));
  });

  after(async () => {
    await px.proxy.close();
    be.server.closeAllConnections();
    be.server.close();
  });

  it('with use_remote_address, every request on a keep-alive connection carries the peer address', async () => {
    const { text } = await raw(px.port,
      'GET /one HTTP/1.1\r\nhost: a.local\r\nx-forwarded-for: 203.0.113.7\r\n\r\n'
      + 'GET /two HTTP/1.1\r\nhost: a.local\r\n\r\n'
      + 'GET /three HTTP/1.1\r\nhost: a.local\r\nx-forwarded-for: 10.1.2.3\r\n\r\n');
    assert.equal(text.match(/HTTP\/1\.1 200 /g)?.length, 3, text);
    const got = be.received.map((r) => [r.url, r.headers['x-forwarded-for'], r.headers['x-envoy-internal']]);
    assert.deepEqual(got, [
      ['/one', '203.0.113.7, 127.0.0.1', 'true'],
      ['/two', '127.0.0.1', 'true'],
      ['/three', '10.1.2.3, 127.0.0.1', 'true'],
    ]);
  });
});
