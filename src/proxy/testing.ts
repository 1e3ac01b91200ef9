// Test helpers shared by the proxy's socket tests: an echo backend that reports what it received,
// a raw client for byte-exact exchanges, and a proxy started from a config on port 0.
import { createServer as createHttpServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { ProxyConfig } from './config/types.js';
import type { AccessRecord } from './hcm-context.js';
import { Proxy } from './proxy.js';

export interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: string }

/**
 * Answers every request with JSON of what it received, except: `/status/N` answers N,
 * `/hang` never answers, `/chunked` answers with a chunked body, `/close-delimited` answers
 * without a length and closes.
 */
export async function echoBackend(name: string): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = req.url ?? '/';
      if (url === '/hang') return;
      const status = /^\/status\/(\d{3})/.exec(url);
      if (status) {
        res.writeHead(Number(status[1]), { 'content-type': 'text/plain', 'x-backend': name });
        res.end(`status ${status[1]}`);
        return;
      }
      if (url === '/chunked') {
        res.writeHead(200, { 'x-backend': name });
        res.write('part1-');
        setTimeout(() => res.end('part2'), 5);
        return;
      }
      if (url === '/close-delimited') {
        res.socket?.end(`HTTP/1.1 200 OK\r\nx-backend: ${name}\r\n\r\nuntil-close`);
        return;
      }
      const out = JSON.stringify({ backend: name, method: req.method, url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'x-backend': name, connection: 'keep-alive' });
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, received };
}

/**
 * A backend for timing tests: `/hang` never answers, `/slow` answers "slow-ok" after 400 ms,
 * `/stall` sends its head and 7 of 100 bytes, `/trickle` writes a chunk every 100 ms for 600 ms;
 * anything else answers "ok".
 */
export async function timingBackend(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      switch (req.url) {
        case '/hang': return;
        case '/slow': setTimeout(() => res.end('slow-ok'), 400); return;
        case '/stall': res.writeHead(200, { 'content-length': '100' }); res.write('partial'); return;
        case '/trickle': {
          res.writeHead(200, { 'content-type': 'text/plain' });
          let n = 0;
          const t = setInterval(() => {
            res.write(`chunk${n}-`);
            if (++n === 6) {
              clearInterval(t);
              res.end('done');
            }
          }, 100);
          return;
        }
        default: res.end('ok');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

export interface Reply { status: number; headers: IncomingHttpHeaders; body: string }

export function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let b = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => { b += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('client timeout')));
    req.end(body);
  });
}

/** Writes `bytes` and returns everything read until the proxy closes or `quietMs` pass without data. */
export function raw(port: number, bytes: string | Buffer, quietMs = 300): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), quietMs);
    };
    s.on('data', (d: Buffer) => { text += d.toString('latin1'); arm(); });
    s.on('end', () => done(true));
    s.on('error', () => done(true));
    s.on('connect', () => { s.write(bytes); arm(); });
  });
}

export async function startProxy(config: Omit<ProxyConfig, 'version'>): Promise<{ proxy: Proxy; port: number; access: AccessRecord[] }> {
  const access: AccessRecord[] = [];
  const proxy = new Proxy({ onAccess: (r) => access.push(r) });
  await proxy.apply({ version: 'test', ...config });
  return { proxy, port: proxy.listenerPort(config.listeners[0].name)!, access };
}

/** A one-listener config routing by the given virtual hosts to STATIC clusters on loopback ports. */
export function simpleConfig(
  vhosts: ProxyConfig['routeConfigs'][number]['virtualHosts'],
  clusters: Record<string, number[]>,
  extra: { hcm?: Record<string, unknown>; cluster?: Record<string, unknown> } = {},
): Omit<ProxyConfig, 'version'> {
  return {
    listeners: [{
      name: 'http', address: '127.0.0.1', port: 0,
      filterChains: [{ httpConnectionManager: { statPrefix: 'test', routeConfigName: 'rc', ...extra.hcm } }],
    }],
    routeConfigs: [{ name: 'rc', virtualHosts: vhosts }],
    clusters: Object.entries(clusters).map(([name, ports]) => ({
      name, type: 'STATIC' as const, connectTimeoutMs: 1000, ...extra.cluster,
      loadAssignment: { clusterName: name, endpoints: ports.map((port) => ({ address: '127.0.0.1', port })) },
    })),
  };
}

/**
 * For a timing test file: starts a timingBackend before its tests, and returns a starter of
 * proxies that route every request to it with the given HCM settings and route timeout (0 = none);
 * the backend and every proxy started are closed after the tests.
 */
export function proxiesToTimingBackend(): (hcm: Record<string, unknown>, routeTimeoutMs?: number) => ReturnType<typeof startProxy> {
  let backend: Awaited<ReturnType<typeof timingBackend>> | undefined;
  const proxies: Proxy[] = [];
  before(async () => { backend = await timingBackend(); });
  after(async () => {
    for (const p of proxies) await p.close();
    backend?.server.close();
  });
  return async (hcm, routeTimeoutMs = 0) => {
    const s = await startProxy(simpleConfig(
      [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b', timeoutMs: routeTimeoutMs } }] }],
      { b: [backend!.port] },
      { hcm },
    ));
    proxies.push(s.proxy);
    return s;
  };
}
