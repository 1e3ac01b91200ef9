// An immutable, indexed view of every config object in force at one version. Readers hold a
// snapshot for as long as they like; the store never mutates one, it swaps in a new one.
import { configKey, type Config, type GroupVersionKind } from '../api/config.js';

/** A kind's identity regardless of version: `networking.istio.io/VirtualService`, `/Service` for core. */
export type KindId = string;

export function kindId(gk: Pick<GroupVersionKind, 'group' | 'kind'>): KindId {
  return `${gk.group}/${gk.kind}`;
}

const EMPTY: readonly Config[] = Object.freeze([]);

export class ConfigSnapshot {
  /** Grows by one with every change the store applies; 0 is the empty start. */
  readonly version: number;
  private readonly byKey: ReadonlyMap<string, Config>;
  /** kind → namespace → configs sorted by name. */
  private readonly byKind: ReadonlyMap<KindId, ReadonlyMap<string, readonly Config[]>>;
  private readonly allByKind: ReadonlyMap<KindId, readonly Config[]>;

  private constructor(version: number, byKey: Map<string, Config>) {
    this.version = version;
    this.byKey = byKey;
    const grouped = new Map<KindId, Map<string, Config[]>>();
    for (const c of byKey.values()) {
      const k = kindId(c.meta.gvk);
      let ns = grouped.get(k);
      if (!ns) grouped.set(k, (ns = new Map()));
      let list = ns.get(c.meta.namespace);
      if (!list) ns.set(c.meta.namespace, (list = []));
      list.push(c);
    }
    const byKind = new Map<KindId, Map<string, readonly Config[]>>();
    const all = new Map<KindId, readonly Config[]>();
    for (const [k, ns] of grouped) {
      const flat: Config[] = [];
      const sorted = new Map<string, readonly Config[]>();
      for (const [n, list] of [...ns].sort(([a], [b]) => compare(a, b))) {
        list.sort((a, b) => compare(a.meta.name, b.meta.name));
        flat.push(...list);
        sorted.set(n, Object.freeze(list));
      }
      byKind.set(k, sorted);
      all.set(k, Object.freeze(flat));
    }
    this.byKind = byKind;
    this.allByKind = all;
  }

  static empty(): ConfigSnapshot {
    return new ConfigSnapshot(0, new Map());
  }

  /** Builds a snapshot; a later config with the same key replaces an earlier one. */
  static of(version: number, configs: Iterable<Config>): ConfigSnapshot {
    const byKey = new Map<string, Config>();
    for (const c of configs) byKey.set(configKey(c.meta), c);
    return new ConfigSnapshot(version, byKey);
  }

  /** @internal the store's path: keys already computed. */
  static fromKeyed(version: number, byKey: Map<string, Config>): ConfigSnapshot {
    return new ConfigSnapshot(version, byKey);
  }

  get size(): number {
    return this.byKey.size;
  }

  get(kind: Pick<GroupVersionKind, 'group' | 'kind'>, namespace: string, name: string): Config | undefined {
    return this.byKey.get(configKey({ gvk: { ...kind, version: '' }, namespace, name }));
  }

  /** By `configKey` (`VirtualService.networking.istio.io/default/reviews`). */
  getByKey(key: string): Config | undefined {
    return this.byKey.get(key);
  }

  /** Every config of a kind, sorted by namespace then name; only one namespace when given. */
  list(kind: Pick<GroupVersionKind, 'group' | 'kind'>, namespace?: string): readonly Config[] {
    const k = kindId(kind);
    if (namespace === undefined) return this.allByKind.get(k) ?? EMPTY;
    return this.byKind.get(k)?.get(namespace) ?? EMPTY;
  }

  /** Namespaces holding at least one config of the kind, sorted. */
  namespaces(kind: Pick<GroupVersionKind, 'group' | 'kind'>): string[] {
    return [...(this.byKind.get(kindId(kind))?.keys() ?? [])].sort(compare);
  }

  kinds(): KindId[] {
    return [...this.byKind.keys()].sort(compare);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  configs(): IterableIterator<Config> {
    return this.byKey.values();
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
