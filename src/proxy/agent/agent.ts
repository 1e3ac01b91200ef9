// pilot-agent's proxy mode: one xDS client feeding a data plane (a Proxy in this process, or
// --concurrency worker processes sharing the listeners; see data-plane.ts), the admin API on
// 127.0.0.1 and the status port (/healthz/ready).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../shared/index.js';
import type { Node } from '../../xds-api/index.js';
import { startAdmin } from '../admin/admin-server.js';
import type { ProxyConfig } from '../config/types.js';
import { Proxy } from '../proxy.js';
import { XdsClient, type XdsMode } from '../xds/index.js';
import { agentAdminHandlers } from './admin-handlers.js';
import { InProcessDataPlane, type DataPlane } from './data-plane.js';
import { settleHeapOnce } from './settle-heap.js';
import { holdYoungGeneration } from './young-generation.js';

const log = logger('agent');

export interface AgentOptions {
  readonly node: Node;
  readonly discoveryAddress: string;
  readonly adminPort: number;
  readonly statusPort: number;
  readonly concurrency: number;
  readonly version: string;
  readonly xdsMode?: XdsMode;
  readonly initialFetchTimeoutMs?: number;
  readonly backoff?: { initialMs: number; maxMs: number };
  /** Called after /quitquitquit or a signal, once everything is closed. */
  readonly onExit?: (code: number) => void;
  /** Default: a Proxy in this process. */
  readonly dataPlane?: DataPlane;
  /** sidecar (default) or router: decides what a termination drain closes. */
  readonly proxyType?: 'sidecar' | 'router';
  /**
   * Envoy's status port (node metadata ENVOY_STATUS_PORT, Istio's 15021), serving /healthz/ready
   * as the status port does; undefined: not served. 0 binds an ephemeral port.
   */
  readonly readinessPort?: number;
}

export class Agent {
  readonly dataPlane: DataPlane;
  readonly xds: XdsClient;
  readonly startedAt = new Date();
  private ready = false;
  private draining = false;
  /** Which listeners a drain removed: all (`/drain_listeners`) or INBOUND only (`?inboundonly`, a sidecar's SIGTERM). */
  private drainInboundOnly = false;
  private readiness: Server | undefined;
  private admin: Server | undefined;
  private status: Server | undefined;
  private lastConfig: ProxyConfig | undefined;
  /** Lets V8 grow the young generation again (young-generation.ts): once ready, or when stopped. */
  private readonly releaseYoung: () => void;

  constructor(private readonly o: AgentOptions) {
    this.dataPlane = o.dataPlane ?? new InProcessDataPlane();
    const releaseYoung = holdYoungGeneration();
    this.releaseYoung = releaseYoung;
    this.xds = new XdsClient({
      address: o.discoveryAddress,
      node: o.node,
      mode: o.xdsMode,
      initialFetchTimeoutMs: o.initialFetchTimeoutMs,
      backoff: o.backoff,
      apply: (c) => this.apply(c),
      onReady: () => {
        releaseYoung();
        settleHeapOnce();
        this.dataPlane.settled?.();
        this.ready = true;
        log.info({ listeners: this.lastConfig?.listeners.length, clusters: this.lastConfig?.clusters.length }, 'initial configuration applied; ready');
      },
    });
  }

  get isReady(): boolean {
    return this.ready && !this.draining;
  }

  private async apply(c: ProxyConfig): Promise<void> {
    this.lastConfig = c;
    // After /drain_listeners, updates still reach clusters and routes but no drained listener comes back.
    await this.dataPlane.apply(this.draining ? this.withoutDrained(c) : c);
  }

  private withoutDrained(c: ProxyConfig): ProxyConfig {
    return { ...c, listeners: this.drainInboundOnly ? c.listeners.filter((l) => l.trafficDirection !== 'INBOUND') : [] };
  }

