// Envoy's filter-chain selection: criteria are applied one after another (destination port,
// destination IP, server name, transport protocol, application protocols, source IP, source
// port); at each step the most specific matching chains survive, and chains that do not name
// the criterion survive only when no chain names it matchingly.
import { BlockList, isIPv6 } from 'node:net';
import type { CidrRange, FilterChainMatch } from '../config/types.js';

export interface ConnectionInfo {
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly serverName: string | undefined;
  readonly transportProtocol: string;
  readonly applicationProtocols: readonly string[];
}

interface Range { readonly len: number; readonly list: BlockList }

export interface CompiledChainMatch<T> {
  readonly value: T;
  readonly m: FilterChainMatch;
  readonly dst: readonly Range[];
  readonly src: readonly Range[];
}

function compileRanges(ranges: readonly CidrRange[] | undefined): Range[] {
  return (ranges ?? []).map((r) => {
    const list = new BlockList();
    list.addSubnet(r.addressPrefix, r.prefixLen, isIPv6(r.addressPrefix) ? 'ipv6' : 'ipv4');
    return { len: r.prefixLen, list };
  });
}

export function compileChainMatch<T>(value: T, m: FilterChainMatch | undefined): CompiledChainMatch<T> {
  const mm = m ?? {};
  return { value, m: mm, dst: compileRanges(mm.prefixRanges), src: compileRanges(mm.sourcePrefixRanges) };
}

function normalizeIp(ip: string): [string, 'ipv4' | 'ipv6'] {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return [ip.slice(7), 'ipv4'];
  return [ip, isIPv6(ip) ? 'ipv6' : 'ipv4'];
}

/** Keeps the candidates with the best score (> 0), or those scoring 0 (criterion absent) if none match. */
function narrow<T>(cands: CompiledChainMatch<T>[], score: (c: CompiledChainMatch<T>) => number): CompiledChainMatch<T>[] {
  let best = 0;
  const scored = cands.map((c) => {
    const s = score(c);
    if (s > best) best = s;
    return s;
  });
  if (best > 0) return cands.filter((_, i) => scored[i] === best);
  return cands.filter((_, i) => scored[i] === 0);
}

/** Score: -1 names the criterion without matching, 0 does not name it, >0 matches (higher = more specific). */
function rangeScore(ranges: readonly Range[], ip: string, type: 'ipv4' | 'ipv6'): number {
  if (ranges.length === 0) return 0;
  let best = -1;
  for (const r of ranges) if (r.list.check(ip, type) && r.len + 1 > best) best = r.len + 1;
  return best;
}

function serverNameScore(names: readonly string[] | undefined, sni: string | undefined): number {
  if (names === undefined || names.length === 0) return 0;
  if (sni === undefined) return -1;
  const s = sni.toLowerCase();
  let best = -1;
  for (const n of names) {
    const l = n.toLowerCase();
    if (l === s) return 1_000_000;
    if (l.startsWith('*.') && s.endsWith(l.slice(1)) && l.length > best) best = l.length;
  }
  return best;
}

export function selectFilterChain<T>(chains: readonly CompiledChainMatch<T>[], info: ConnectionInfo): T | undefined {
  let c = [...chains];
  const [dip, dtype] = normalizeIp(info.destinationAddress);
  const [sip, stype] = normalizeIp(info.sourceAddress);
  c = narrow(c, (x) => (x.m.destinationPort === undefined ? 0 : x.m.destinationPort === info.destinationPort ? 1 : -1));
  c = narrow(c, (x) => rangeScore(x.dst, dip, dtype));
  c = narrow(c, (x) => serverNameScore(x.m.serverNames, info.serverName));
  c = narrow(c, (x) => (x.m.transportProtocol === undefined || x.m.transportProtocol === '' ? 0 : x.m.transportProtocol === info.transportProtocol ? 1 : -1));
  c = narrow(c, (x) => {
    const a = x.m.applicationProtocols;
    if (a === undefined || a.length === 0) return 0;
    return a.some((p) => info.applicationProtocols.includes(p)) ? 1 : -1;
  });
  c = narrow(c, (x) => rangeScore(x.src, sip, stype));
  c = narrow(c, (x) => {
    const p = x.m.sourcePorts;
    if (p === undefined || p.length === 0) return 0;
    return p.includes(info.sourcePort) ? 1 : -1;
  });
  return c[0]?.value;
}
