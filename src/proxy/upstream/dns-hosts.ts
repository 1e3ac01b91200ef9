// The hosts of a STRICT_DNS or LOGICAL_DNS cluster, kept current off the request path as Envoy's
// DNS clusters do: every endpoint's hostname is resolved at start and again after dns_refresh_rate
// (the answer's TTL with respect_dns_ttl; dns_failure_refresh_rate's back-off after a failure).
// STRICT_DNS: every resolved address is a host (port, weight, priority and locality from its
// endpoint). LOGICAL_DNS: one host whose new connections go to the latest answer's first address.
// A failed resolution changes nothing; the cluster is ready once every name was tried once.
import type { ClusterConfig, DnsConfig, LbEndpoint } from '../config/types.js';
import type { ClusterStats } from '../stats.js';
import { DnsResolver, resolverServers, type Resolution } from './dns-resolver.js';

const DEFAULT_REFRESH_MS = 5000;

export interface DnsHostsOwner {
  /** STRICT_DNS: the endpoints after a change in any name's addresses. */
  setEndpoints(endpoints: LbEndpoint[]): void;
  /** LOGICAL_DNS: the address new connections go to (called only when it changes). */
  setLogicalAddress(address: string, ep: LbEndpoint): void;
}

export interface DnsResolve {
  resolve(name: string, family: NonNullable<DnsConfig['lookupFamily']>): Promise<Resolution>;
}

interface Target {
  readonly ep: LbEndpoint;
  /** The last successful answer; undefined until one arrived. */
  addresses: readonly string[] | undefined;
  failures: number;
  timer: NodeJS.Timeout | undefined;
}

export class DnsHosts {
  /** Settles once every name has been resolved (or failed) once: the cluster's warm-up. */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private unresolved: number;
  private readonly targets: Target[];
  private readonly logical: boolean;
  private closed = false;
  /** The hosts as endpoints (address resolved), for the admin's /clusters. */
  endpoints: readonly LbEndpoint[] = [];

  constructor(
    private readonly config: ClusterConfig,
    private readonly stats: ClusterStats,
    private readonly owner: DnsHostsOwner,
    private readonly resolver: DnsResolve = DnsResolver.shared(resolverServers(config.dns?.resolvers)),
    private readonly random: () => number = Math.random,
  ) {
    this.logical = config.type === 'LOGICAL_DNS';
    this.targets = (config.loadAssignment?.endpoints ?? []).map((ep) => ({ ep, addresses: undefined, failures: 0, timer: undefined }));
    this.unresolved = this.targets.length;
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    if (this.unresolved === 0) this.markReady();
    for (const t of this.targets) void this.resolve(t);
  }

  close(): void {
    this.closed = true;
    for (const t of this.targets) clearTimeout(t.timer);
    this.markReady();
  }

  private async resolve(t: Target): Promise<void> {
    const dns = this.config.dns ?? {};
    this.stats.update_attempt++;
    let next: number;
    try {
      const r = await this.resolver.resolve(t.ep.address, dns.lookupFamily ?? 'AUTO');
      if (this.closed) return;
      this.stats.update_success++;
      t.failures = 0;
      this.apply(t, r.addresses);
      const refresh = dns.refreshRateMs ?? DEFAULT_REFRESH_MS;
      next = dns.respectDnsTtl === true && r.ttlMs !== undefined && r.ttlMs > 0 ? r.ttlMs : refresh;
    } catch {
      if (this.closed) return;
      this.stats.update_failure++;
      next = this.failureDelay(t, dns);
    }
    if (--this.unresolved === 0) this.markReady();
    t.timer = setTimeout(() => void this.resolve(t), next);
    t.timer.unref();
  }

  /** Envoy's jittered exponential back-off: uniform in [0, min(base * 2^n, max)). */
  private failureDelay(t: Target, dns: DnsConfig): number {
    const f = dns.failureRefresh;
    if (f === undefined) return dns.refreshRateMs ?? DEFAULT_REFRESH_MS;
    const ceiling = Math.min(f.baseIntervalMs * 2 ** t.failures, f.maxIntervalMs);
    if (ceiling < f.maxIntervalMs) t.failures++;
    return Math.max(1, Math.floor(this.random() * ceiling));
  }

  private apply(t: Target, addresses: readonly string[]): void {
    const before = t.addresses;
    t.addresses = addresses;
    if (this.logical) {
      // Envoy's logical host: only the first address matters; an empty answer keeps the old one.
      const first = addresses[0];
      const current = this.endpoints[0]?.address;
      if (first === undefined || first === current) return;
      if (current === undefined) this.stats.membership_change++;
      this.endpoints = [{ ...t.ep, address: first }];
      this.owner.setLogicalAddress(first, t.ep);
      return;
    }
    if (sameList(before ?? [], addresses)) return;
    this.stats.membership_change++;
    const endpoints: LbEndpoint[] = [];
    for (const x of this.targets) for (const address of x.addresses ?? []) endpoints.push({ ...x.ep, address });
    this.endpoints = endpoints;
    this.owner.setEndpoints(endpoints);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
