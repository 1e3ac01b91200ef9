// Istio's capture rules, in Istio's order: the same flags give the same chains and rules as
// Istio's istio-iptables, so users' knowledge (and `iptables-save` output) carries over.
//   nat ISTIO_INBOUND      inbound ports → ISTIO_IN_REDIRECT (REDIRECT mode)
//   nat ISTIO_IN_REDIRECT  REDIRECT to the inbound capture port (-z, 15006)
//   nat ISTIO_OUTPUT       outbound: skip the proxy's own UID/GID, loopback and excludes
//   nat ISTIO_REDIRECT     REDIRECT to the outbound capture port (-p, 15001)
//   mangle ISTIO_INBOUND / ISTIO_DIVERT / ISTIO_TPROXY   inbound in TPROXY mode
import type { CaptureConfig } from './config.js';
import { splitList } from './config.js';
import { ADDR, RuleSet } from './rule-set.js';

export const CHAIN = {
  INBOUND: 'ISTIO_INBOUND',
  IN_REDIRECT: 'ISTIO_IN_REDIRECT',
  OUTPUT: 'ISTIO_OUTPUT',
  REDIRECT: 'ISTIO_REDIRECT',
  OUTPUT_DNS: 'ISTIO_OUTPUT_DNS',
  DIVERT: 'ISTIO_DIVERT',
  TPROXY: 'ISTIO_TPROXY',
  DROP: 'ISTIO_DROP',
} as const;

/** Source address of the proxy's inbound passthrough connections to the app (never captured). */
export const INBOUND_PASSTHROUGH_SOURCE = { v4: '127.0.0.6/32', v6: '::6/128' } as const;
/** In TPROXY mode, packets from the proxy's outbound side to the app by pod IP carry this mark. */
export const OUTBOUND_MARK = '1338';
export const AGENT_DNS_PORT = '15053';
const V6_LOOPBACK = '::1/128';

interface Ranges {
  readonly wildcard: boolean;
  readonly cidrs: readonly string[];
  readonly hasLoopback: boolean;
}

export interface BuildResult {
  readonly rules: RuleSet;
  /** Problems Istio also reports but tolerates (unparseable CIDRs are skipped). */
  readonly warnings: readonly string[];
}

