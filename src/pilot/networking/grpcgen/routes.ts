// VirtualService HTTP routes → Envoy routes, restricted to what gRPC's xDS client implements
// (gRFC A28 routing, A31 timeouts, A33 fault injection, A44 retries): path and header matches,
// single and weighted clusters, timeouts, retries and the fault filter's per-route override.
// Redirects, direct responses, rewrites, mirrors and CORS have no meaning for a gRPC channel and
// would make the client reject the whole RouteConfiguration, so such routes are left out.
import type { HTTPFaultInjection, HTTPMatchRequest, HTTPRetry, HTTPRoute } from '../../../api/networking/virtual-service-schema.js';
import type { StringMatch } from '../../../api/networking/string-match.js';
import { parseDuration, toProtoDuration } from '../../../shared/duration.js';
import { TypeUrl, typedAny, type HTTPFault, type Route, type RouteMatch } from '../../../xds-api/index.js';
import { selectorMatches } from '../../model/labels.js';
import type { Proxy } from '../../model/proxy.js';
import { resolveShortName } from '../../model/host.js';
import type { Service } from '../../model/service.js';
import { grpcStatusCode } from './grpc-status.js';
import { clusterKey } from './names.js';

type HeaderMatcher = NonNullable<RouteMatch['headers']>[number];
type RouteAction = NonNullable<Route['route']>;

export const FAULT_FILTER = 'envoy.filters.http.fault';

/** Istio's retry policy when a route sets none (pilot's DefaultRetryPolicy, minus Envoy-only host predicates). */
export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
export const DEFAULT_RETRY_ATTEMPTS = 2;

export interface RouteContext {
  readonly proxy: Proxy;
  /** The service and port this route configuration serves (`outbound|port||host`). */
  readonly service: Service;
  readonly port: number;
  /** Namespace of the VirtualService (short destination hosts resolve in it). */
  readonly vsNamespace: string;
  readonly domainSuffix: string;
  /** Resolves a destination host to its service, for the port of single-port destinations. */
  readonly lookup: (hostname: string) => Service | undefined;
}

function duration(text: string | undefined): { seconds: number; nanos: number } | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  return ms === undefined ? undefined : toProtoDuration(ms);
}

/** Percent (0–100, fractional) → FractionalPercent per million, as Istio converts `percentage`. */
function fraction(percentage: { value: number } | undefined, legacyPercent?: number): { numerator: number; denominator: 'MILLION' } {
  const value = percentage?.value ?? legacyPercent ?? 100;
  return { numerator: Math.round(value * 10_000), denominator: 'MILLION' };
}

function stringMatcher(m: StringMatch): HeaderMatcher['string_match'] | undefined {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safe_regex: { regex: m.regex } };
  return undefined;
}

function headerMatcher(name: string, m: StringMatch, invert: boolean): HeaderMatcher {
  const sm = stringMatcher(m);
  // An empty StringMatch means "the header is present", as Istio translates it.
  const base: HeaderMatcher = sm ? { name, string_match: sm } : { name, present_match: true };
  return invert ? { ...base, invert_match: true } : base;
}

function routeMatch(m: HTTPMatchRequest | undefined): RouteMatch {
  const out: RouteMatch = {};
  const uri = m?.uri;
  if (uri?.exact !== undefined) out.path = uri.exact;
  else if (uri?.regex !== undefined) out.safe_regex = { regex: uri.regex };
  else out.prefix = uri?.prefix ?? '/';
  if (m?.ignoreUriCase) out.case_sensitive = { value: false };
  const headers: HeaderMatcher[] = [];
  for (const [name, sm] of Object.entries(m?.headers ?? {})) headers.push(headerMatcher(name.toLowerCase(), sm, false));
  for (const [name, sm] of Object.entries(m?.withoutHeaders ?? {})) headers.push(headerMatcher(name.toLowerCase(), sm, true));
  if (m?.method) headers.push(headerMatcher(':method', m.method, false));
  if (m?.authority) headers.push(headerMatcher(':authority', m.authority, false));
  if (m?.scheme) headers.push(headerMatcher(':scheme', m.scheme, false));
  if (headers.length > 0) out.headers = headers;
  const query = Object.entries(m?.queryParams ?? {});
  if (query.length > 0) {
    out.query_parameters = query.map(([name, sm]) => {
      const s = stringMatcher(sm);
      return s ? { name, string_match: s } : { name, present_match: true };
    });
  }
  return out;
}

/** Whether a match condition can apply to this client on this port at all. */
function matchApplies(m: HTTPMatchRequest, ctx: RouteContext): boolean {
  if (m.port !== undefined && m.port !== ctx.port) return false;
  if (m.sourceLabels && !selectorMatches(m.sourceLabels, ctx.proxy.labels)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== ctx.proxy.configNamespace) return false;
  if (m.gateways && m.gateways.length > 0 && !m.gateways.includes('mesh')) return false;
  return true;
}

