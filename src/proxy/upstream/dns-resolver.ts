// Asynchronous DNS for STRICT_DNS / LOGICAL_DNS clusters: c-ares queries (`dns.promises.Resolver`,
// never getaddrinfo on the libuv pool) for A / AAAA with their TTLs, combined per Envoy's
// dns_lookup_family, after the hosts file (as Envoy's c-ares getaddrinfo: Kubernetes hostAliases,
// localhost). A name that does not exist or has no record of the family is a successful
// answer with no addresses (Envoy's c-ares resolver treats NXDOMAIN and NODATA so); anything else
// (timeout, refused, SERVFAIL) is a failure, and the cluster keeps the hosts it had.
import { promises as dnsPromises } from 'node:dns';
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { DnsLookupFamily } from '../config/types.js';

/**
 * `ip:port,...`: DNS servers for every DNS cluster that names none of its own (Envoy's
 * `dns_resolvers`). Tests point the proxy at a responder on a loopback port with it; unset, the
 * system's servers (/etc/resolv.conf) are used.
 */
export const DNS_RESOLVERS_ENV = 'ISTIO_TS_DNS_RESOLVERS';

/** c-ares per-try timeout and tries: a dead server fails a resolution within ~5 s. */
const QUERY_TIMEOUT_MS = 2500;
const QUERY_TRIES = 2;

export interface Resolution {
  /** In answer order, de-duplicated; empty when the name has no address of the family. */
  readonly addresses: readonly string[];
  /** The lowest record TTL in ms; undefined without records (or for an IP literal). */
  readonly ttlMs: number | undefined;
}

const EMPTY: Resolution = { addresses: [], ttlMs: undefined };
const NO_ADDRESS: ReadonlySet<string> = new Set(['ENODATA', 'ENOTFOUND']);

/** The servers a cluster queries: its own, else ISTIO_TS_DNS_RESOLVERS, else undefined (the system's). */
export function resolverServers(own: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (own !== undefined && own.length > 0) return [...own];
  const list = (env[DNS_RESOLVERS_ENV] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return list.length > 0 ? list : undefined;
}

export class DnsResolver {
  private static readonly byServers = new Map<string, DnsResolver>();
  private readonly resolver = new dnsPromises.Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });

  /**
   * One resolver (one c-ares channel and socket) per server list for all clusters: a sidecar with
   * 1,000 DNS clusters would otherwise hold 1,000 UDP sockets. A closed cluster ignores its answer.
   */
  static shared(servers: readonly string[] | undefined): DnsResolver {
    const key = servers?.join(',') ?? '';
    let r = DnsResolver.byServers.get(key);
    if (r === undefined) DnsResolver.byServers.set(key, (r = new DnsResolver(servers)));
    return r;
  }

  constructor(servers?: readonly string[], private readonly hosts: HostsFile = systemHosts) {
    if (servers !== undefined) this.resolver.setServers(servers);
  }

  /** Resolves `name` per `family`; rejects only when the servers could not answer. */
  async resolve(name: string, family: DnsLookupFamily): Promise<Resolution> {
    if (isIP(name) !== 0) return { addresses: [name], ttlMs: undefined };
    const listed = pick(await this.hosts.lookup(name), family);
    if (listed.length > 0) return { addresses: listed, ttlMs: undefined };
    switch (family) {
      case 'V4_ONLY': return this.query(name, 4);
      case 'V6_ONLY': return this.query(name, 6);
      case 'AUTO': return this.preferring(name, 6, 4);
      case 'V4_PREFERRED': return this.preferring(name, 4, 6);
      case 'ALL': {
        const [v4, v6] = await Promise.allSettled([this.query(name, 4), this.query(name, 6)]);
        if (v4.status === 'rejected' && v6.status === 'rejected') throw v4.reason;
        const got = [v4, v6].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        return merge(got);
      }
    }
  }

  /** Stops the queries in flight (they reject with ECANCELLED); never on a shared resolver. */
  cancel(): void {
    this.resolver.cancel();
  }

  /** The first family; the second when the first has no address or fails (Envoy's AUTO / V4_PREFERRED). */
  private async preferring(name: string, first: 4 | 6, second: 4 | 6): Promise<Resolution> {
    try {
      const r = await this.query(name, first);
      if (r.addresses.length > 0) return r;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ECANCELLED') throw e;
    }
    return this.query(name, second);
  }

  private async query(name: string, family: 4 | 6): Promise<Resolution> {
    let records: { address: string; ttl: number }[];
    try {
      records = family === 4 ? await this.resolver.resolve4(name, { ttl: true }) : await this.resolver.resolve6(name, { ttl: true });
    } catch (e) {
      if (NO_ADDRESS.has((e as NodeJS.ErrnoException).code ?? '')) return EMPTY;
      throw e;
    }
    return merge([{ addresses: records.map((r) => r.address), ttlMs: records.length === 0 ? undefined : Math.min(...records.map((r) => r.ttl)) * 1000 }]);
  }
}

interface HostsEntry { readonly v4: string[]; readonly v6: string[] }

function pick(e: HostsEntry | undefined, family: DnsLookupFamily): string[] {
  if (e === undefined) return [];
  switch (family) {
    case 'V4_ONLY': return e.v4;
    case 'V6_ONLY': return e.v6;
    case 'AUTO': return e.v6.length > 0 ? e.v6 : e.v4;
    case 'V4_PREFERRED': return e.v4.length > 0 ? e.v4 : e.v6;
    case 'ALL': return [...e.v4, ...e.v6];
  }
}

/** A hosts file, parsed again when its mtime changes (checked at most once per `checkEveryMs`). */
export class HostsFile {
  private names = new Map<string, HostsEntry>();
  private mtimeMs = -1;
  private checked: Promise<void> | undefined;
  private checkedAt = -Infinity;

  constructor(private readonly path: string, private readonly checkEveryMs = 1000) {}

  async lookup(name: string): Promise<HostsEntry | undefined> {
    const now = performance.now();
    if (this.checked === undefined || now - this.checkedAt >= this.checkEveryMs) {
      this.checkedAt = now;
      this.checked = this.check();
    }
    await this.checked;
    return this.names.get(name.toLowerCase());
  }

  private async check(): Promise<void> {
    try {
      const m = (await stat(this.path)).mtimeMs;
      if (m === this.mtimeMs) return;
      this.names = parseHosts(await readFile(this.path, 'latin1'));
      this.mtimeMs = m;
    } catch {
      this.names = new Map();
      this.mtimeMs = -1;
    }
  }
}

const systemHosts = new HostsFile('/etc/hosts');

function parseHosts(text: string): Map<string, HostsEntry> {
  const out = new Map<string, HostsEntry>();
  for (const line of text.split('\n')) {
    const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const v = isIP(ip ?? '');
    if (v === 0) continue;
    for (const n of names) {
      const key = n.toLowerCase();
      let e = out.get(key);
      if (e === undefined) out.set(key, (e = { v4: [], v6: [] }));
      const list = v === 4 ? e.v4 : e.v6;
      if (!list.includes(ip)) list.push(ip);
    }
  }
  return out;
}

function merge(rs: readonly Resolution[]): Resolution {
  const addresses = [...new Set(rs.flatMap((r) => r.addresses))];
  const ttls = rs.flatMap((r) => (r.ttlMs === undefined ? [] : [r.ttlMs]));
  return { addresses, ttlMs: ttls.length === 0 ? undefined : Math.min(...ttls) };
}
