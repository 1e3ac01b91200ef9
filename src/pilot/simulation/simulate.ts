// Walks generated Envoy config the way Envoy handles a connection or request: listener by
// address/port (then the 0.0.0.0 listener, then virtualOutbound's fallback), filter chain by
// Envoy's match criteria, then tcp_proxy → cluster or HCM → route config → virtual host (exact,
// then suffix and prefix wildcards, then `*`) → first matching route → action. Used by tests to
// prove "a request to X goes to cluster Y" instead of reading golden files.
import type { Cluster, ClusterLoadAssignment, FilterChain, Listener, RouteConfiguration, VirtualHost, Route } from '../../xds-api/index.js';
import { fullMatchRe2 } from '../../shared/re2.js';

export interface SimRequest {
  /** Destination address the client dialled (a VIP or pod IP); 0.0.0.0 matches wildcard listeners only. */
  address?: string;
  port: number;
  /** HTTP when set (Host header); TCP otherwise. */
  host?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  sni?: string;
  tls?: boolean;
  /** `:scheme` of an HTTP request (default http). */
  scheme?: string;
  /** Inbound traffic: walk `virtualInbound` (what iptables redirects to 15006) instead of outbound listeners. */
  inbound?: boolean;
}

export interface SimResult {
  listener?: string;
  filterChain?: string;
  routeConfig?: string;
  virtualHost?: string;
  route?: string;
  cluster?: string;
  weightedClusters?: { name: string; weight: number }[];
  redirect?: Record<string, unknown>;
  directResponse?: number;
  error?: string;
  /** The route that matched (for its action's timeout, retries, hash policy, mirrors, rewrites...). */
  matchedRoute?: Route;
  /** The chosen cluster's CDS resource, when the simulation was given clusters; undefined: not generated (503 NC). */
  clusterConfig?: Cluster;
  /** `address:port` of the chosen cluster's endpoints (EDS, or inline for DNS/STATIC clusters). */
  endpoints?: string[];
}

type AnyRecord = Record<string, any>;

function ipInCidr(ip: string, prefix: string, len: number): boolean {
  if (ip.includes(':') || prefix.includes(':')) return len === 0 || ip === prefix;
  const n = (s: string) => s.split('.').reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
  if (len === 0) return true;
  const mask = len === 32 ? 0xffffffff : (~((1 << (32 - len)) - 1)) >>> 0;
  return (n(ip) & mask) === (n(prefix) & mask);
}

function chainMatches(c: FilterChain, req: SimRequest, alpn: string[]): number {
  const m = (c.filter_chain_match ?? {}) as AnyRecord;
  let score = 0;
  if (m.destination_port) {
    if (m.destination_port.value !== req.port) return -1;
    score += 16;
  }
  if (m.prefix_ranges?.length) {
    if (!m.prefix_ranges.some((r: AnyRecord) => ipInCidr(req.address ?? '0.0.0.0', r.address_prefix, r.prefix_len?.value ?? 32))) return -1;
    score += 8;
  }
  if (m.server_names?.length) {
    const sni = req.sni ?? '';
    const ok = m.server_names.some((s: string) => s === sni || (s.startsWith('*.') && sni.endsWith(s.slice(1))));
    if (!ok) return -1;
    score += 4;
  }
  if (m.transport_protocol) {
    if (m.transport_protocol !== (req.tls ? 'tls' : 'raw_buffer')) return -1;
    score += 2;
  }
  if (m.application_protocols?.length) {
    if (!m.application_protocols.some((a: string) => alpn.includes(a))) return -1;
    score += 1;
  }
  return score;
}

