// A RouteConfiguration compiled once per config version into a lookup the hot path can run
// without allocating: virtual host by authority, then the first route whose path, header and
// query matchers all accept the request.
import { compileRe2, fullMatchRe2, type Re2 } from '../../shared/index.js';
import type {
  RedirectAction, Route, RouteConfiguration, RouteMatch, VirtualHost, WeightedCluster,
} from '../config/types.js';
import type { RequestHeaders } from '../http1/headers.js';
import { compileHeaderMatcher, compileQueryMatcher, parseQuery, type HeaderPredicate, type QueryPredicate } from './header-matcher.js';
import { HeaderMutation } from './header-ops.js';
import { compileRoutePolicies, type RoutePolicies } from './route-policies.js';
import { VirtualHostIndex } from './virtual-hosts.js';

/** Envoy's default route timeout. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export interface CompiledWeightedCluster {
  readonly name: string;
  readonly weight: number;
  readonly requestHeaders: HeaderMutation;
  readonly responseHeaders: HeaderMutation;
}

export type CompiledAction =
  | { readonly kind: 'cluster'; readonly cluster: string }
  | { readonly kind: 'weighted'; readonly clusters: readonly CompiledWeightedCluster[]; readonly totalWeight: number }
  | { readonly kind: 'redirect'; readonly redirect: RedirectAction }
  | { readonly kind: 'direct'; readonly status: number; readonly body: string };

export interface CompiledRoute {
  readonly name: string;
  readonly action: CompiledAction;
  readonly timeoutMs: number;
  /** Set when the route honours the request's `grpc-timeout` (0 = uncapped). */
  readonly grpcTimeoutHeaderMaxMs: number | undefined;
  readonly hostRewrite: string | undefined;
  /** The literal prefix (or exact path) the route matched on, for redirect prefix rewrites. */
  readonly matchedPrefix: string | undefined;
  /** Returns the new path (query kept) or undefined when the route rewrites nothing. */
  readonly rewritePath: ((path: string, query: string) => string) | undefined;
  /** Route, virtual host and route configuration mutations, applied in that order. */
  readonly requestHeaders: readonly HeaderMutation[];
  readonly responseHeaders: readonly HeaderMutation[];
  readonly virtualHost: string;
  /** Retries, hash policies, mirrors, per-route fault/CORS; undefined when the route has none. */
  readonly policies: RoutePolicies | undefined;
}

interface RouteEntry {
  readonly matchPath: (path: string) => boolean;
  readonly headers: readonly HeaderPredicate[];
  readonly query: readonly QueryPredicate[];
  readonly route: CompiledRoute;
}

export interface CompiledVirtualHost {
  readonly name: string;
  readonly entries: readonly RouteEntry[];
  readonly needsQuery: boolean;
  /** Answered before any route matches when TLS is required and the request is plaintext. */
  readonly tlsRedirect?: { readonly externalOnly: boolean; readonly route: CompiledRoute };
}

function compilePathMatch(m: RouteMatch): { test: (path: string) => boolean; prefix?: string; exact?: string; regex?: Re2 } {
  const cs = m.caseSensitive !== false;
  const fold = (s: string): string => (cs ? s : s.toLowerCase());
  if (m.prefix !== undefined) {
    const p = fold(m.prefix);
    return { test: cs ? (path) => path.startsWith(p) : (path) => path.toLowerCase().startsWith(p), prefix: m.prefix };
  }
  if (m.path !== undefined) {
    const p = fold(m.path);
    return { test: cs ? (path) => path === p : (path) => path.toLowerCase() === p, exact: m.path };
  }
  if (m.pathSeparatedPrefix !== undefined) {
    const p = fold(m.pathSeparatedPrefix);
    const test = (path: string): boolean => {
      const x = cs ? path : path.toLowerCase();
      return x === p || (x.startsWith(p) && x.charCodeAt(p.length) === 0x2f);
    };
    return { test, prefix: m.pathSeparatedPrefix };
  }
  if (m.safeRegex !== undefined) {
    const re = fullMatchRe2(m.safeRegex.regex);
    return { test: (path) => re.test(path), regex: re };
  }
  throw new Error('route match names none of prefix, path, pathSeparatedPrefix, safeRegex');
}

