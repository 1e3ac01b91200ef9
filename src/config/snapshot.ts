// An immutable, indexed view of every config object in force at one version. Readers hold a
// snapshot for as long as they like; the store never mutates one, it swaps in a new one.
import { configKey, type Config, type GroupVersionKind } from '../api/config.js';

/** A kind's identity regardless of version: `networking.istio.io/VirtualService`, `/Service` for core. */
export type KindId = string;

export function kindId(gk: Pick<GroupVersionKind, 'group' | 'kind'>): KindId {
  return `${gk.group}/${gk.kind}`;
}

const EMPTY: readonly Config[] = Object.freeze([]);

const keys = new WeakMap<Config, string>();

/** `configKey(c.meta)`, computed once per config object (a reload revisits thousands of them). */
export function keyOf(c: Config): string {
  let k = keys.get(c);
  if (k === undefined) keys.set(c, (k = configKey(c.meta)));
  return k;
}

export class ConfigSnapshot {
  /** Grows by one with every change the store applies; 0 is the empty start. */
  readonly version: number;
  private readonly byKey: ReadonlyMap<string, Config>;
  /** kind → namespace → configs sorted by name. */
  private readonly byKind: ReadonlyMap<KindId, ReadonlyMap<string, readonly Config[]>>;
  private readonly allByKind: ReadonlyMap<KindId, readonly Config[]>;

  /**
   * `reuse`: the previous snapshot and the kinds whose members changed; every other kind's indexes
   * are shared with it, so a one-object change costs that kind's size, not the whole set's.
   */
  private constructor(version: number, byKey: Map<string, Config>, reuse?: { prev: ConfigSnapshot; changed: ReadonlyMap<KindId, readonly Config[]> }) {
    this.version = version;
    this.byKey = byKey;
    const members = new Map<KindId, Config[]>();
    if (reuse) {
      for (const [k, added] of reuse.changed) {
        // Still-present, unchanged members of the kind, plus the added and updated ones.
        const kept = reuse.prev.list({ group: k.slice(0, k.indexOf('/')), kind: k.slice(k.indexOf('/') + 1) }).filter((c) => byKey.get(keyOf(c)) === c);
        members.set(k, [...kept, ...added]);
      }
    } else {
      for (const c of byKey.values()) {
        const k = kindId(c.meta.gvk);
        let list = members.get(k);
        if (!list) members.set(k, (list = []));
        list.push(c);
      }
    }
    const byKind = new Map<KindId, ReadonlyMap<string, readonly Config[]>>(reuse ? reuse.prev.byKind : []);
    const all = new Map<KindId, readonly Config[]>(reuse ? reuse.prev.allByKind : []);
    for (const [k, list] of members) {
      if (list.length === 0) {
        byKind.delete(k);
        all.delete(k);
        continue;
      }
      list.sort((a, b) => compare(a.meta.namespace, b.meta.namespace) || compare(a.meta.name, b.meta.name));
      const ns = new Map<string, readonly Config[]>();
      let start = 0;
      for (let i = 1; i <= list.length; i++) {
        if (i === list.length || list[i].meta.namespace !== list[start].meta.namespace) {
          ns.set(list[start].meta.namespace, Object.freeze(list.slice(start, i)));
          start = i;
        }
      }
      byKind.set(k, ns);
      all.set(k, Object.freeze(list));
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
    for (const c of configs) byKey.set(keyOf(c), c);
    return new ConfigSnapshot(version, byKey);
  }

  /** @internal the store's path: keys already computed, indexes of unchanged kinds shared with `prev`. */
  static fromKeyed(version: number, byKey: Map<string, Config>, prev?: ConfigSnapshot, changed?: ReadonlyMap<KindId, readonly Config[]>): ConfigSnapshot {
    return new ConfigSnapshot(version, byKey, prev && changed ? { prev, changed } : undefined);
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
