// The admin API subset this round needs, in Envoy's shapes: /ready, /stats (text, or JSON with
// ?format=json), /config_dump (the internal config), /quitquitquit. Bound to 127.0.0.1 only:
// it can stop the proxy and reveals its whole config.
import { createServer, type Server } from 'node:http';
import type { Proxy } from '../proxy.js';

export interface AdminOptions {
  readonly port: number;
  /** Called after /quitquitquit has been answered. */
  readonly onQuit: () => void;
  /** Paths served before the built-in ones (pilot-agent's Envoy-shaped /config_dump, /clusters, ...). */
  readonly handlers?: ReadonlyMap<string, AdminHandler>;
  /** Where /stats reads counters; by default `proxy.stats` (pilot-agent with workers sums theirs). */
  readonly statsSnapshot?: () => Promise<[string, number][]>;
}

export interface AdminReply { readonly status: number; readonly type: string; readonly body: string }
export type AdminHandler = (url: URL, method: string) => AdminReply | Promise<AdminReply>;

export function startAdmin(proxy: Proxy, o: AdminOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const handler = o.handlers?.get(url.pathname);
    if (handler !== undefined) {
      void Promise.resolve(handler(url, req.method ?? 'GET')).then(
        (r) => send(r.status, r.type, r.body),
        (e: unknown) => send(500, 'text/plain', `${e instanceof Error ? e.message : String(e)}\n`),
      );
      return;
    }
    switch (url.pathname) {
      case '/ready':
        return send(200, 'text/plain', 'LIVE\n');
      case '/stats': {
        const reply = (snap: [string, number][]): void => {
          const filter = url.searchParams.get('filter');
          const rows = filter === null ? snap : snap.filter(([k]) => k.includes(filter));
          if (url.searchParams.get('format') === 'json') {
            return send(200, 'application/json', JSON.stringify({ stats: rows.map(([name, value]) => ({ name, value })) }));
          }
          return send(200, 'text/plain', rows.map(([k, v]) => `${k}: ${v}\n`).join(''));
        };
        if (o.statsSnapshot === undefined) return reply(proxy.stats.snapshot());
        void o.statsSnapshot().then(reply, (e: unknown) => send(500, 'text/plain', `${String(e)}\n`));
        return;
      }
      case '/config_dump':
        return send(200, 'application/json', JSON.stringify(proxy.currentConfig, null, 2));
      case '/quitquitquit':
        if (req.method !== 'POST') return send(405, 'text/plain', 'use POST\n');
        send(200, 'text/plain', 'OK\n');
        res.once('finish', () => o.onQuit());
        return;
      default:
        return send(404, 'text/plain', `unknown admin path ${url.pathname}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
