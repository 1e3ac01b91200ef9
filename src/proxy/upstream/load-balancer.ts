// Host selection for one cluster, rebuilt whenever membership or health changes: hosts grouped by
// priority (load spills to the next level as a level's healthy share, inflated by the
// overprovisioning factor, drops below 100 %), Envoy's panic threshold per level, optional
// locality-weighted choice inside a level, then the cluster's policy inside the chosen set.
// A cluster with one priority, no localities, equal weights and no slow start takes the same
// short path as before all this: a counter or two random numbers.
import type { LbPolicy, SlowStartConfig } from '../config/types.js';
import { Maglev, RingHash } from './hash-tables.js';

export interface LbHost {
  readonly key: string;
  readonly weight: number;
  readonly activeRequests: number;
  readonly priority: number;
  readonly localityKey: string;
  readonly localityWeight: number | undefined;
  /** When the host joined (ms on the balancer's clock); slow start counts from here. */
  readonly addedAt: number;
  /** Healthy by EDS/health status and not ejected by outlier detection. */
  readonly available: boolean;
}

export interface LbOptions {
  readonly policy: LbPolicy;
  readonly panicThresholdPercent: number;
  readonly overprovisioningFactor: number;
  readonly localityWeighted: boolean;
  readonly slowStart: SlowStartConfig | undefined;
  readonly choiceCount: number;
  readonly minRingSize: number | undefined;
  readonly maxRingSize: number | undefined;
  readonly maglevTableSize: number | undefined;
  readonly random: () => number;
  readonly now: () => number;
}

/** What the request brings to host selection: its hash (hash policies) and the retry attempt. */
export interface PickContext {
  readonly hash: bigint | undefined;
  /** 0 for the first choice; > 0 when a retry host predicate rejected earlier choices. */
  readonly attempt: number;
  /** ORIGINAL_DST clusters: the downstream connection's restored destination. */
  readonly destination?: { readonly address: string; readonly port: number };
  /** ORIGINAL_DST clusters with use_http_header: the request's header by lower-case name. */
  readonly header?: (name: string) => string | undefined;
}

/** One list of hosts balanced with the cluster's policy. */
class HostSet<H extends LbHost> {
  private rr = 0;
  private readonly equalWeights: boolean;
  private readonly current: Float64Array | undefined;
  private readonly slowStartUntil: number;
  private table: RingHash<H> | Maglev<H> | undefined;

  constructor(readonly hosts: H[], private readonly o: LbOptions) {
    const w0 = hosts.length > 0 ? hosts[0].weight : 1;
    this.equalWeights = hosts.every((h) => h.weight === w0);
    this.slowStartUntil = o.slowStart === undefined ? 0 : Math.max(0, ...hosts.map((h) => h.addedAt + o.slowStart!.slowStartWindowMs));
    this.current = o.policy === 'ROUND_ROBIN' && (!this.equalWeights || o.slowStart !== undefined) ? new Float64Array(hosts.length) : undefined;
  }

  /** The weight a host balances with now: its own, ramped up during slow start. */
  private effectiveWeight(h: H, now: number): number {
    const ss = this.o.slowStart;
    if (ss === undefined || now >= h.addedAt + ss.slowStartWindowMs) return h.weight;
    const timeFactor = Math.max(now - h.addedAt, 1000) / ss.slowStartWindowMs;
    const aggression = ss.aggression ?? 1;
    const minWeight = (ss.minWeightPercent ?? 10) / 100;
    return h.weight * Math.max(minWeight, timeFactor ** (1 / aggression));
  }

