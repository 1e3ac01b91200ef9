// Virtual host selection by authority, in Envoy's order: exact domain, then the longest suffix
// wildcard (`*.foo.com`, `*-bar.foo.com`), then the longest prefix wildcard (`foo.*`), then `*`.
// Matching is case-insensitive; the authority is compared as sent, port included, which is why
// Istio lists each host both with and without its port.

export class VirtualHostIndex<V> {
  private readonly exact = new Map<string, V>();
  /** [suffix without '*', value], longest first. */
  private readonly suffixes: [string, V][] = [];
  /** [prefix without '*', value], longest first. */
  private readonly prefixes: [string, V][] = [];
  private any: V | undefined;

  /** Adds a domain; returns false when another virtual host already claimed it (Envoy rejects the config). */
  add(domain: string, value: V): boolean {
    const d = domain.toLowerCase();
    if (d === '*') {
      if (this.any !== undefined) return false;
      this.any = value;
      return true;
    }
    if (d.startsWith('*')) {
      const s = d.slice(1);
      if (this.suffixes.some(([x]) => x === s)) return false;
      this.suffixes.push([s, value]);
      this.suffixes.sort((a, b) => b[0].length - a[0].length);
      return true;
    }
    if (d.endsWith('*')) {
      const p = d.slice(0, -1);
      if (this.prefixes.some(([x]) => x === p)) return false;
      this.prefixes.push([p, value]);
      this.prefixes.sort((a, b) => b[0].length - a[0].length);
      return true;
    }
    if (this.exact.has(d)) return false;
    this.exact.set(d, value);
    return true;
  }

  find(authority: string): V | undefined {
    const host = authority.toLowerCase();
    const e = this.exact.get(host);
    if (e !== undefined) return e;
    // A wildcard must stand for at least one character: `*.foo.com` does not match `.foo.com`.
    for (const [s, v] of this.suffixes) if (host.length > s.length && host.endsWith(s)) return v;
    for (const [p, v] of this.prefixes) if (host.length > p.length && host.startsWith(p)) return v;
    return this.any;
  }
}