  async start(): Promise<{ adminPort: number; statusPort: number; readinessPort?: number }> {
    const view = {
      state: this.xds.state,
      node: this.o.node,
      startedAt: this.startedAt,
      discoveryAddress: this.o.discoveryAddress,
      adminPort: this.o.adminPort,
      concurrency: this.o.concurrency,
      version: this.o.version,
      serverState: () => (this.draining ? 'DRAINING' as const : this.ready ? 'LIVE' as const : 'INITIALIZING' as const),
      listenerPort: (n: string) => this.dataPlane.listenerPort(n),
      resolvedEndpoints: () => this.dataPlane.resolvedEndpoints(),
      drainListeners: (o: { inboundOnly?: boolean }) => this.drainListeners(o),
    };
    // The built-in endpoints left (/quitquitquit) need a Proxy; with workers an idle one stands in.
    const local = this.dataPlane instanceof InProcessDataPlane ? this.dataPlane.proxy : new Proxy();
    this.admin = await startAdmin(local, {
      port: this.o.adminPort, onQuit: () => void this.stop(0), handlers: agentAdminHandlers(view), statsSnapshot: () => this.dataPlane.statsSnapshot(),
    });
    const adminPort = (this.admin.address() as AddressInfo).port;
    (view as { adminPort: number }).adminPort = adminPort;
    this.status = await this.startStatus(this.o.statusPort);
    if (this.o.readinessPort !== undefined) {
      // Envoy would fail to bind its status listener and report it; the agent keeps serving on the status port.
      this.readiness = await this.startStatus(this.o.readinessPort).catch((e: Error) => {
        log.warn({ port: this.o.readinessPort, err: e.message }, 'cannot serve /healthz/ready on the Envoy status port');
        return undefined;
      });
    }
    this.xds.start();
    const readinessPort = this.readiness === undefined ? undefined : (this.readiness.address() as AddressInfo).port;
    return { adminPort, statusPort: (this.status.address() as AddressInfo).port, ...(readinessPort !== undefined ? { readinessPort } : {}) };
  }

  /** Istio's status port: /healthz/ready is 200 once the first full config is applied (and not draining). */
  private startStatus(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz/ready') {
        const ok = this.isReady;
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(ok ? '' : this.draining ? 'proxy is draining\n' : 'config not yet received from the control plane\n');
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '0.0.0.0', () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  /**
   * Envoy's /drain_listeners: the drained listeners stop accepting at once and their open HTTP
   * connections are told to close (`connection: close` on the next response, idle ones closed,
   * GOAWAY on HTTP/2); TCP proxy connections stay until closed. Readiness fails from here on.
   * `inboundOnly` keeps OUTBOUND listeners serving, so a terminating app can still call out.
   */
  async drainListeners(opts: { inboundOnly?: boolean } = {}): Promise<void> {
    // A later, wider drain widens it; a narrower one never brings listeners back.
    this.drainInboundOnly = this.draining ? this.drainInboundOnly && (opts.inboundOnly ?? false) : (opts.inboundOnly ?? false);
    this.draining = true;
    if (this.lastConfig !== undefined) await this.dataPlane.apply(this.withoutDrained(this.lastConfig));
  }

  /** Downstream connections open on any listener, drained ones included (Envoy's listener.*.downstream_cx_active). */
  async activeConnections(): Promise<number> {
    let n = 0;
    for (const [k, v] of await this.dataPlane.statsSnapshot()) if (k.startsWith('listener.') && k.endsWith('.downstream_cx_active')) n += v;
    return n;
  }

  /** The SIGTERM drain: a sidecar drains its inbound listeners, a gateway all of them (as Istio's agent asks Envoy). */
  beginTerminationDrain(): Promise<void> {
    return this.drainListeners({ inboundOnly: this.o.proxyType !== 'router' });
  }

  async stop(code = 0): Promise<void> {
    this.releaseYoung();
    this.xds.close();
    await this.dataPlane.close();
    this.admin?.close();
    this.status?.close();
    this.readiness?.close();
    this.o.onExit?.(code);
  }
}
