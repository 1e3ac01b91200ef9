// Request mirroring (shadowing): a copy of the request goes to another cluster, fire and forget.
// The copy's Host gets Envoy's `-shadow` suffix; it is sent once its body is complete (bounded by
// the route's buffer limit), its response is read and dropped, and nothing about it — failure,
// overflow, slowness — reaches the original request.
import type { ResponseHead } from '../http1/parse-head.js';
import type { Cluster, Host, PoolWaiter } from '../upstream/cluster.js';
import type { UpstreamConnection, UpstreamReceiver } from '../upstream/connection.js';

/** "svc:8080" → "svc-shadow:8080", as Envoy rewrites the authority of shadow requests. */
export function shadowHost(authority: string): string {
  const bracket = authority.lastIndexOf(']');
  const colon = authority.lastIndexOf(':');
  if (colon > bracket && colon > 0 && authority.indexOf(':') === colon) return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  if (bracket >= 0 && colon > bracket) return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  return `${authority}-shadow`;
}

export class MirrorRequest implements PoolWaiter, UpstreamReceiver {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private conn: UpstreamConnection | undefined;
  private host: Host | undefined;
  private timer: NodeJS.Timeout | undefined;
  private over = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly requestLine: string,
    private readonly method: string,
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
    this.chunks.push(d);
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
    host.acquire(this);
  }

  onPoolReady(conn: UpstreamConnection): void {
    this.conn = conn;
    conn.begin(this, this.method);
    const s = conn.socket;
    s.cork();
    s.write(this.requestLine, 'latin1');
    for (const b of this.chunks) s.write(b);
    s.uncork();
    this.chunks = [];
  }

  onPoolFailure(): void {
    this.done();
  }

  onResponseHead(_h: ResponseHead): void {}

  onResponseData(): boolean {
    return true;
  }

  onReadComplete(): void {}

  onResponseEnd(): void {
    const conn = this.conn;
    this.conn = undefined;
    if (conn !== undefined) this.host!.release(conn);
    this.done();
  }

  onUpstreamReset(): void {
    this.conn = undefined;
    this.done();
  }

  private drop(): void {
    const conn = this.conn;
    this.conn = undefined;
    if (conn !== undefined) conn.abandon();
    else this.host?.cancel(this);
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