  pick(ctx: PickContext | undefined): H | undefined {
    const hosts = this.hosts;
    const n = hosts.length;
    if (n === 0) return undefined;
    const o = this.o;
    switch (o.policy) {
      case 'RING_HASH':
      case 'MAGLEV': {
        // Without a hash (no policy matched) Envoy picks at random.
        if (ctx?.hash === undefined) return hosts[Math.floor(o.random() * n)];
        this.table ??= o.policy === 'RING_HASH' ? new RingHash(hosts, o.minRingSize, o.maxRingSize) : new Maglev(hosts, o.maglevTableSize);
        return this.table.pick(ctx.hash, ctx.attempt);
      }
      case 'RANDOM':
        return n === 1 ? hosts[0] : hosts[Math.floor(o.random() * n)];
      case 'ROUND_ROBIN': {
        if (n === 1) return hosts[0];
        const now = this.slowStartUntil > 0 ? o.now() : 0;
        if (this.equalWeights && now >= this.slowStartUntil) return hosts[this.rr++ % n];
        return this.weightedRoundRobin(now === 0 ? o.now() : now);
      }
      case 'LEAST_REQUEST': {
        if (n === 1) return hosts[0];
        const now = this.slowStartUntil > 0 ? o.now() : 0;
        if (this.equalWeights && now >= this.slowStartUntil) return this.choices(hosts, n);
        return this.weightedLeastRequest(now === 0 ? o.now() : now);
      }
    }
  }

  /** Power of N choices (Envoy's default N is 2): the candidate with the fewest active requests. */
  private choices(hosts: H[], n: number): H {
    const r = this.o.random;
    let best = hosts[Math.floor(r() * n)];
    for (let i = 1; i < this.o.choiceCount; i++) {
      const c = hosts[Math.floor(r() * n)];
      if (c.activeRequests < best.activeRequests) best = c;
    }
    return best;
  }

  /** Smooth weighted round robin: deterministic, and interleaves rather than bursts. */
  private weightedRoundRobin(now: number): H {
    const hosts = this.hosts;
    const cur = this.current!;
    let total = 0;
    let best = 0;
    for (let i = 0; i < hosts.length; i++) {
      const w = this.effectiveWeight(hosts[i], now);
      total += w;
      cur[i] += w;
      if (cur[i] > cur[best]) best = i;
    }
    cur[best] -= total;
    return hosts[best];
  }

  /** Envoy's weighted least request: weight / (active + 1), chosen in proportion. */
  private weightedLeastRequest(now: number): H {
    const hosts = this.hosts;
    let total = 0;
    const w = new Float64Array(hosts.length);
    for (let i = 0; i < hosts.length; i++) {
      w[i] = this.effectiveWeight(hosts[i], now) / (hosts[i].activeRequests + 1);
      total += w[i];
    }
    let r = this.o.random() * total;
    for (let i = 0; i < hosts.length; i++) {
      r -= w[i];
      if (r < 0) return hosts[i];
    }
    return hosts[hosts.length - 1];
  }
}

/** Localities of one priority level, chosen by weight × availability with smooth round robin. */
class LocalitySet<H extends LbHost> {
  private readonly current: Float64Array;

  constructor(private readonly sets: HostSet<H>[], private readonly weights: number[]) {
    this.current = new Float64Array(sets.length);
  }

  pick(ctx: PickContext | undefined): H | undefined {
    let total = 0;
    let best = -1;
    for (let i = 0; i < this.sets.length; i++) {
      if (this.weights[i] <= 0) continue;
      total += this.weights[i];
      this.current[i] += this.weights[i];
      if (best < 0 || this.current[i] > this.current[best]) best = i;
    }
    if (best < 0) return undefined;
    this.current[best] -= total;
    return this.sets[best].pick(ctx);
  }
}

interface Level<H extends LbHost> {
  readonly all: HostSet<H>;
  readonly healthy: HostSet<H> | LocalitySet<H>;
  readonly panic: boolean;
}

export class LoadBalancer<H extends LbHost> {
  private levels: Level<H>[] = [];
  /** Cumulative priority load in percent, one entry per level. */
  private cumulative: number[] = [];
  /** Per-level load in percent, as Envoy computes it (exposed for tests and admin). */
  loads: number[] = [];
  /** Total panic: every level balances over all of its hosts. */
  panic = false;
  healthyCount = 0;