function isCatchAll(m: RouteMatch): boolean {
  return m.prefix === '/' && !m.headers && !m.query_parameters && m.case_sensitive === undefined;
}

function destinationCluster(d: { host: string; subset?: string; port?: { number?: number } }, ctx: RouteContext): string {
  const host = resolveShortName(d.host, ctx.vsNamespace, ctx.domainSuffix);
  let port = d.port?.number;
  if (port === undefined) {
    const svc = host === ctx.service.hostname ? ctx.service : ctx.lookup(host);
    port = svc && svc.ports.length === 1 ? svc.ports[0].port : ctx.port;
  }
  return clusterKey(host, port, d.subset ?? '');
}

function faultConfig(f: HTTPFaultInjection): HTTPFault | undefined {
  const out: HTTPFault = {};
  if (f.delay?.fixedDelay !== undefined) {
    out.delay = { fixed_delay: duration(f.delay.fixedDelay), percentage: fraction(f.delay.percentage, f.delay.percent) };
  }
  const a = f.abort;
  if (a) {
    const percentage = fraction(a.percentage);
    if (a.grpcStatus !== undefined) {
      const code = grpcStatusCode(a.grpcStatus);
      if (code !== undefined) out.abort = { grpc_status: code, percentage };
    } else if (a.httpStatus !== undefined) {
      out.abort = { http_status: a.httpStatus, percentage };
    }
  }
  return out.delay || out.abort ? out : undefined;
}

function retryPolicy(r: HTTPRetry | undefined): RouteAction['retry_policy'] {
  if (!r) return { retry_on: DEFAULT_RETRY_ON, num_retries: { value: DEFAULT_RETRY_ATTEMPTS } };
  if (!r.attempts) return undefined;
  const per = duration(r.perTryTimeout);
  return {
    retry_on: r.retryOn ?? DEFAULT_RETRY_ON,
    num_retries: { value: r.attempts },
    ...(per ? { per_try_timeout: per } : {}),
  };
}

/** One VirtualService HTTP route as zero or more Envoy routes (one per applicable match). */
export function translateHttpRoute(r: HTTPRoute, index: number, ctx: RouteContext): Route[] {
  if (r.redirect || r.directResponse || !r.route || r.route.length === 0) return [];
  const matches = r.match && r.match.length > 0 ? r.match.filter((m) => matchApplies(m, ctx)) : [undefined];
  if (matches.length === 0) return [];
  const dests = r.route.filter((d) => d.weight === undefined || d.weight > 0 || r.route!.length === 1);
  const clusters = dests.map((d) => ({ name: destinationCluster(d.destination, ctx), weight: d.weight ?? (dests.length === 1 ? 100 : 0) }));
  const action: RouteAction = clusters.length === 1
    ? { cluster: clusters[0].name }
    : { weighted_clusters: { clusters: clusters.map((c) => ({ name: c.name, weight: { value: c.weight } })) } };
  // Istio disables Envoy's default 15 s route timeout; gRPC reads max_stream_duration instead.
  const timeout = duration(r.timeout) ?? { seconds: 0, nanos: 0 };
  action.timeout = timeout;
  if (r.timeout !== undefined) action.max_stream_duration = { max_stream_duration: timeout, grpc_timeout_header_max: timeout };
  const retry = retryPolicy(r.retries);
  if (retry) action.retry_policy = retry;
  const fault = r.fault ? faultConfig(r.fault) : undefined;
  return matches.map((m) => {
    const route: Route = { name: r.name ?? `route-${index}`, match: routeMatch(m), route: action };
    if (fault) route.typed_per_filter_config = { [FAULT_FILTER]: typedAny(TypeUrl.Fault, fault) };
    return route;
  });
}

/** Routes for a VirtualService's `http` list; nothing after a catch-all route is reachable. */
export function translateHttpRoutes(routes: readonly HTTPRoute[], ctx: RouteContext): Route[] {
  const out: Route[] = [];
  for (const [i, r] of routes.entries()) {
    const translated = translateHttpRoute(r, i, ctx);
    out.push(...translated);
    if (translated.some((t) => t.match && isCatchAll(t.match))) break;
  }
  return out;
}

/** The route Istio emits for a service without a VirtualService. */
export function defaultRoute(service: Service, port: number): Route {
  return {
    name: 'default',
    match: { prefix: '/' },
    route: {
      cluster: clusterKey(service.hostname, port),
      timeout: { seconds: 0, nanos: 0 },
      retry_policy: { retry_on: DEFAULT_RETRY_ON, num_retries: { value: DEFAULT_RETRY_ATTEMPTS } },
    },
  };
}
