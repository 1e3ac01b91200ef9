// What a delta stream's proxy holds (resource name → version) is, after any complete answer, exactly
// the set the generator returned — and proxies of one class get the same set. Keeping one Map per
// stream and type costs ~30 bytes per entry: with 2,000 sidecars holding ~3,700 clusters and
// assignments each, ~200 MB of identical maps. Streams share one immutable map per distinct set
// instead and copy it only when a partial answer (incremental EDS) or an unsubscribe changes theirs.
// Subscribed names are interned for the same reason: each stream's decoded request carries its own
// copy of every EDS cluster name.

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
