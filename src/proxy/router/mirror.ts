// Request mirroring (shadowing): a copy of the request goes to another cluster, fire and forget.
// The copy's Host gets Envoy's `-shadow` suffix; it is sent once its body is complete (bounded by
// the route's buffer limit) over whichever upstream codec the mirror cluster uses, its response
// is read and dropped, and nothing about it — failure, overflow, slowness — reaches the original.
import type { Cluster, Host } from '../upstream/cluster.js';
import {
  openUpstream, type AttemptWaiter, type OutgoingRequest, type UpstreamPool, type UpstreamReceiver, type UpstreamStream,
} from '../upstream/upstream-stream.js';

/** "svc:8080" → "svc-shadow:8080", as Envoy rewrites the authority of shadow requests. */
export function shadowHost(authority: string): string {
  const bracket = authority.lastIndexOf(']');
  const colon = authority.lastIndexOf(':');
  if (colon > bracket && colon > 0 && authority.indexOf(':') === colon) return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  if (bracket >= 0 && colon > bracket) return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  return `${authority}-shadow`;
}

export class MirrorRequest implements AttemptWaiter, UpstreamReceiver {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private up: UpstreamStream | undefined;
  private waitingIn: UpstreamPool | undefined;
  private host: Host | undefined;
  private timer: NodeJS.Timeout | undefined;
  private over = false;

  constructor(
    private readonly cluster: Cluster,
    /** Its own copy of the headers (the original's keep changing per attempt). */
    private readonly request: OutgoingRequest,
    private readonly downstreamHttp2: boolean,
    requestDone: boolean,
    private readonly limitBytes: number,
    private readonly timeoutMs: number,
  ) {
    if (requestDone) this.send();
  }

  data(d: Buffer, last: boolean): void {
    if (this.over) return;
    this.bytes += d.length;
    if (this.bytes > this.limitBytes) {
      this.over = true;
      this.chunks = [];
      this.cluster.stats.retry_or_shadow_abandoned++;
      return;
    }
    if (d.length > 0) this.chunks.push(d);
    if (last) this.send();
  }

  private send(): void {
    const c = this.cluster;
    if (c.activeRequests >= c.maxRequests) {
      c.stats.upstream_rq_pending_overflow++;
      return this.finish();
    }
    const host = c.pick();
    if (host === undefined) return this.finish();
    this.host = host;
    c.activeRequests++;
    host.activeRequests++;
    c.stats.upstream_rq_total++;
    c.stats.upstream_rq_active++;
    if (this.timeoutMs > 0) {
      this.timer = setTimeout(() => {
        c.stats.upstream_rq_timeout++;
        this.drop();
      }, this.timeoutMs);
      this.timer.unref();
    }
    this.waitingIn = openUpstream(host, this.downstreamHttp2, this);
  }

  onPoolReady(up: UpstreamStream): void {
    this.waitingIn = undefined;
    if (this.host === undefined) {
      up.release();
      return;
    }
    this.up = up;
    const body = this.chunks.length > 0 ? this.chunks : undefined;
    this.chunks = [];
    up.start(this, this.request, body, true);
  }

  onPoolFailure(): void {
    this.waitingIn = undefined;
    this.done();
  }

  onResponseHead(): void {}

  onResponseData(): boolean {
    return true;
  }

  onReadComplete(): void {}

  onUpstreamDrain(): void {}

  onResponseEnd(): void {
    const up = this.up;
    this.up = undefined;
    up?.release();
    this.done();
  }

  onUpstreamReset(): void {
    this.up = undefined;
    this.done();
  }

  private drop(): void {
    const up = this.up;
    this.up = undefined;
    if (up !== undefined) up.abandon();
    this.waitingIn?.cancel(this);
    this.waitingIn = undefined;
    this.done();
  }

  private done(): void {
    clearTimeout(this.timer);
    const h = this.host;
    if (h !== undefined) {
      this.host = undefined;
      this.cluster.activeRequests--;
      h.activeRequests--;
      this.cluster.stats.upstream_rq_active--;
      this.cluster.stats.upstream_rq_completed++;
    }
    this.finish();
  }

  private finish(): void {
    this.chunks = [];
  }
}