export function buildRules(cfg: CaptureConfig): BuildResult {
  const warnings: string[] = [];
  const rs = new RuleSet(cfg.enableIpv6);
  const loop4 = cfg.hostIpv4LoopbackCidr;
  const tproxy = cfg.mode === 'TPROXY';

  const [exclude4, exclude6] = splitRanges(cfg.outboundIpRangesExclude, warnings);
  const [include4, include6] = splitRanges(cfg.outboundIpRangesInclude, warnings);
  const includesLoopback = include4.hasLoopback || include6.hasLoopback;

  let redirectDns = cfg.redirectDns;
  if (redirectDns && !cfg.captureAllDns && cfg.dnsServersV4.length === 0 && cfg.dnsServersV6.length === 0) {
    warnings.push('--redirect-dns is set, but --capture-all-dns is not and no DNS servers were found; DNS capture disabled');
    redirectDns = false;
  }

  // Interfaces that are never captured, in either direction.
  for (const nic of splitList(cfg.excludeInterfaces)) {
    rs.append('nat', 'PREROUTING', '-i', nic, '-j', 'RETURN');
    rs.append('nat', 'OUTPUT', '-o', nic, '-j', 'RETURN');
  }
  if (tproxy) {
    for (const nic of splitList(cfg.excludeInterfaces)) {
      rs.append('mangle', 'PREROUTING', '-i', nic, '-j', 'RETURN');
      rs.append('mangle', 'OUTPUT', '-o', nic, '-j', 'RETURN');
    }
  }
  // Traffic arriving on virtual interfaces is outbound (captured below), never inbound.
  for (const nic of splitList(cfg.rerouteVirtualInterfaces)) {
    rs.insert('nat', 'PREROUTING', 1, '-i', nic, '-j', 'RETURN');
  }
  if (cfg.dropInvalid) {
    rs.append('mangle', 'PREROUTING', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', CHAIN.DROP);
    rs.append('mangle', CHAIN.DROP, '-j', 'DROP');
  }

  rs.append('nat', CHAIN.INBOUND, '-p', 'tcp', '--dport', cfg.inboundTunnelPort, '-j', 'RETURN');
  rs.append('nat', CHAIN.REDIRECT, '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', cfg.proxyPort);
  rs.append('nat', CHAIN.IN_REDIRECT, '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', cfg.inboundCapturePort);

  inbound(rs, cfg, loop4);

  rs.append('nat', 'OUTPUT', '-j', CHAIN.OUTPUT);
  for (const ports of portGroups(cfg.outboundPortsExclude)) {
    rs.append('nat', CHAIN.OUTPUT, '-p', 'tcp', ...ports, '-j', 'RETURN');
    rs.append('nat', CHAIN.OUTPUT, '-p', 'udp', ...ports, '-j', 'RETURN');
  }
  rs.appendVersioned(INBOUND_PASSTHROUGH_SOURCE.v4, INBOUND_PASSTHROUGH_SOURCE.v6, 'nat', CHAIN.OUTPUT,
    '-o', 'lo', '-s', ADDR, '-j', 'RETURN');

  for (const [owner, ids] of [['--uid-owner', cfg.proxyUid], ['--gid-owner', cfg.proxyGid]] as const) {
    for (const id of splitList(ids)) {
      // The proxy calling its own pod's IP on lo (app → VIP → proxy → pod IP) goes through the
      // inbound side; the tunnel port (and DNS, when captured) is left alone.
      const notPorts = redirectDns && owner === '--uid-owner'
        ? ['-m', 'multiport', '!', '--dports', `53,${cfg.inboundTunnelPort}`]
        : ['!', '--dport', cfg.inboundTunnelPort];
      rs.appendVersioned(loop4, V6_LOOPBACK, 'nat', CHAIN.OUTPUT,
        '-o', 'lo', '!', '-d', ADDR, '-p', 'tcp', ...notPorts, '-m', 'owner', owner, id, '-j', CHAIN.IN_REDIRECT);
      // The app calling itself on lo is not captured, unless -i asked for loopback explicitly.
      if (!includesLoopback) {
        const dnsOnLo = redirectDns ? ['-p', 'tcp', '!', '--dport', '53'] : [];
        rs.append('nat', CHAIN.OUTPUT, '-o', 'lo', ...dnsOnLo, '-m', 'owner', '!', owner, id, '-j', 'RETURN');
      }
      // Everything else the proxy sends is never captured, or it would loop back into itself.
      rs.append('nat', CHAIN.OUTPUT, '-m', 'owner', owner, id, '-j', 'RETURN');
    }
  }

  ownerGroups(rs, cfg);
  if (redirectDns) dns(rs, cfg);

  rs.appendVersioned(loop4, V6_LOOPBACK, 'nat', CHAIN.OUTPUT, '-d', ADDR, '-j', 'RETURN');
  for (const c of exclude4.cidrs) rs.appendV4('nat', CHAIN.OUTPUT, '-d', c, '-j', 'RETURN');
  for (const c of exclude6.cidrs) rs.appendV6('nat', CHAIN.OUTPUT, '-d', c, '-j', 'RETURN');

  for (const p of splitList(cfg.outboundPortsInclude)) {
    rs.append('nat', CHAIN.OUTPUT, '-p', 'tcp', '--dport', p, '-j', CHAIN.REDIRECT);
  }
  outboundInclude(rs, include4, cfg, 'v4');
  outboundInclude(rs, include6, cfg, 'v6');

  if (tproxy) tproxyMarks(rs, cfg, loop4);
  return { rules: rs, warnings };
}

function inbound(rs: RuleSet, cfg: CaptureConfig, loop4: string): void {
  if (cfg.inboundPortsInclude === '') return;
  const tproxy = cfg.mode === 'TPROXY';
  const table = tproxy ? 'mangle' : 'nat';
  if (tproxy) {
    // Marked packets are routed to lo (ip rule fwmark → local route table), where TPROXY hands
    // them to the inbound listener with the original destination as the socket's local address.
    rs.append('mangle', CHAIN.DIVERT, '-j', 'MARK', '--set-mark', cfg.inboundTproxyMark);
    rs.append('mangle', CHAIN.DIVERT, '-j', 'ACCEPT');
    rs.appendVersioned(loop4, V6_LOOPBACK, 'mangle', CHAIN.TPROXY, '!', '-d', ADDR, '-p', 'tcp',
      '-j', 'TPROXY', '--tproxy-mark', `${cfg.inboundTproxyMark}/0xffffffff`, '--on-port', cfg.inboundCapturePort);
  }
  rs.append(table, 'PREROUTING', '-p', 'tcp', '-j', CHAIN.INBOUND);
  if (cfg.inboundPortsInclude === '*') {
    for (const ports of portGroups(cfg.inboundPortsExclude)) {
      rs.append(table, CHAIN.INBOUND, '-p', 'tcp', ...ports, '-j', 'RETURN');
    }
    if (tproxy) {
      rs.append('mangle', CHAIN.INBOUND, '-p', 'tcp', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', CHAIN.DIVERT);
      rs.append('mangle', CHAIN.INBOUND, '-p', 'tcp', '-j', CHAIN.TPROXY);
    } else {
      rs.append('nat', CHAIN.INBOUND, '-p', 'tcp', '-j', CHAIN.IN_REDIRECT);
    }
    return;
  }
  for (const p of splitList(cfg.inboundPortsInclude)) {
    if (tproxy) {
      rs.append('mangle', CHAIN.INBOUND, '-p', 'tcp', '--dport', p, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', CHAIN.DIVERT);
      rs.append('mangle', CHAIN.INBOUND, '-p', 'tcp', '--dport', p, '-j', CHAIN.TPROXY);
    } else {
      rs.append('nat', CHAIN.INBOUND, '-p', 'tcp', '--dport', p, '-j', CHAIN.IN_REDIRECT);
    }
  }
}

function ownerGroups(rs: RuleSet, cfg: CaptureConfig): void {
  if (cfg.ownerGroupsInclude.trim() === '*') {
    for (const g of splitList(cfg.ownerGroupsExclude)) {
      rs.append('nat', CHAIN.OUTPUT, '-m', 'owner', '--gid-owner', g, '-j', 'RETURN');
    }
    return;
  }
  const groups = splitList(cfg.ownerGroupsInclude);
  if (groups.length === 0) return;
  rs.append('nat', CHAIN.OUTPUT, ...groups.flatMap((g) => ['-m', 'owner', '!', '--gid-owner', g]), '-j', 'RETURN');
}

function dns(rs: RuleSet, cfg: CaptureConfig): void {
  const all = cfg.captureAllDns;
  rs.append('raw', 'OUTPUT', '-j', CHAIN.OUTPUT_DNS);
  if (all || cfg.dnsServersV4.length > 0) rs.appendV4('nat', CHAIN.OUTPUT, '-j', CHAIN.OUTPUT_DNS);
  if (all || cfg.dnsServersV6.length > 0) rs.appendV6('nat', CHAIN.OUTPUT, '-j', CHAIN.OUTPUT_DNS);
  for (const [proto, to] of [['tcp', '--to-ports'], ['udp', '--to-port']] as const) {
    if (all) {
      rs.append('nat', CHAIN.OUTPUT_DNS, '-p', proto, '--dport', '53', '-j', 'REDIRECT', to, AGENT_DNS_PORT);
      continue;
    }
    for (const s of cfg.dnsServersV4) {
      rs.appendV4('nat', CHAIN.OUTPUT_DNS, '-p', proto, '--dport', '53', '-d', `${s}/32`, '-j', 'REDIRECT', to, AGENT_DNS_PORT);
    }
    for (const s of cfg.dnsServersV6) {
      rs.appendV6('nat', CHAIN.OUTPUT_DNS, '-p', proto, '--dport', '53', '-d', `${s}/128`, '-j', 'REDIRECT', to, AGENT_DNS_PORT);
    }
  }
  // Separate conntrack zones for proxy↔upstream-resolver and app↔proxy DNS, so the two UDP flows
  // with the same tuple never collide.
  for (const [owner, ids] of [['--uid-owner', cfg.proxyUid], ['--gid-owner', cfg.proxyGid]] as const) {
    for (const id of splitList(ids)) {
      rs.append('raw', CHAIN.OUTPUT_DNS, '-p', 'udp', '--dport', '53', '-m', 'owner', owner, id, '-j', 'CT', '--zone', '1');
      rs.append('raw', CHAIN.OUTPUT_DNS, '-p', 'udp', '--sport', AGENT_DNS_PORT, '-m', 'owner', owner, id, '-j', 'CT', '--zone', '2');
    }
  }
  if (all) {
    rs.append('raw', 'PREROUTING', '-j', CHAIN.INBOUND);
    rs.append('raw', CHAIN.OUTPUT_DNS, '-p', 'udp', '--dport', '53', '-j', 'CT', '--zone', '2');
    rs.append('raw', CHAIN.INBOUND, '-p', 'udp', '--sport', '53', '-j', 'CT', '--zone', '1');
    return;
  }
  if (cfg.dnsServersV4.length > 0) rs.appendV4('raw', 'PREROUTING', '-j', CHAIN.INBOUND);
  for (const s of cfg.dnsServersV4) {
    rs.appendV4('raw', CHAIN.OUTPUT_DNS, '-p', 'udp', '--dport', '53', '-d', `${s}/32`, '-j', 'CT', '--zone', '2');
    rs.appendV4('raw', CHAIN.INBOUND, '-p', 'udp', '--sport', '53', '-s', `${s}/32`, '-j', 'CT', '--zone', '1');
  }
  if (cfg.dnsServersV6.length > 0) rs.appendV6('raw', 'PREROUTING', '-j', CHAIN.INBOUND);
  for (const s of cfg.dnsServersV6) {
    rs.appendV6('raw', CHAIN.OUTPUT_DNS, '-p', 'udp', '--dport', '53', '-d', `${s}/128`, '-j', 'CT', '--zone', '2');
    rs.appendV6('raw', CHAIN.INBOUND, '-p', 'udp', '--sport', '53', '-s', `${s}/128`, '-j', 'CT', '--zone', '1');
  }
}

function outboundInclude(rs: RuleSet, ranges: Ranges, cfg: CaptureConfig, family: 'v4' | 'v6'): void {
  const append = (...p: string[]): unknown => (family === 'v4' ? rs.appendV4('nat', CHAIN.OUTPUT, ...p) : rs.appendV6('nat', CHAIN.OUTPUT, ...p));
  const insert = (...p: string[]): unknown => (family === 'v4' ? rs.insertV4('nat', 'PREROUTING', 1, ...p) : rs.insertV6('nat', 'PREROUTING', 1, ...p));
  const nics = splitList(cfg.rerouteVirtualInterfaces);
  if (ranges.wildcard) {
    append('-j', CHAIN.REDIRECT);
    for (const nic of nics) insert('-i', nic, '-j', CHAIN.REDIRECT);
    return;
  }
  for (const cidr of ranges.cidrs) {
    for (const nic of nics) insert('-i', nic, '-d', cidr, '-j', CHAIN.REDIRECT);
    append('-d', cidr, '-j', CHAIN.REDIRECT);
  }
}

function tproxyMarks(rs: RuleSet, cfg: CaptureConfig, loop4: string): void {
  const mark = cfg.inboundTproxyMark;
  // Keep the mark of the proxy's original-source connections on the whole connection.
  rs.append('mangle', 'PREROUTING', '-p', 'tcp', '-m', 'mark', '--mark', mark, '-j', 'CONNMARK', '--save-mark');
  rs.append('mangle', 'OUTPUT', '-p', 'tcp', '-o', 'lo', '-m', 'mark', '--mark', mark, '-j', 'RETURN');
  for (const [owner, ids] of [['--uid-owner', cfg.proxyUid], ['--gid-owner', cfg.proxyGid]] as const) {
    for (const id of splitList(ids)) {
      rs.appendVersioned(loop4, V6_LOOPBACK, 'mangle', 'OUTPUT', '!', '-d', ADDR, '-p', 'tcp', '-o', 'lo',
        '-m', 'owner', owner, id, '-j', 'MARK', '--set-mark', OUTBOUND_MARK);
    }
  }
  rs.append('mangle', 'OUTPUT', '-p', 'tcp', '-m', 'connmark', '--mark', mark, '-j', 'CONNMARK', '--restore-mark');
  rs.insert('mangle', CHAIN.INBOUND, 1, '-p', 'tcp', '-m', 'mark', '--mark', mark, '-j', 'RETURN');
  rs.insertV4('mangle', CHAIN.INBOUND, 2, '-p', 'tcp', '-s', INBOUND_PASSTHROUGH_SOURCE.v4, '-i', 'lo', '-j', 'RETURN');
  rs.insertV6('mangle', CHAIN.INBOUND, 2, '-p', 'tcp', '-s', INBOUND_PASSTHROUGH_SOURCE.v6, '-i', 'lo', '-j', 'RETURN');
  rs.insert('mangle', CHAIN.INBOUND, 3, '-p', 'tcp', '-i', 'lo', '-m', 'mark', '!', '--mark', OUTBOUND_MARK, '-j', 'RETURN');
}

/** `--dport P` for one port, `-m multiport --dports a,b,...` (≤ 15 slots each) for several. */
function portGroups(list: string): string[][] {
  const ports = splitList(list);
  if (ports.length === 0) return [];
  if (ports.length === 1) return [['--dport', ports[0]]];
  const groups: string[][] = [];
  let cur: string[] = [];
  let slots = 0;
  for (const p of ports) {
    const w = p.includes(':') ? 2 : 1; // a range takes two of multiport's 15 slots
    if (slots + w > 15) {
      groups.push(cur);
      cur = [];
      slots = 0;
    }
    cur.push(p);
    slots += w;
  }
  groups.push(cur);
  return groups.map((g) => (g.length === 1 ? ['--dport', g[0]] : ['-m', 'multiport', '--dports', g.join(',')]));
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function splitRanges(list: string, warnings: string[]): [Ranges, Ranges] {
  if (list.trim() === '*') {
    const all: Ranges = { wildcard: true, cidrs: [], hasLoopback: false };
    return [all, all];
  }
  const v4: string[] = [];
  const v6: string[] = [];
  let loop4 = false;
  let loop6 = false;
  for (const item of splitList(list)) {
    const m4 = IPV4_CIDR.exec(item);
    if (m4 && m4.slice(1, 5).every((o) => Number(o) <= 255) && Number(m4[5]) <= 32) {
      v4.push(item);
      if (m4[1] === '127') loop4 = true;
      continue;
    }
    const slash = item.lastIndexOf('/');
    const addr = slash < 0 ? '' : item.slice(0, slash);
    const bits = slash < 0 ? NaN : Number(item.slice(slash + 1));
    if (addr.includes(':') && isIpv6(addr) && Number.isInteger(bits) && bits >= 0 && bits <= 128) {
      v6.push(item);
      if (expandIpv6(addr) === '0000:0000:0000:0000:0000:0000:0000:0001') loop6 = true;
      continue;
    }
    warnings.push(`ignoring invalid CIDR "${item}" (as Istio does, for compatibility)`);
  }
  return [
    { wildcard: false, cidrs: v4, hasLoopback: loop4 },
    { wildcard: false, cidrs: v6, hasLoopback: loop6 },
  ];
}

function isIpv6(a: string): boolean {
  return expandIpv6(a) !== undefined;
}

function expandIpv6(a: string): string | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(a)) return undefined;
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return groups.map((g) => g.padStart(4, '0').toLowerCase()).join(':');
}