/** Envoy's substitution syntax uses `\1`; RE2's JS binding uses `$1`. */
function toJsSubstitution(sub: string): string {
  return sub.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}

function compileRewrite(r: Route, path: ReturnType<typeof compilePathMatch>): CompiledRoute['rewritePath'] {
  const a = r.route;
  if (a === undefined) return undefined;
  if (a.prefixRewrite !== undefined) {
    const replacement = a.prefixRewrite;
    const cut = path.prefix?.length ?? path.exact?.length;
    if (cut === undefined) throw new Error('prefixRewrite needs a prefix, path or pathSeparatedPrefix match');
    return (p, q) => replacement + p.slice(cut) + q;
  }
  if (a.regexRewrite !== undefined) {
    const r2 = compileRe2(a.regexRewrite.pattern.regex, 'gu');
    if ('error' in r2) throw new Error(`invalid regexRewrite ${JSON.stringify(a.regexRewrite.pattern.regex)}: ${r2.error}`);
    const sub = toJsSubstitution(a.regexRewrite.substitution);
    return (p, q) => r2.re.replace(p, sub) + q;
  }
  return undefined;
}

function compileWeighted(w: WeightedCluster): CompiledWeightedCluster {
  return {
    name: w.name,
    weight: w.weight,
    requestHeaders: HeaderMutation.of(w.requestHeadersToAdd, w.requestHeadersToRemove),
    responseHeaders: HeaderMutation.of(w.responseHeadersToAdd, w.responseHeadersToRemove),
  };
}

function compileAction(r: Route): CompiledAction {
  if (r.directResponse !== undefined) {
    return { kind: 'direct', status: r.directResponse.status, body: r.directResponse.body?.inlineString ?? '' };
  }
  if (r.redirect !== undefined) return { kind: 'redirect', redirect: r.redirect };
  const a = r.route;
  if (a?.cluster !== undefined) return { kind: 'cluster', cluster: a.cluster };
  if (a?.weightedClusters !== undefined) {
    const clusters = a.weightedClusters.clusters.map(compileWeighted);
    const totalWeight = clusters.reduce((s, c) => s + c.weight, 0);
    if (totalWeight <= 0) throw new Error('weightedClusters: total weight must be positive');
    return { kind: 'weighted', clusters, totalWeight };
  }
  throw new Error('route has none of route.cluster, route.weightedClusters, redirect, directResponse');
}

