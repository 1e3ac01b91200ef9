// Scripted upstreams (HTTP/1.1 or HTTP/2) that record what they received and misbehave on cue,
// clients for either downstream codec, and a proxy started over one virtual host — so that every
// resilience test can run over each downstream × upstream codec pairing.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { constants, createServer as createH2Server, type Http2Server, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ClusterConfig, Route, VirtualHost } from '../../src/proxy/config/types.js';
import { get, raw } from '../../src/proxy/testing.js';
import { h2get } from '../proxy-protocols/h2-helpers.js';

export type Codec = 'HTTP1' | 'HTTP2';
export const CODECS: readonly Codec[] = ['HTTP1', 'HTTP2'];

/**
 * `reset`: the HTTP/1.1 connection is destroyed, or the HTTP/2 stream reset (INTERNAL_ERROR);
 * `refused`: HTTP/2 RST_STREAM REFUSED_STREAM (HTTP/1.1: as reset); `die-mid`: 200 and part of
 * the body, then reset.
 */
export type Behaviour = 'ok' | '503' | '409' | 'reset' | 'refused' | 'hang' | 'die-mid' | 'grpc-unavailable';

export interface Hit { url: string; headers: IncomingHttpHeaders; body: string }

export interface Upstream { name: string; port: number; codec: Codec; hits: Hit[]; script: Behaviour[]; dflt: Behaviour; close(): void }

const started: Upstream[] = [];
const proxies: { close(): Promise<void> }[] = [];

export async function closeAll(): Promise<void> {
  for (const p of proxies.splice(0)) await p.close();
  for (const u of started.splice(0)) u.close();
}

export async function upstream(codec: Codec, name: string, dflt: Behaviour = 'ok', script: Behaviour[] = []): Promise<Upstream> {
  const u: Upstream = { name, port: 0, codec, hits: [], script, dflt, close: () => {} };
  if (codec === 'HTTP1') {
    const server: Server = createServer((req, res) => {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (d: string) => { body += d; });
      req.on('end', () => {
        u.hits.push({ url: req.url ?? '', headers: req.headers, body });
        switch (u.script.shift() ?? u.dflt) {
          case 'ok': res.writeHead(200, { 'x-backend': name }); res.end(`${name}:${body}`); break;
          case '503': res.writeHead(503, { 'x-backend': name }); res.end('unavailable'); break;
          case '409': res.writeHead(409); res.end('conflict'); break;
          case 'reset': case 'refused': req.socket.destroy(); break;
          case 'hang': break;
          case 'die-mid': res.writeHead(200, { 'content-length': '100' }); res.write('partial'); setTimeout(() => req.socket.destroy(), 10); break;
          case 'grpc-unavailable': res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-status': '14' }); res.end(); break;
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    u.port = (server.address() as AddressInfo).port;
    u.close = () => { server.closeAllConnections(); server.close(); };
  } else {
    const server: Http2Server = createH2Server();
    const sessions = new Set<Http2Session>();
    server.on('session', (s) => { sessions.add(s); s.on('close', () => sessions.delete(s)); });
    server.on('stream', (stream, headers) => {
      let body = '';
      stream.setEncoding('latin1');
      stream.on('data', (d: string) => { body += d; });
      stream.on('error', () => { /* reset by the proxy */ });
      stream.on('end', () => {
        const plain: IncomingHttpHeaders = {};
        for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':')) plain[k] = v as string;
        plain.host = String(headers[':authority']);
        u.hits.push({ url: String(headers[':path']), headers: plain, body });
        switch (u.script.shift() ?? u.dflt) {
          case 'ok': stream.respond({ ':status': 200, 'x-backend': name }); stream.end(`${name}:${body}`); break;
          case '503': stream.respond({ ':status': 503, 'x-backend': name }); stream.end('unavailable'); break;
          case '409': stream.respond({ ':status': 409 }); stream.end('conflict'); break;
          case 'reset': stream.close(constants.NGHTTP2_INTERNAL_ERROR); break;
          case 'refused': stream.close(constants.NGHTTP2_REFUSED_STREAM); break;
          case 'hang': break;
          case 'die-mid':
            stream.respond({ ':status': 200, 'content-length': '100' });
            stream.write('partial');
            setTimeout(() => stream.close(constants.NGHTTP2_INTERNAL_ERROR), 10);
            break;
          case 'grpc-unavailable': stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14' }, { endStream: true }); break;
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    u.port = (server.address() as AddressInfo).port;
    u.close = () => { for (const s of sessions) s.destroy(); server.close(); };
  }
  started.push(u);
  return u;
}

export function cluster(name: string, ups: Upstream[], extra: Partial<ClusterConfig> = {}): ClusterConfig {
  const codec = ups[0]?.codec ?? 'HTTP1';
  return {
    name, type: 'STATIC', connectTimeoutMs: 500,
    ...(codec === 'HTTP2' ? { httpProtocolOptions: { upstreamProtocol: 'HTTP2' as const } } : {}),
    ...extra,
    loadAssignment: { clusterName: name, endpoints: ups.map((u) => ({ address: '127.0.0.1', port: u.port })) },
  };
}

export interface Access { responseFlags: string; status: number }

export async function proxyWith(routes: Route[], clusters: ClusterConfig[], vh: Partial<VirtualHost> = {}, hcm: Record<string, unknown> = {}, random?: () => number) {
  const { Proxy } = await import('../../src/proxy/proxy.js');
  const access: Access[] = [];
  const proxy = new Proxy({ onAccess: (r) => access.push(r), random });
  await proxy.apply({
    version: 't',
    listeners: [{ name: 'l', address: '127.0.0.1', port: 0, filterChains: [{ httpConnectionManager: { statPrefix: 'in', routeConfigName: 'rc', ...hcm } }] }],
    routeConfigs: [{ name: 'rc', virtualHosts: [{ name: 'vh', domains: ['*'], routes, ...vh }] }],
    clusters,
  });
  proxies.push(proxy);
  const stat = (name: string): number => proxy.stats.snapshot().find(([k]) => k === name)?.[1] ?? -1;
  return { proxy, port: proxy.listenerPort('l')!, access, stat };
}

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One request over the downstream codec (HTTP/2: h2c with prior knowledge, `host` sent as :authority). */
export async function call(codec: Codec, port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  if (codec === 'HTTP1') return get(port, path, headers, method, body);
  const { host, ...rest } = headers;
  const r = await h2get(port, path, { ...(host !== undefined ? { ':authority': host } : {}), ...rest }, method, body);
  return { status: r.status, headers: r.headers, body: r.body };
}

/**
 * A request whose response is cut after it started: what the client saw (status, the body bytes
 * that made it) and whether the downstream connection or stream was cut.
 */
export async function callCut(codec: Codec, port: number, path: string): Promise<{ status: number; body: string; cut: boolean }> {
  if (codec === 'HTTP1') {
    const r = await raw(port, `GET ${path} HTTP/1.1\r\nhost: svc\r\n\r\n`, 2000);
    const m = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n[\s\S]*?\r\n\r\n([\s\S]*)$/.exec(r.text);
    return { status: m === null ? 0 : Number(m[1]), body: m === null ? '' : m[2], cut: r.closed };
  }
  const r = await h2get(port, path, { ':authority': 'svc' });
  // RST_STREAM: INTERNAL_ERROR, or PROTOCOL_ERROR where nghttp2 saw fewer bytes than content-length promised.
  return { status: r.status, body: r.body, cut: r.reset === constants.NGHTTP2_INTERNAL_ERROR || r.reset === constants.NGHTTP2_PROTOCOL_ERROR };
}
