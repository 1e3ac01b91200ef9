// istio-iptables's configuration: Istio's flags (short and long names), their environment
// fallbacks and defaults, parsed into one immutable value that the rule generator reads.
import { istioError } from '../shared/index.js';

export type InterceptionMode = 'REDIRECT' | 'TPROXY';

export interface CaptureConfig {
  /** `-p`: outbound capture port (the proxy's virtualOutbound listener). */
  readonly proxyPort: string;
  /** `-z`: inbound capture port (virtualInbound). */
  readonly inboundCapturePort: string;
  /** `-e`: HBONE tunnel port, never captured inbound. */
  readonly inboundTunnelPort: string;
  /** `-u`: UIDs whose traffic is never captured (the proxy's own), comma separated. */
  readonly proxyUid: string;
  /** `-g`: GIDs likewise; defaults to the UID list, as Istio does. */
  readonly proxyGid: string;
  /** `-m` */
  readonly mode: InterceptionMode;
  /** `-b`: `*`, a port list, or empty (no inbound capture). */
  readonly inboundPortsInclude: string;
  /** `-d`: ports never captured inbound (only with `-b '*'`). */
  readonly inboundPortsExclude: string;
  /** `-i`: `*`, CIDR list, or empty (no outbound capture). */
  readonly outboundIpRangesInclude: string;
  /** `-x` */
  readonly outboundIpRangesExclude: string;
  /** `-q` */
  readonly outboundPortsInclude: string;
  /** `-o` */
  readonly outboundPortsExclude: string;
  /** `-k`: interfaces whose inbound traffic is treated as outbound (VMs behind this host). */
  readonly rerouteVirtualInterfaces: string;
  /** `-c`: interfaces never captured in either direction. */
  readonly excludeInterfaces: string;
  /** `-t` */
  readonly inboundTproxyMark: string;
  /** `-r` */
  readonly inboundTproxyRouteTable: string;
  /** ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR */
  readonly hostIpv4LoopbackCidr: string;
  /** ISTIO_OUTBOUND_OWNER_GROUPS / ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE */
  readonly ownerGroupsInclude: string;
  readonly ownerGroupsExclude: string;
  readonly redirectDns: boolean;
  readonly captureAllDns: boolean;
  /** DNS servers from /etc/resolv.conf, used when redirectDns && !captureAllDns. */
  readonly dnsServersV4: readonly string[];
  readonly dnsServersV6: readonly string[];
  readonly dropInvalid: boolean;
  /** IPv6 rules (ip6tables-restore) are generated and applied. */
  readonly enableIpv6: boolean;
  readonly dryRun: boolean;
  /** `--cleanup-only` or the `clean` sub-command. */
  readonly cleanupOnly: boolean;
}

/** Ports the sidecar injector always excludes from inbound capture: stats, readiness, agent. */
export const ALWAYS_EXCLUDED_INBOUND_PORTS = ['15090', '15021', '15020'] as const;

export const DEFAULT_CONFIG: CaptureConfig = {
  proxyPort: '15001',
  inboundCapturePort: '15006',
  inboundTunnelPort: '15008',
  proxyUid: '1337',
  proxyGid: '1337',
  mode: 'REDIRECT',
  inboundPortsInclude: '',
  inboundPortsExclude: ALWAYS_EXCLUDED_INBOUND_PORTS.join(','),
  outboundIpRangesInclude: '',
  outboundIpRangesExclude: '',
  outboundPortsInclude: '',
  outboundPortsExclude: '',
  rerouteVirtualInterfaces: '',
  excludeInterfaces: '',
  inboundTproxyMark: '1337',
  inboundTproxyRouteTable: '133',
  hostIpv4LoopbackCidr: '127.0.0.1/32',
  ownerGroupsInclude: '*',
  ownerGroupsExclude: '',
  redirectDns: false,
  captureAllDns: false,
  dnsServersV4: [],
  dnsServersV6: [],
  dropInvalid: false,
  enableIpv6: false,
  dryRun: false,
  cleanupOnly: false,
};

interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  /** Environment variable read when the flag is absent (Istio binds them through viper). */
  readonly env?: string;
  readonly bool?: boolean;
  readonly help: string;
}