function selectChain(l: Listener, req: SimRequest): FilterChain | undefined {
  const alpn = req.host !== undefined && !req.tls ? ['http/1.1'] : [];
  let best: FilterChain | undefined;
  let bestScore = -1;
  for (const c of l.filter_chains ?? []) {
    const s = chainMatches(c, req, alpn);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best ?? l.default_filter_chain ?? undefined;
}

function selectVirtualHost(rc: RouteConfiguration, host: string): VirtualHost | undefined {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const vhs = rc.virtual_hosts ?? [];
  const exact = vhs.find((v) => v.domains?.some((d) => d.toLowerCase() === h));
  if (exact) return exact;
  let best: VirtualHost | undefined;
  let bestLen = -1;
  for (const v of vhs) {
    for (const d of v.domains ?? []) {
      if (d.startsWith('*') && d.length > 1 && h.endsWith(d.slice(1)) && d.length > bestLen) {
        best = v;
        bestLen = d.length;
      }
    }
  }
  if (best) return best;
  for (const v of vhs) {
    for (const d of v.domains ?? []) if (d.endsWith('*') && d.length > 1 && h.startsWith(d.slice(0, -1))) return v;
  }
  return vhs.find((v) => v.domains?.includes('*'));
}

function stringMatch(sm: AnyRecord, value: string): boolean {
  if (sm.exact !== undefined) return value === sm.exact;
  if (sm.prefix !== undefined) return value.startsWith(sm.prefix);
  if (sm.safe_regex) return fullMatchRe2(sm.safe_regex.regex).test(value);
  return true;
}

function routeMatches(r: Route, req: SimRequest): boolean {
  const m = (r.match ?? {}) as AnyRecord;
  const full = req.path ?? '/';
  const [pathOnly, query = ''] = full.split('?');
  const cs = m.case_sensitive?.value !== false;
  const p = cs ? pathOnly : pathOnly.toLowerCase();
  if (m.path !== undefined && p !== (cs ? m.path : m.path.toLowerCase())) return false;
  if (m.prefix !== undefined && !p.startsWith(cs ? m.prefix : m.prefix.toLowerCase())) return false;
  if (m.safe_regex && !fullMatchRe2(m.safe_regex.regex).test(pathOnly)) return false;
  const headers: Record<string, string> = { ':method': req.method ?? 'GET', ':authority': req.host ?? '', ':scheme': req.scheme ?? 'http', ':path': full };
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  for (const h of (m.headers ?? []) as AnyRecord[]) {
    const v = headers[h.name.toLowerCase()];
    let ok: boolean;
    if (h.present_match) ok = v !== undefined;
    else if (v === undefined) ok = h.treat_missing_header_as_empty ? stringMatch(h.string_match ?? {}, '') : false;
    else ok = stringMatch(h.string_match ?? {}, v);
    if (h.invert_match) ok = !ok;
    if (!ok) return false;
  }
  const params = new URLSearchParams(query);
  for (const q of (m.query_parameters ?? []) as AnyRecord[]) {
    const v = params.get(q.name);
    if (v === null) return false;
    if (!q.present_match && !stringMatch(q.string_match ?? {}, v)) return false;
  }
  return true;
}

export class Simulation {
  private readonly routes: Map<string, RouteConfiguration>;
  private readonly clusters: Map<string, Cluster>;
  private readonly assignments: Map<string, ClusterLoadAssignment>;
  constructor(
    private readonly listeners: readonly Listener[], routes: readonly RouteConfiguration[],
    clusters: readonly Cluster[] = [], endpoints: readonly ClusterLoadAssignment[] = [],
  ) {
    this.routes = new Map(routes.map((r) => [r.name ?? '', r]));
    this.clusters = new Map(clusters.map((c) => [c.name ?? '', c]));
    this.assignments = new Map(endpoints.map((e) => [e.cluster_name ?? '', e]));
  }

  /** The CDS resource named `name`. */
  cluster(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  /** The ClusterLoadAssignment EDS serves for `name`. */
  assignment(name: string): ClusterLoadAssignment | undefined {
    return this.assignments.get(name);
  }

  /** A cluster's endpoints as `address:port`, in EDS order (locality groups, then endpoints). */
  endpointsOf(name: string): string[] | undefined {
    const c = this.clusters.get(name);
    if (!c) return undefined;
    const cla = c.type === 'EDS' ? this.assignments.get(c.eds_cluster_config?.service_name ?? name) : c.load_assignment;
    if (!cla) return [];
    return (cla.endpoints ?? []).flatMap((g) => (g.lb_endpoints ?? []).map((e) => {
      const sa = (e.endpoint?.address as AnyRecord | undefined)?.socket_address;
      const pipe = (e.endpoint?.address as AnyRecord | undefined)?.pipe;
      return sa ? `${sa.address}:${sa.port_value}` : `unix://${pipe?.path}`;
    }));
  }

  private withCluster(out: SimResult): SimResult {
    if (out.cluster === undefined || this.clusters.size === 0) return out;
    const cfg = this.clusters.get(out.cluster);
    return cfg ? { ...out, clusterConfig: cfg, endpoints: this.endpointsOf(out.cluster) } : out;
  }

  private listenerFor(req: SimRequest): Listener | undefined {
    if (req.inbound) return this.listeners.find((l) => l.name === 'virtualInbound');
    const at = (addr: string) => this.listeners.find((l) => {
      const sa = (l.address as AnyRecord | undefined)?.socket_address;
      return sa?.address === addr && sa?.port_value === req.port && l.name !== 'virtualOutbound' && l.name !== 'virtualInbound';
    });
    return (req.address ? at(req.address) : undefined) ?? at('0.0.0.0') ?? this.listeners.find((l) => l.name === 'virtualOutbound');
  }

  run(req: SimRequest): SimResult {
    return this.withCluster(this.walk(req));
  }

  private walk(req: SimRequest): SimResult {
    const l = this.listenerFor(req);
    if (!l) return { error: 'no listener' };
    const out: SimResult = { listener: l.name };
    const chain = selectChain(l, req);
    if (!chain) return { ...out, error: 'no filter chain' };
    if (chain.name) out.filterChain = chain.name;
    for (const f of (chain.filters ?? []) as AnyRecord[]) {
      const tc = f.typed_config as AnyRecord;
      if (f.name === 'envoy.filters.network.tcp_proxy') {
        if (tc.cluster) out.cluster = tc.cluster;
        else out.weightedClusters = tc.weighted_clusters.clusters;
        return out;
      }
      if (f.name === 'envoy.filters.network.http_connection_manager') {
        if (req.host === undefined) return { ...out, error: 'TCP traffic reached an HTTP chain' };
        const rc: RouteConfiguration | undefined = tc.rds ? this.routes.get(tc.rds.route_config_name) : tc.route_config;
        if (!rc) return { ...out, error: `route config ${tc.rds?.route_config_name} not found` };
        out.routeConfig = rc.name;
        const vh = selectVirtualHost(rc, req.host);
        if (!vh) return { ...out, error: 'no virtual host (404 NR)' };
        out.virtualHost = vh.name;
        const r = (vh.routes ?? []).find((x) => routeMatches(x, req));
        if (!r) return { ...out, error: 'no route (404 NR)' };
        if (r.name) out.route = r.name;
        out.matchedRoute = r;
        if (r.route) {
          if (r.route.cluster) out.cluster = r.route.cluster;
          else out.weightedClusters = (r.route.weighted_clusters?.clusters ?? []).map((c) => ({ name: c.name!, weight: Number((c.weight as AnyRecord)?.value ?? 0) }));
        } else if (r.redirect) out.redirect = r.redirect as Record<string, unknown>;
        else if (r.direct_response) out.directResponse = r.direct_response.status;
        return out;
      }
    }
    return { ...out, error: 'no terminal filter' };
  }
}