function compileVirtualHost(vh: VirtualHost, rc: RouteConfiguration): CompiledVirtualHost {
  const vhReq = HeaderMutation.of(vh.requestHeadersToAdd, vh.requestHeadersToRemove);
  const vhResp = HeaderMutation.of(vh.responseHeadersToAdd, vh.responseHeadersToRemove);
  const rcReq = HeaderMutation.of(rc.requestHeadersToAdd, rc.requestHeadersToRemove);
  const rcResp = HeaderMutation.of(rc.responseHeadersToAdd, rc.responseHeadersToRemove);
  let needsQuery = false;
  const compileEntry = (r: Route, i: number): RouteEntry => {
    const where = `virtualHosts[${vh.name}].routes[${i}]`;
    try {
      const path = compilePathMatch(r.match);
      const query = (r.match.queryParameters ?? []).map(compileQueryMatcher);
      if (query.length > 0) needsQuery = true;
      const req = [HeaderMutation.of(r.requestHeadersToAdd, r.requestHeadersToRemove), vhReq, rcReq].filter((m) => !m.empty);
      const resp = [HeaderMutation.of(r.responseHeadersToAdd, r.responseHeadersToRemove), vhResp, rcResp].filter((m) => !m.empty);
      return {
        matchPath: path.test,
        headers: (r.match.headers ?? []).map(compileHeaderMatcher),
        query,
        route: {
          name: r.name ?? '',
          action: compileAction(r),
          timeoutMs: r.route?.timeoutMs ?? DEFAULT_ROUTE_TIMEOUT_MS,
          grpcTimeoutHeaderMaxMs: r.route?.maxStreamDuration?.grpcTimeoutHeaderMaxMs ?? r.route?.maxGrpcTimeoutMs,
          hostRewrite: r.route?.hostRewriteLiteral,
          matchedPrefix: path.prefix ?? path.exact,
          rewritePath: compileRewrite(r, path),
          requestHeaders: req,
          responseHeaders: resp,
          virtualHost: vh.name,
          policies: compileRoutePolicies(r, vh),
        },
      };
    } catch (e) {
      throw new Error(`routeConfig ${rc.name}: ${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const entries = vh.routes.map(compileEntry);
  const tlsRedirect = vh.requireTls === 'ALL' || vh.requireTls === 'EXTERNAL_ONLY'
    ? { externalOnly: vh.requireTls === 'EXTERNAL_ONLY', route: compileEntry({ match: { prefix: '/' }, redirect: { httpsRedirect: true } }, -1).route }
    : undefined;
  return { name: vh.name, entries, needsQuery, tlsRedirect };
}

export class RouteTable {
  private readonly hosts = new VirtualHostIndex<CompiledVirtualHost>();

  constructor(readonly config: RouteConfiguration) {
    for (const vh of config.virtualHosts) {
      const compiled = compileVirtualHost(vh, config);
      for (const d of vh.domains) {
        if (!this.hosts.add(d, compiled)) {
          throw new Error(`routeConfig ${config.name}: domain ${JSON.stringify(d)} appears in more than one virtual host`);
        }
      }
    }
  }

  virtualHost(authority: string): CompiledVirtualHost | undefined {
    return this.hosts.find(this.config.ignorePortInHostMatching === true ? withoutPort(authority) : authority);
  }

  /** The route for a request, or undefined (Envoy answers 404 with flag NR). */
  route(authority: string, path: string, query: string, headers: RequestHeaders): CompiledRoute | undefined {
    const vh = this.virtualHost(authority);
    if (vh === undefined) return undefined;
    // Envoy checks require_tls before matching routes, so even an unmatched path is redirected.
    const tls = vh.tlsRedirect;
    if (tls !== undefined && headers.get('x-forwarded-proto') !== 'https' && !(tls.externalOnly && headers.get('x-envoy-internal') === 'true')) {
      return tls.route;
    }
    let params: Map<string, string> | undefined;
    outer: for (const e of vh.entries) {
      if (!e.matchPath(path)) continue;
      for (const h of e.headers) if (!h(headers)) continue outer;
      if (e.query.length > 0) {
        params ??= parseQuery(query.length > 0 ? query.slice(1) : '');
        for (const q of e.query) if (!q(params)) continue outer;
      }
      return e.route;
    }
    return undefined;
  }
}

/** Picks a weighted cluster with a value in [0, totalWeight). */
export function pickWeighted(clusters: readonly CompiledWeightedCluster[], totalWeight: number, random: number): CompiledWeightedCluster {
  let r = Math.floor(random * totalWeight);
  for (const c of clusters) {
    if (r < c.weight) return c;
    r -= c.weight;
  }
  return clusters[clusters.length - 1];
}

/** `host:80` → `host`, `[::1]:80` → `[::1]`; an authority without a port is returned as is. */
export function withoutPort(authority: string): string {
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || authority.indexOf(']', colon) >= 0) return authority;
  if (authority[0] !== '[' && authority.indexOf(':') !== colon) return authority; // bare IPv6 without brackets
  for (let i = colon + 1; i < authority.length; i++) {
    const c = authority.charCodeAt(i);
    if (c < 48 || c > 57) return authority;
  }
  return authority.slice(0, colon);
}