  constructor(private readonly o: LbOptions) {}

  /** Rebuilds from the current membership and health. */
  refresh(hosts: readonly H[]): void {
    const o = this.o;
    const byPriority: H[][] = [];
    for (const h of hosts) (byPriority[h.priority] ??= []).push(h);
    const groups = byPriority.filter((g) => g !== undefined);
    const health: number[] = [];
    let healthyCount = 0;
    let levelsInPanic = 0;
    for (const g of groups) {
      const healthy = g.filter((h) => h.available).length;
      healthyCount += healthy;
      health.push(Math.min(100, Math.floor((o.overprovisioningFactor * healthy) / g.length)));
      if ((healthy * 100) / g.length < o.panicThresholdPercent) levelsInPanic++;
    }
    this.healthyCount = healthyCount;
    const normalizedTotal = Math.min(100, health.reduce((s, x) => s + x, 0));
    // Every level in panic: Envoy spreads load by host count and balances over all hosts.
    this.panic = groups.length > 0 && levelsInPanic === groups.length;
    const loads: number[] = [];
    if (this.panic) {
      // Total panic: levels share load in proportion to their host counts.
      const total = hosts.length;
      let left = 100;
      groups.forEach((g, i) => {
        const l = i === groups.length - 1 ? left : Math.floor((g.length * 100) / total);
        loads.push(l);
        left -= l;
      });
    } else if (groups.length > 0) {
      let left = 100;
      for (const hp of health) {
        const l = normalizedTotal === 0 ? 0 : Math.min(left, Math.floor((hp * 100) / normalizedTotal));
        loads.push(l);
        left -= l;
      }
      // Rounding leftovers go to the first level that has healthy hosts.
      if (left > 0 && normalizedTotal > 0) loads[health.findIndex((x) => x > 0)] += left;
      else if (left > 0) loads[0] += left;
    }
    this.loads = loads;
    let acc = 0;
    this.cumulative = loads.map((l) => (acc += l));
    this.levels = groups.map((g) => this.level(g));
  }

  private level(g: H[]): Level<H> {
    const o = this.o;
    const healthyHosts = g.filter((h) => h.available);
    const panic = this.panic || (healthyHosts.length * 100) / g.length < o.panicThresholdPercent;
    const all = new HostSet(g, o);
    if (panic || !o.localityWeighted) return { all, healthy: panic ? all : new HostSet(healthyHosts, o), panic };
    const byLocality = new Map<string, { all: number; healthy: H[]; weight: number }>();
    for (const h of g) {
      let e = byLocality.get(h.localityKey);
      if (e === undefined) byLocality.set(h.localityKey, (e = { all: 0, healthy: [], weight: h.localityWeight ?? 0 }));
      e.all++;
      if (h.available) e.healthy.push(h);
    }
    const op = o.overprovisioningFactor / 100;
    const sets: HostSet<H>[] = [];
    const weights: number[] = [];
    for (const e of byLocality.values()) {
      sets.push(new HostSet(e.healthy, o));
      // A locality's weight shrinks with its availability, as Envoy's effective locality weight.
      weights.push(e.weight * Math.min(1, (op * e.healthy.length) / e.all));
    }
    return { all, healthy: new LocalitySet(sets, weights), panic };
  }

  pick(ctx?: PickContext): H | undefined {
    const levels = this.levels;
    if (levels.length === 0) return undefined;
    let level = levels[0];
    if (levels.length > 1) {
      const r = ctx?.hash !== undefined ? Number(ctx.hash % 100n) : Math.floor(this.o.random() * 100);
      const i = this.cumulative.findIndex((c) => r < c);
      level = levels[i < 0 ? levels.length - 1 : i];
    }
    return level.panic ? level.all.pick(ctx) : level.healthy.pick(ctx);
  }
}
