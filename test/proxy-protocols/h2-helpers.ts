// Helpers for the protocol tests: an HTTP/2 (h2c) echo backend that mirrors the HTTP/1.1 one in
// src/proxy/testing.ts, and an h2c client that returns status, headers, body and trailers.
import { connect, createServer, type Http2Server, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Received } from '../../src/proxy/testing.js';

/** `/status/N` answers N, `/hang` never answers, `/trailers` answers with a trailer, anything else echoes JSON. */
export async function h2EchoBackend(name: string): Promise<{ server: Http2Server; port: number; received: Received[]; sessions: () => number }> {
  const received: Received[] = [];
  let sessions = 0;
  const server = createServer();
  server.on('session', () => { sessions++; });
  server.on('stream', (stream, headers) => {
    let body = '';
    stream.setEncoding('latin1');
    stream.on('data', (d: string) => { body += d; });
    stream.on('error', () => { /* peer reset */ });
    stream.on('end', () => {
      const url = String(headers[':path']);
      const plain: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':')) plain[k] = String(v);
      received.push({ method: String(headers[':method']), url, headers: { ...plain, host: String(headers[':authority']) }, body });
      if (url === '/hang') return;
      const status = /^\/status\/(\d{3})/.exec(url);
      if (status) {
        stream.respond({ ':status': Number(status[1]), 'content-type': 'text/plain', 'x-backend': name });
        stream.end(`status ${status[1]}`);
        return;
      }
      if (url === '/trailers') {
        stream.respond({ ':status': 200, 'x-backend': name }, { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'abc' }));
        stream.end('with-trailers');
        return;
      }
      const out = JSON.stringify({ backend: name, method: headers[':method'], url, headers: { ...plain, host: headers[':authority'] }, body });
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-backend': name });
      stream.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, received, sessions: () => sessions };
}

export interface H2Reply { status: number; headers: IncomingHttpHeaders; body: string; trailers: IncomingHttpHeaders | undefined; reset?: number }

/** One request over a fresh h2c connection with prior knowledge. */
export function h2get(port: number, path: string, headers: OutgoingHttpHeaders = {}, method = 'GET', body?: string): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const req = session.request({ ':path': path, ':method': method, ...headers }, { endStream: body === undefined });
    let status = 0;
    let rh: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | undefined;
    let b = '';
    req.setEncoding('latin1');
    req.on('response', (h) => { rh = h; status = Number(h[':status']); });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (d: string) => { b += d; });
    req.on('error', () => { /* reported through rstCode */ });
    req.on('close', () => {
      session.close();
      resolve({ status, headers: rh, body: b, trailers, ...(req.rstCode !== 0 ? { reset: req.rstCode } : {}) });
    });
    const t = setTimeout(() => { req.close(); reject(new Error('h2 client timeout')); }, 5000);
    req.on('close', () => clearTimeout(t));
    if (body !== undefined) req.end(body);
  });
}
