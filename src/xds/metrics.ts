// istiod's control-plane metrics under Istio's names and labels, fed by the ADS server's observer
// hooks and by istiod's config-event path (push triggers). Durations are recorded in seconds.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Proxy } from '../pilot/model/proxy.js';
import { shortTypeName } from '../xds-api/index.js';
import type { PushRequest } from './push-request.js';
import type { AdsObserver } from './server.js';

/** Istio's buckets for pilot_proxy_convergence_time and pilot_proxy_queue_time. */
const CONVERGENCE_BUCKETS = [0.1, 0.5, 1, 3, 5, 10, 20, 30];
/** Istio's buckets for pilot_xds_push_time. */
const PUSH_TIME_BUCKETS = [0.01, 0.1, 0.5, 1, 3, 5];

/** `cds`, `eds`, `lds`, `rds`, `sds` as Istio labels push types; the type URL for anything else. */
export function pushTypeLabel(typeUrl: string): string {
  const short = shortTypeName(typeUrl);
  return short === typeUrl ? typeUrl : short.toLowerCase();
}

export class ControlPlaneMetrics<P = unknown> implements AdsObserver<P> {
  readonly registry = new Registry();
  private readonly xds: Gauge<'version'>;
  private readonly pushes: Counter<'type'>;
  private readonly triggers: Counter<'type'>;
  private readonly rejects: Counter<'type'>;
  private readonly convergence: Histogram;
  private readonly queueTime: Histogram;
  private readonly pushTime: Histogram<'type'>;
  /** The last full-push record, for /debug/push_status. */
  lastPush?: { start: number; end?: number; full: boolean; reasons: Record<string, number>; proxies: number };

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.xds = new Gauge({ name: 'pilot_xds', help: 'Number of endpoints connected to this pilot using XDS.', labelNames: ['version'], registers });
    this.pushes = new Counter({ name: 'pilot_xds_pushes', help: 'Pilot build and send errors for lds, rds, cds and eds.', labelNames: ['type'], registers });
    this.triggers = new Counter({ name: 'pilot_push_triggers', help: 'Total number of times a push was triggered, labeled by reason for the push.', labelNames: ['type'], registers });
    this.rejects = new Counter({ name: 'pilot_total_xds_rejects', help: 'Total number of XDS responses from pilot rejected by proxy.', labelNames: ['type'], registers });
    this.convergence = new Histogram({ name: 'pilot_proxy_convergence_time', help: 'Delay in seconds between config change and a proxy receiving all required configuration.', buckets: CONVERGENCE_BUCKETS, registers });
    this.queueTime = new Histogram({ name: 'pilot_proxy_queue_time', help: 'Time in seconds, a proxy is in the push queue before being dequeued.', buckets: CONVERGENCE_BUCKETS, registers });
    this.pushTime = new Histogram({ name: 'pilot_xds_push_time', help: 'Total time in seconds Pilot takes to push lds, rds, cds and eds.', labelNames: ['type'], buckets: PUSH_TIME_BUCKETS, registers });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A config or registry event that will lead to a push (counted per reason, before debouncing). */
  trigger(reason: string, n = 1): void {
    this.triggers.inc({ type: reason }, n);
  }

  connected(proxy: Proxy): void {
    this.xds.inc({ version: proxyVersion(proxy) });
  }

  disconnected(proxy: Proxy): void {
    this.xds.dec({ version: proxyVersion(proxy) });
  }

  pushStarted(req: PushRequest<P>): void {
    const reasons: Record<string, number> = {};
    for (const [k, n] of req.reason) reasons[k] = n;
    this.lastPush = { start: Date.now(), full: req.full, reasons, proxies: 0 };
  }

  proxyPushed(_proxy: Proxy, _req: PushRequest<P>, queueMs: number, sinceStartMs: number): void {
    this.queueTime.observe(queueMs / 1000);
    this.convergence.observe(sinceStartMs / 1000);
    if (this.lastPush) {
      this.lastPush.proxies++;
      this.lastPush.end = Date.now();
    }
  }

  responseSent(_proxy: Proxy, typeUrl: string, _mode: 'request' | 'push', ms: number): void {
    const type = pushTypeLabel(typeUrl);
    this.pushes.inc({ type });
    this.pushTime.observe({ type }, ms / 1000);
  }

  nackReceived(_proxy: Proxy, typeUrl: string): void {
    this.rejects.inc({ type: pushTypeLabel(typeUrl) });
  }

  /** Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function proxyVersion(p: Proxy): string {
  return p.metadata.istioVersion ?? 'unknown';
}
