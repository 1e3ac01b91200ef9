// An ordered list of iptables rules per IP family, and its two renderings: the iptables-restore
// input that applies it, and the `iptables -D` commands that undo its rules in built-in chains.

export type Table = 'filter' | 'mangle' | 'nat' | 'raw';

export interface Rule {
  readonly table: Table;
  readonly chain: string;
  /** `-A CHAIN ...` or `-I CHAIN POS ...`, exactly as iptables-restore reads it. */
  readonly params: readonly string[];
}

export const BUILT_IN_CHAINS = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);
/** Jump targets that are not chains we must create. */
const BUILT_IN_TARGETS = new Set([...BUILT_IN_CHAINS, 'ACCEPT', 'RETURN', 'DROP']);

export type Family = 'v4' | 'v6';

/** Collects rules in the order Istio adds them; IPv6 rules only when IPv6 is enabled. */
export class RuleSet {
  readonly v4: Rule[] = [];
  readonly v6: Rule[] = [];

  constructor(private readonly ipv6: boolean) {}

  append(table: Table, chain: string, ...params: string[]): this {
    this.appendV4(table, chain, ...params);
    return this.appendV6(table, chain, ...params);
  }

  appendV4(table: Table, chain: string, ...params: string[]): this {
    this.v4.push({ table, chain, params: ['-A', chain, ...params] });
    return this;
  }

  appendV6(table: Table, chain: string, ...params: string[]): this {
    if (this.ipv6) this.v6.push({ table, chain, params: ['-A', chain, ...params] });
    return this;
  }

  /** A rule whose address differs by family: `ADDR` in params is replaced per family. */
  appendVersioned(v4Addr: string, v6Addr: string, table: Table, chain: string, ...params: string[]): this {
    this.appendV4(table, chain, ...params.map((p) => (p === ADDR ? v4Addr : p)));
    return this.appendV6(table, chain, ...params.map((p) => (p === ADDR ? v6Addr : p)));
  }

  insert(table: Table, chain: string, position: number, ...params: string[]): this {
    this.insertV4(table, chain, position, ...params);
    return this.insertV6(table, chain, position, ...params);
  }

  insertV4(table: Table, chain: string, position: number, ...params: string[]): this {
    this.v4.push({ table, chain, params: ['-I', chain, String(position), ...params] });
    return this;
  }

  insertV6(table: Table, chain: string, position: number, ...params: string[]): this {
    if (this.ipv6) this.v6.push({ table, chain, params: ['-I', chain, String(position), ...params] });
    return this;
  }

  rules(family: Family): readonly Rule[] {
    return family === 'v4' ? this.v4 : this.v6;
  }
}

/** Placeholder for a family-specific address in `appendVersioned`. */
export const ADDR = '\0addr';

const TABLE_ORDER: readonly Table[] = ['filter', 'mangle', 'nat', 'raw'];

/**
 * iptables-restore input (for `--noflush`): per table, the chains to create (in order of first
 * use, then chains only jumped to), then every rule in the order it was added. Tables are sorted
 * by name, as Istio prints them; empty tables are left out.
 */
export function renderRestore(rules: readonly Rule[]): string {
  const perTable = new Map<Table, string[]>();
  const created = new Set<string>();
  const line = (t: Table, l: string): void => {
    let ls = perTable.get(t);
    if (!ls) perTable.set(t, (ls = []));
    ls.push(l);
  };
  const create = (t: Table, chain: string): void => {
    const key = `${t}:${chain}`;
    if (created.has(key) || BUILT_IN_TARGETS.has(chain)) return;
    created.add(key);
    line(t, `-N ${chain}`);
  };
  for (const r of rules) create(r.table, r.chain);
  for (const r of rules) {
    const p = r.params;
    if (p.length >= 2 && p[p.length - 2] === '-j') create(r.table, p[p.length - 1]);
  }
  for (const r of rules) line(r.table, r.params.join(' '));
  let out = '';
  for (const t of TABLE_ORDER) {
    const ls = perTable.get(t);
    if (!ls || ls.length === 0) continue;
    out += `* ${t}\n${ls.join('\n')}\nCOMMIT\n`;
  }
  return out;
}

/**
 * `iptables` argument lists that delete the rules this set adds to built-in chains, last added
 * first. Rules inside our own chains go with the chains (flush + delete), so they are not listed.
 */
export function builtInDeletes(rules: readonly Rule[]): string[][] {
  const out: string[][] = [];
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i];
    if (!BUILT_IN_CHAINS.has(r.chain)) continue;
    const spec = r.params[0] === '-I' ? r.params.slice(3) : r.params.slice(2);
    out.push(['-t', r.table, '-D', r.chain, ...spec]);
  }
  return out;
}
