// istiod's monitoring port (--monitoringAddr, Istio's 15014): /metrics, /ready and the /debug
// endpoints Istio serves there (syncz, config_dump, registryz, endpointz, configz, push_status).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../api/config.js';
import type { PushContext } from '../../pilot/model/push-context.js';
import { logger } from '../../shared/log.js';
import type { Generated } from '../generator.js';
import type { ControlPlaneMetrics } from '../metrics.js';
import type { AdsServer } from '../server.js';
import { configDump } from './config-dump.js';
import { istioSyncz } from './syncz.js';

const log = logger('debug');

export interface MonitoringSources {
  readonly ads: AdsServer<PushContext>;
  readonly metrics: ControlPlaneMetrics<PushContext>;
  /** Ready once config is loaded and xDS is served. */
  ready(): boolean;
  configs(): Iterable<Config>;
  readonly clusterId: string;
  /** This istiod's identifier (Istio: the pod name), shown by proxy-status. */
  readonly istiodId: string;
  /** Config files that did not load, for /debug/configz's `errors`. */
  configErrors?(): readonly unknown[];
}

export const DEBUG_ENDPOINTS: Readonly<Record<string, string>> = {
  '/debug/syncz': 'per proxy and xDS type: nonces and versions sent and acknowledged, last NACK',
  '/debug/config_dump?proxyID=<pod>.<ns>': 'the xDS config istiod would send one connected proxy, as Envoy dumps it',
  '/debug/registryz': 'services in the registry',
  '/debug/endpointz': 'endpoints of every service',
  '/debug/configz': 'config objects in force',
  '/debug/push_status': 'the last push: when, why, how many proxies',
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

export class MonitoringServer {
  private server?: Server;

  constructor(private readonly src: MonitoringSources) {}

  /** Binds `host:port` (port 0 picks a free one) and returns the bound address. */
  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        log.error({ err, url: req.url }, 'debug handler failed');
        if (!res.headersSent) text(res, 500, `${(err as Error).message}\n`);
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://istiod');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed\n');
    switch (url.pathname) {
      case '/metrics':
        res.writeHead(200, { 'content-type': this.src.metrics.contentType });
        res.end(await this.src.metrics.metrics());
        return;
      case '/ready':
        return this.src.ready() ? text(res, 200, '') : text(res, 503, 'not ready\n');
      case '/debug':
      case '/debug/':
        return json(res, 200, DEBUG_ENDPOINTS);
      case '/debug/syncz':
        return json(res, 200, this.syncz());
      case '/debug/config_dump':
        return this.configDump(url, res);
      case '/debug/registryz':
        return json(res, 200, this.src.ads.pushContext?.services.all ?? []);
      case '/debug/endpointz':
        return json(res, 200, this.endpointz());
      case '/debug/configz':
        return json(res, 200, this.configz());
      case '/debug/push_status':
        return json(res, 200, {
          version: this.src.ads.pushContext?.version ?? '',
          connectedProxies: this.src.ads.connectionCount(),
          lastPush: this.src.metrics.lastPush ?? null,
        });
      default:
        return text(res, 404, `404 page not found\n`);
    }
  }

  syncz() {
    const proxies = new Map(this.src.ads.connectionViews().map((c) => [c.connectionId, c.proxy]));
    return istioSyncz(this.src.ads.syncz(), proxies, this.src.clusterId).map((s) => ({ ...s, istiod: this.src.istiodId }));
  }

  private async configDump(url: URL, res: ServerResponse): Promise<void> {
    const id = url.searchParams.get('proxyID');
    if (!id) return text(res, 400, 'You must provide a proxyID in the query string\n');
    const conn = this.src.ads.connectionViews().find((c) => c.connectionId === id || c.proxy.id === id || c.proxy.nodeId === id);
    if (!conn) return text(res, 404, `Proxy not connected to this Pilot instance: ${id}\n`);
    const byType = new Map<string, Generated>();
    for (const w of conn.watches) {
      const g = await this.src.ads.generateFor(conn.connectionId, w.typeUrl);
      if (g) byType.set(w.typeUrl, g);
    }
    return json(res, 200, configDump(byType));
  }

  private endpointz() {
    const push = this.src.ads.pushContext;
    if (!push) return [];
    return push.services.all.map((svc) => ({
      service: svc.hostname,
      namespace: svc.namespace,
      endpoints: push.instances(svc).map((i) => ({
        address: i.endpoint.address,
        port: i.endpoint.endpointPort,
        servicePort: i.servicePort.port,
        servicePortName: i.servicePort.name,
        labels: i.endpoint.labels,
        locality: i.endpoint.locality,
        healthStatus: i.endpoint.healthStatus,
        serviceAccount: i.endpoint.serviceAccount,
        tlsMode: i.endpoint.tlsMode,
        workloadName: i.endpoint.workloadName,
      })),
    }));
  }

  private configz() {
    const items = [...this.src.configs()].map((c) => ({
      kind: c.meta.gvk.kind,
      apiVersion: c.meta.gvk.group ? `${c.meta.gvk.group}/${c.meta.gvk.version}` : c.meta.gvk.version,
      metadata: {
        name: c.meta.name,
        namespace: c.meta.namespace,
        labels: c.meta.labels,
        annotations: c.meta.annotations,
        ...(c.meta.creationTimestamp ? { creationTimestamp: c.meta.creationTimestamp } : {}),
      },
      spec: c.spec,
      ...(c.status !== undefined ? { status: c.status } : {}),
    }));
    return this.src.configErrors ? { items, errors: this.src.configErrors() } : items;
  }
}
