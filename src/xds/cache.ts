// Encoded resources shared between proxies, in the spirit of Istio's XdsCache: an entry is the
// `Any` bytes of one translated resource (or a small group built together), keyed by the exact
// inputs translation read (pilot's CacheableUnit keys) and indexed by the configs it depends on.
// A push invalidates precisely what its configsUpdated names; a change the cache cannot attribute
// (an unknown kind, or "everything") clears it. Entries computed from a superseded PushContext are
// never stored, so a push racing with an invalidation cannot leave stale bytes behind.
import { ANY_CONFIG, CONFIG_BUT_VIRTUAL_SERVICES } from '../pilot/networking/cache-key.js';
import type { GeneratedResource } from './generator.js';
import type { PushRequest } from './push-request.js';

/**
 * Config kinds whose effect on cached entries is fully described by entry deps: services (their
 * definition and endpoints, under `ServiceEntry/<ns>/<host>`), DestinationRules and
 * VirtualServices (which only ANY_CONFIG entries read). Any other kind clears the cache.
 */
const VIRTUAL_SERVICE = 'VirtualService.networking.istio.io/';
const TRACKED_PREFIXES = ['ServiceEntry/', 'DestinationRule.networking.istio.io/', VIRTUAL_SERVICE];

export interface XdsCacheOptions {
  /**
   * The deps a VirtualService change invalidates, from the PushContexts before and after (pilot's
   * virtualServiceDeps). Without it, a VirtualService change drops every entry that reads
   * more than its own deps name.
   */
  virtualServiceDeps?: (configKey: string, push: any, previous: any) => readonly string[];
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries not stored because their push had been superseded. */
  stale: number;
}

interface Entry {
  readonly resources: readonly GeneratedResource[];
  readonly deps: readonly string[];
}

export class XdsCache {
  /** typeUrl → key → entry (nested, so a lookup never concatenates the type URL onto the key). */
  private readonly entries = new Map<string, Map<string, Entry>>();
  /** dep → entries that depend on it, as [typeUrl, key]. */
  private readonly dependents = new Map<string, Map<Entry, [string, string]>>();
  private count = 0;
  private readonly perType = new Map<string, CacheStats>();
  private current: unknown;
  /** Full clears so far (for tests and /debug). */
  clears = 0;
  /**
   * Per PushContext, a number bumped by every push except a VirtualService-only one: output built
   * from a push that never reads VirtualServices (a sidecar's inbound listeners) is still right for
   * any push of the same epoch.
   */
  private readonly epochs = new WeakMap<object, number>();
  private epoch = 0;

  constructor(private readonly opts: XdsCacheOptions = {}) {}

  /**
   * A new PushContext is about to be served for `req`: drop what `req` may have changed and
   * accept entries only from `push` from now on.
   */
  onPush(req: Pick<PushRequest<unknown>, 'full' | 'configsUpdated'>, push: unknown): void {
    const previous = this.current;
    this.current = push;
    const vsOnly = req.configsUpdated.size > 0 && [...req.configsUpdated].every((k) => k.startsWith(VIRTUAL_SERVICE));
    if (!(req.full && vsOnly && previous !== undefined)) this.epoch++;
    if (typeof push === 'object' && push !== null) this.epochs.set(push, this.epoch);
    if (previous === undefined) return;
    if (req.configsUpdated.size === 0) {
      this.clear();
      return;
    }
    for (const key of req.configsUpdated) {
      if (!TRACKED_PREFIXES.some((p) => key.startsWith(p))) {
        this.clear();
        return;
      }
    }
    if (req.full) {
      this.invalidate(ANY_CONFIG);
      if (!vsOnly || !this.opts.virtualServiceDeps) this.invalidate(CONFIG_BUT_VIRTUAL_SERVICES);
    }
    for (const key of req.configsUpdated) {
      this.invalidate(key);
      if (key.startsWith(VIRTUAL_SERVICE)) for (const d of this.opts.virtualServiceDeps?.(key, push, previous) ?? []) this.invalidate(d);
    }
  }

  /** The epoch of a PushContext this cache was told of (see `epochs`); undefined if never told. */
  epochOf(push: unknown): number | undefined {
    return typeof push === 'object' && push !== null ? this.epochs.get(push) : undefined;
  }

  /** The resources stored under `typeUrl` + `key`, counting a hit or a miss. */
  get(typeUrl: string, key: string): readonly GeneratedResource[] | undefined {
    const e = this.entries.get(typeUrl)?.get(key);
    const s = this.stats(typeUrl);
    if (e) s.hits++;
    else s.misses++;
    return e?.resources;
  }

  /** Stores an entry built from `push`; ignored when `push` is not the one being served. */
  set(typeUrl: string, key: string, deps: readonly string[], resources: readonly GeneratedResource[], push: unknown): void {
    if (push !== this.current) {
      this.stats(typeUrl).stale++;
      return;
    }
    let byKey = this.entries.get(typeUrl);
    if (!byKey) this.entries.set(typeUrl, (byKey = new Map()));
    const old = byKey.get(key);
    if (old) this.unindex(old);
    else this.count++;
    const e: Entry = { resources, deps };
    byKey.set(key, e);
    for (const d of deps) {
      let m = this.dependents.get(d);
      if (!m) this.dependents.set(d, (m = new Map()));
      m.set(e, [typeUrl, key]);
    }
  }

  clear(): void {
    this.entries.clear();
    this.dependents.clear();
    this.count = 0;
    this.clears++;
  }

  get size(): number {
    return this.count;
  }

  /** Hits, misses and stale stores per type URL since start. */
  stats(typeUrl: string): CacheStats {
    let s = this.perType.get(typeUrl);
    if (!s) this.perType.set(typeUrl, (s = { hits: 0, misses: 0, stale: 0 }));
    return s;
  }

  allStats(): ReadonlyMap<string, Readonly<CacheStats>> {
    return this.perType;
  }

  private invalidate(dep: string): void {
    const m = this.dependents.get(dep);
    if (!m) return;
    for (const [e, [typeUrl, key]] of [...m]) {
      this.entries.get(typeUrl)?.delete(key);
      this.count--;
      this.unindex(e);
    }
    this.dependents.delete(dep);
  }

  private unindex(e: Entry): void {
    for (const d of e.deps) this.dependents.get(d)?.delete(e);
  }
}