export const FLAGS: readonly FlagSpec[] = [
  { long: 'envoy-port', short: 'p', env: 'ENVOY_PORT', help: 'port to which all outbound TCP traffic is redirected (default 15001)' },
  { long: 'inbound-capture-port', short: 'z', env: 'INBOUND_CAPTURE_PORT', help: 'port to which all inbound TCP traffic is redirected (default 15006)' },
  { long: 'inbound-tunnel-port', short: 'e', env: 'INBOUND_TUNNEL_PORT', help: 'tunnel port that inbound capture skips (default 15008)' },
  { long: 'proxy-uid', short: 'u', env: 'PROXY_UID', help: 'UID(s) whose traffic is not captured; the proxy runs as it (default 1337)' },
  { long: 'proxy-gid', short: 'g', env: 'PROXY_GID', help: 'GID(s) whose traffic is not captured (default: the -u value)' },
  { long: 'istio-inbound-interception-mode', short: 'm', env: 'INBOUND_INTERCEPTION_MODE', help: 'REDIRECT or TPROXY' },
  { long: 'istio-inbound-ports', short: 'b', env: 'ISTIO_INBOUND_PORTS', help: "inbound ports to capture, '*' for all; empty disables inbound capture" },
  { long: 'istio-local-exclude-ports', short: 'd', env: 'ISTIO_LOCAL_EXCLUDE_PORTS', help: "inbound ports not captured with -b '*' (15090,15021,15020 always)" },
  { long: 'istio-service-cidr', short: 'i', env: 'ISTIO_SERVICE_CIDR', help: "outbound CIDRs to capture, '*' for all; empty disables outbound capture" },
  { long: 'istio-service-exclude-cidr', short: 'x', env: 'ISTIO_SERVICE_EXCLUDE_CIDR', help: 'outbound CIDRs never captured' },
  { long: 'istio-outbound-ports', short: 'q', env: 'ISTIO_OUTBOUND_PORTS', help: 'outbound ports always captured' },
  { long: 'istio-local-outbound-ports-exclude', short: 'o', env: 'ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE', help: 'outbound ports never captured' },
  { long: 'kube-virt-interfaces', short: 'k', env: 'KUBE_VIRT_INTERFACES', help: 'interfaces whose inbound traffic is captured as outbound' },
  { long: 'istio-exclude-interfaces', short: 'c', env: 'ISTIO_EXCLUDE_INTERFACES', help: 'interfaces never captured' },
  { long: 'istio-inbound-tproxy-mark', short: 't', env: 'INBOUND_TPROXY_MARK', help: 'packet mark for TPROXY (default 1337)' },
  { long: 'istio-inbound-tproxy-route-table', short: 'r', env: 'INBOUND_TPROXY_ROUTE_TABLE', help: 'routing table for TPROXY (default 133)' },
  { long: 'dry-run', short: 'n', bool: true, help: 'print the rules in iptables-restore form; change nothing' },
  { long: 'redirect-dns', env: 'ISTIO_META_DNS_CAPTURE', bool: true, help: 'capture DNS (port 53) to the agent on 15053' },
  { long: 'capture-all-dns', bool: true, help: 'with --redirect-dns: capture port 53 to any server, not only resolv.conf ones' },
  { long: 'drop-invalid', env: 'INVALID_DROP', bool: true, help: 'drop conntrack-INVALID packets instead of resetting' },
  { long: 'dual-stack', env: 'ISTIO_AGENT_DUAL_STACK', bool: true, help: 'generate IPv6 rules too (also on when the host address is IPv6)' },
  { long: 'cleanup-only', bool: true, help: 'remove the rules instead of adding them (same as the clean sub-command)' },
];

export interface ParsedArgs {
  readonly config: CaptureConfig;
  readonly help: boolean;
}

export interface ParseContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether the host's first non-loopback address is IPv6 (Istio turns IPv6 rules on then). */
  readonly hostIsIpv6: boolean;
  /** Nameservers from /etc/resolv.conf, read only when DNS redirection needs them. */
  readonly resolvConf: () => string;
}

