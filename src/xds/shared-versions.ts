// What a delta stream's proxy holds (resource name → version) is, after any complete answer, exactly
// the set the generator returned — and proxies of one class get the same set. Keeping one Map per
// stream and type costs ~30 bytes per entry: with 2,000 sidecars holding ~3,700 clusters and
// assignments each, ~200 MB of identical maps. Streams share one immutable map per distinct set
// instead, with a small per-stream overlay when a partial answer (incremental EDS) or an
// unsubscribe changes theirs.
// Subscribed name sets are shared the same way: each stream's decoded request carries its own copy
// of every EDS cluster name, and its set of them is as large as the map.
import { createHash } from 'node:crypto';

export interface NamedVersion {
  readonly name: string;
}

/** Interned maps by type URL and response version, checked entry by entry before reuse. */
export class SharedVersions {
  private readonly byKey = new Map<string, ReadonlyMap<string, string>>();

  /** `max` bounds the table; when full it starts over (maps already handed out stay valid). */
  constructor(private readonly max = 4096) {}

  /** The shared map equal to `resources[i].name → versions[i]`. */
  of(typeUrl: string, version: string, resources: readonly NamedVersion[], versions: readonly string[]): ReadonlyMap<string, string> {
    const key = `${typeUrl}\0${version}`;
    const m = this.byKey.get(key);
    // Versions are opaque strings from any generator; equality of content is what makes reuse safe.
    if (m && m.size === resources.length && resources.every((r, i) => m.get(r.name) === versions[i])) return m;
    const fresh = new Map<string, string>();
    resources.forEach((r, i) => fresh.set(r.name, versions[i]));
    if (this.byKey.size >= this.max) this.byKey.clear();
    this.byKey.set(key, fresh);
    return fresh;
  }

  get size(): number {
    return this.byKey.size;
  }
}

/**
 * One immutable set per distinct set of subscribed names (proxies of one class subscribe to the
 * same ~1,850 EDS names), its strings interned; up to `max` sets (then the table starts over).
 */
export class SharedNameSets {
  private readonly byKey = new Map<string, ReadonlySet<string>>();
  readonly strings: Interner;

  constructor(private readonly max = 4096, maxStrings = 200_000) {
    this.strings = new Interner(maxStrings);
  }

  of(names: Iterable<string>): ReadonlySet<string> {
    const list = [...new Set(names)].sort();
    if (list.length === 0) return EMPTY_NAMES;
    const key = createHash('sha256').update(list.join('\0')).digest('base64');
    const have = this.byKey.get(key);
    if (have) return have;
    const set: ReadonlySet<string> = new Set(list.map((n) => this.strings.intern(n)));
    if (this.byKey.size >= this.max) this.byKey.clear();
    this.byKey.set(key, set);
    return set;
  }

  get size(): number {
    return this.byKey.size;
  }
}

const EMPTY_NAMES: ReadonlySet<string> = new Set();

/** One instance per distinct string, up to `max` strings (then strings pass through unchanged). */
export class Interner {
  private readonly strings = new Map<string, string>();

  constructor(private readonly max = 200_000) {}

  intern(s: string): string {
    const have = this.strings.get(s);
    if (have !== undefined) return have;
    if (this.strings.size < this.max) this.strings.set(s, s);
    return s;
  }

  get size(): number {
    return this.strings.size;
  }
}

const DELETED = Symbol('deleted');

/**
 * A read-only map seen as `root` with a few entries changed or deleted. Incremental EDS changes one
 * or two of a proxy's ~2,000 held versions per push; copying the shared map per proxy would cost
 * a full map per stream again.
 */
export class OverlayMap implements ReadonlyMap<string, string> {
  constructor(readonly root: ReadonlyMap<string, string>, private readonly overlay: ReadonlyMap<string, string | typeof DELETED>) {}

  get(key: string): string | undefined {
    const v = this.overlay.get(key);
    if (v === DELETED) return undefined;
    return v ?? this.root.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    let n = this.root.size;
    for (const [k, v] of this.overlay) {
      const inRoot = this.root.has(k);
      if (v === DELETED) n -= inRoot ? 1 : 0;
      else n += inRoot ? 0 : 1;
    }
    return n;
  }

  *entries(): MapIterator<[string, string]> {
    for (const [k, v] of this.root) {
      const o = this.overlay.get(k);
      if (o === DELETED) continue;
      yield [k, o ?? v];
    }
    for (const [k, v] of this.overlay) if (v !== DELETED && !this.root.has(k)) yield [k, v];
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }

  /** `base` with `set` applied and `remove` deleted, sharing base's root; flattened once the changes outgrow it. */
  static with(base: ReadonlyMap<string, string> | undefined, set: Iterable<readonly [string, string]>, remove: Iterable<string> = []): ReadonlyMap<string, string> {
    const root = base instanceof OverlayMap ? base.root : base ?? new Map<string, string>();
    const overlay = new Map<string, string | typeof DELETED>(base instanceof OverlayMap ? base.overlay : []);
    for (const [k, v] of set) overlay.set(k, v);
    for (const k of remove) overlay.set(k, DELETED);
    const next = new OverlayMap(root, overlay);
    return overlay.size * 2 > root.size ? new Map(next) : next;
  }
}
