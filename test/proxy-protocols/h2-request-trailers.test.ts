// HTTP/2 request trailers through the proxy on our codec, on loopback: forwarded to an HTTP/2
// upstream (node:http2 sees them as trailers after the body, also when the body is empty), and
// dropped towards an HTTP/1.1 upstream as Envoy does without http_protocol_options.enable_trailers,
// the body still delivered whole.
import assert from 'node:assert/strict';
import { connect, createServer, type Http2Server, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { echoBackend, simpleConfig, startProxy } from '../../src/proxy/testing.js';

process.env.ISTIO_TS_H2_CODEC = 'native';

/** Answers with what it received: the body and the request trailers. */
async function trailerBackend(): Promise<{ server: Http2Server; port: number }> {
  const server = createServer();
  server.on('stream', (stream) => {
    let body = '';
    let trailers: IncomingHttpHeaders = {};
    stream.setEncoding('latin1');
    stream.on('data', (d: string) => { body += d; });
    stream.on('trailers', (t) => { trailers = t; });
    stream.on('error', () => { /* peer reset */ });
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ body, trailers }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A POST whose body (possibly empty) is followed by request trailers. */
function postWithTrailers(port: number, body: string, trailers: OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': '/t' }, { waitForTrailers: true });
    req.on('wantTrailers', () => req.sendTrailers(trailers));
    let status = 0;
    let b = '';
    req.setEncoding('latin1');
    req.on('response', (h) => { status = Number(h[':status']); });
    req.on('data', (d: string) => { b += d; });
    req.on('error', reject);
    req.on('close', () => { session.close(); resolve({ status, body: b }); });
    req.end(body);
  });
}

describe('HTTP/2 request trailers', () => {
  let h2: Awaited<ReturnType<typeof trailerBackend>>;
  let h1: Awaited<ReturnType<typeof echoBackend>>;
  let toH2: Awaited<ReturnType<typeof startProxy>>;
  let toH1: Awaited<ReturnType<typeof startProxy>>;
  const vhosts = [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }];

  before(async () => {
    h2 = await trailerBackend();
    h1 = await echoBackend('h1');
    toH2 = await startProxy(simpleConfig(vhosts, { b: [h2.port] }, { hcm: { codecType: 'HTTP2' }, cluster: { httpProtocolOptions: { upstreamProtocol: 'HTTP2' } } }));
    toH1 = await startProxy(simpleConfig(vhosts, { b: [h1.port] }, { hcm: { codecType: 'HTTP2' } }));
  });
  after(async () => {
    await toH2.proxy.close();
    await toH1.proxy.close();
    h2.server.close();
    h1.server.close();
  });

  it('reach an HTTP/2 upstream after the body', async () => {
    const r = await postWithTrailers(toH2.port, 'payload', { 'x-request-checksum': 'c0ffee', 'grpc-foo': 'bar' });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body) as { body: string; trailers: Record<string, string> };
    assert.equal(seen.body, 'payload');
    assert.equal(seen.trailers['x-request-checksum'], 'c0ffee');
    assert.equal(seen.trailers['grpc-foo'], 'bar');
  });

  it('reach an HTTP/2 upstream when the body is empty', async () => {
    const r = await postWithTrailers(toH2.port, '', { 'x-only': 'trailers' });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body) as { body: string; trailers: Record<string, string> };
    assert.equal(seen.body, '');
    assert.equal(seen.trailers['x-only'], 'trailers');
  });

  it('are dropped towards an HTTP/1.1 upstream (Envoy without enable_trailers), the body delivered', async () => {
    const r = await postWithTrailers(toH1.port, 'payload', { 'x-request-checksum': 'c0ffee' });
    assert.equal(r.status, 200);
    const rec = h1.received.at(-1)!;
    assert.equal(rec.body, 'payload');
    assert.equal(rec.headers['x-request-checksum'], undefined);
  });
});