function truthy(v: string): boolean {
  return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

/** Parses istio-iptables argv (after the sub-command). Throws ISTS_USAGE on bad input. */
export function parseArgs(argv: readonly string[], ctx: ParseContext): ParsedArgs {
  const values = new Map<string, string>();
  let help = false;
  let cleanupOnly = false;
  const rest = [...argv];
  if (rest[0] === 'clean') {
    cleanupOnly = true;
    rest.shift();
  }
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length >= 2) {
      name = arg.slice(1, 2);
      inline = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined;
    } else {
      throw istioError('ISTS_USAGE', `istio-iptables: unexpected argument "${arg}"`);
    }
    const spec = FLAGS.find((f) => f.long === name || f.short === name);
    if (!spec) throw istioError('ISTS_USAGE', `istio-iptables: unknown flag "${arg}"`);
    if (spec.bool) {
      values.set(spec.long, inline ?? 'true');
      continue;
    }
    const v = inline ?? rest[++i];
    if (v === undefined) throw istioError('ISTS_USAGE', `istio-iptables: flag "${arg}" needs a value`);
    values.set(spec.long, v);
  }
  const get = (long: string): string | undefined => {
    const v = values.get(long);
    if (v !== undefined) return v;
    const spec = FLAGS.find((f) => f.long === long);
    const e = spec?.env ? ctx.env[spec.env] : undefined;
    return e === undefined || e === '' ? undefined : e;
  };
  const bool = (long: string): boolean => {
    const v = get(long);
    return v !== undefined && truthy(v);
  };
  const d = DEFAULT_CONFIG;

  const modeRaw = (get('istio-inbound-interception-mode') ?? 'REDIRECT').toUpperCase();
  if (modeRaw !== 'REDIRECT' && modeRaw !== 'TPROXY') {
    throw istioError('ISTS_USAGE', `istio-iptables: -m must be REDIRECT or TPROXY, got "${modeRaw}"`);
  }
  const proxyUid = get('proxy-uid') ?? d.proxyUid;
  const userExclude = splitList(get('istio-local-exclude-ports') ?? '');
  const inboundPortsExclude = [...new Set([...ALWAYS_EXCLUDED_INBOUND_PORTS, ...userExclude])].join(',');
  const redirectDns = bool('redirect-dns');
  const captureAllDns = bool('capture-all-dns');
  const dnsServersV4: string[] = [];
  const dnsServersV6: string[] = [];
  if (redirectDns && !captureAllDns) {
    for (const s of nameservers(ctx.resolvConf())) (s.includes(':') ? dnsServersV6 : dnsServersV4).push(s);
  }
  const config: CaptureConfig = {
    ...d,
    proxyPort: port(get('envoy-port') ?? d.proxyPort, '-p'),
    inboundCapturePort: port(get('inbound-capture-port') ?? d.inboundCapturePort, '-z'),
    inboundTunnelPort: port(get('inbound-tunnel-port') ?? d.inboundTunnelPort, '-e'),
    proxyUid,
    proxyGid: get('proxy-gid') ?? proxyUid,
    mode: modeRaw,
    inboundPortsInclude: portList(get('istio-inbound-ports') ?? '', '-b', true),
    inboundPortsExclude: portList(inboundPortsExclude, '-d', false),
    outboundIpRangesInclude: get('istio-service-cidr') ?? '',
    outboundIpRangesExclude: get('istio-service-exclude-cidr') ?? '',
    outboundPortsInclude: portList(get('istio-outbound-ports') ?? '', '-q', false),
    outboundPortsExclude: portList(get('istio-local-outbound-ports-exclude') ?? '', '-o', false),
    rerouteVirtualInterfaces: get('kube-virt-interfaces') ?? '',
    excludeInterfaces: get('istio-exclude-interfaces') ?? '',
    inboundTproxyMark: get('istio-inbound-tproxy-mark') ?? d.inboundTproxyMark,
    inboundTproxyRouteTable: get('istio-inbound-tproxy-route-table') ?? d.inboundTproxyRouteTable,
    hostIpv4LoopbackCidr: ctx.env.ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR || d.hostIpv4LoopbackCidr,
    ownerGroupsInclude: ctx.env.ISTIO_OUTBOUND_OWNER_GROUPS || d.ownerGroupsInclude,
    ownerGroupsExclude: ctx.env.ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE || d.ownerGroupsExclude,
    redirectDns,
    captureAllDns,
    dnsServersV4,
    dnsServersV6,
    dropInvalid: bool('drop-invalid'),
    enableIpv6: bool('dual-stack') || ctx.hostIsIpv6,
    dryRun: bool('dry-run'),
    cleanupOnly: cleanupOnly || bool('cleanup-only'),
  };
  if (config.outboundIpRangesExclude.trim() === '*') {
    throw istioError('ISTS_USAGE', 'istio-iptables: invalid value for -x (OUTBOUND_IP_RANGES_EXCLUDE): "*"');
  }
  return { config, help };
}

export function splitList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function port(v: string, flag: string): string {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
    throw istioError('ISTS_USAGE', `istio-iptables: ${flag} must be a port number (1-65535), got "${v}"`);
  }
  return v;
}

function portList(v: string, flag: string, wildcard: boolean): string {
  if (v.trim() === '*' && wildcard) return '*';
  const parts = splitList(v);
  for (const p of parts) {
    const range = p.split(':');
    if (range.length > 2 || range.some((x) => !/^\d+$/.test(x) || Number(x) > 65535)) {
      throw istioError('ISTS_USAGE', `istio-iptables: ${flag} takes comma-separated ports${wildcard ? " or '*'" : ''}, got "${p}"`);
    }
  }
  return parts.join(',');
}

function nameservers(resolvConf: string): string[] {
  const out: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]);
  }
  return out;
}

export function usage(): string {
  const lines = [
    'Usage: pilot-agent istio-iptables [clean] [flags]',
    '',
    "Sets up Istio's traffic capture (iptables) for a sidecar; `clean` removes it.",
    '',
    'Flags:',
  ];
  for (const f of FLAGS) {
    const names = f.short ? `-${f.short}, --${f.long}` : `    --${f.long}`;
    lines.push(`  ${names.padEnd(44)} ${f.help}${f.env ? ` [$${f.env}]` : ''}`);
  }
  return lines.join('\n') + '\n';
}
