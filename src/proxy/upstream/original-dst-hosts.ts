// The hosts of an ORIGINAL_DST cluster: made on demand from each request's downstream connection
// (its restored original destination, or the x-envoy-original-dst-host header when the cluster
// opts in), kept while used, and removed by a sweep every cleanup_interval when unused since the
// previous sweep and idle, as Envoy's original destination cluster does.
import type { ClusterConfig } from '../config/types.js';
import { parseHostPort } from '../listener/original-dst.js';
import type { PickContext } from './load-balancer.js';

/** What the cluster gives this map: a way to make a host and to learn of membership changes. */
export interface OriginalDstOwner<H> {
  makeHost(address: string, port: number): H;
  membershipChanged(hosts: readonly H[]): void;
}

interface Tracked { activeRequests: number; drain(): void }

const DEFAULT_HEADER = 'x-envoy-original-dst-host';
/** setInterval's ceiling; Istio's inbound clusters ask for ~292 years. */
const MAX_TIMER_MS = 2_147_483_647;

export class OriginalDstHosts<H extends Tracked> {
  private readonly hosts = new Map<string, H>();
  private readonly used = new Set<H>();
  private readonly header: string | undefined;
  private readonly portOverride: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(config: ClusterConfig, private readonly owner: OriginalDstOwner<H>) {
    const o = config.originalDstLbConfig;
    this.header = o?.useHttpHeader === true ? (o.httpHeaderName ?? DEFAULT_HEADER) : undefined;
    this.portOverride = o?.upstreamPortOverride;
    this.timer = setInterval(() => this.sweep(), Math.min(config.cleanupIntervalMs ?? 5000, MAX_TIMER_MS));
    this.timer.unref();
  }

  get size(): number {
    return this.hosts.size;
  }

  /** The host for this request's destination; undefined when there is none (503 UH, or a closed TCP connection). */
  pick(ctx: PickContext | undefined): H | undefined {
    const fromHeader = this.header === undefined ? undefined : parseHostPort(ctx?.header?.(this.header));
    const dst = fromHeader ?? ctx?.destination;
    if (dst === undefined) return undefined;
    const port = this.portOverride ?? dst.port;
    const key = dst.address.includes(':') ? `[${dst.address}]:${port}` : `${dst.address}:${port}`;
    let h = this.hosts.get(key);
    if (h === undefined) {
      h = this.owner.makeHost(dst.address, port);
      this.hosts.set(key, h);
      this.owner.membershipChanged([...this.hosts.values()]);
    }
    this.used.add(h);
    return h;
  }

  /** Removes hosts that no request picked since the previous sweep and that have nothing in flight. */
  sweep(): void {
    let changed = false;
    for (const [key, h] of this.hosts) {
      if (this.used.has(h) || h.activeRequests > 0) continue;
      this.hosts.delete(key);
      h.drain();
      changed = true;
    }
    this.used.clear();
    if (changed) this.owner.membershipChanged([...this.hosts.values()]);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
