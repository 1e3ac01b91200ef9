// One VirtualService's HTTP routes as Envoy routes for one proxy on one port (Istio's
// BuildHTTPRoutesForVirtualService): each (http route × match) that applies statically becomes a
// Route with its match, action (cluster / weighted clusters / redirect / direct response),
// rewrites, header operations, timeout, retries, mirrors, hash policies and per-filter fault/CORS.
import type { Config } from '../../../api/config.js';
import type { Destination } from '../../../api/networking/destination.js';
import type { HTTPMatchRequest, HTTPRedirect, HTTPRetry, HTTPRoute, HTTPRouteDestination, VirtualServiceSpec } from '../../../api/networking/virtual-service-schema.js';
import type { Route, RouteAction } from '../../../xds-api/index.js';
import { TypeUrl } from '../../../xds-api/index.js';
import type { PushContext, ProxyView } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { hashPolicyForDestination } from '../cluster/hash-policy.js';
import { buildSubsetKey, parseSubsetKey } from '../names.js';
import { configMetadata, intToFraction, isZeroDuration, percentToFraction, protoDuration, ZERO_DURATION, type FractionalPercent, type ProtoDuration } from './convert.js';
import { translateCors } from './cors.js';
import { translateFault } from './fault.js';
import { translateHeaders } from './headers.js';
import { isCatchAll, sourceMatches, translateRouteMatch, type SourceContext } from './match.js';
import { translateRetry } from './retry.js';

export const FAULT_FILTER = 'envoy.filters.http.fault';
export const CORS_FILTER = 'envoy.filters.http.cors';
export const DEFAULT_ROUTE_NAME = 'default';

export interface RouteContext {
  readonly proxy: ProxyView;
  readonly push: PushContext;
  readonly listenPort: number;
  /** `mesh` for sidecars; the gateway's `ns/name` for routers. */
  readonly gateways: ReadonlySet<string>;
  /** Services the proxy can reach, by hostname (for cluster ports and aliases). */
  readonly services: ReadonlyMap<string, Service>;
  /** The listener terminates TLS (gateway HTTPS servers): redirects then default to https. */
  readonly isTLS: boolean;
}

/**
 * The cluster a destination goes to: its explicit port, else the service's only port, else the
 * port the request arrived on; an Alias (ExternalName) service points at its target's clusters.
 */
export function destinationCluster(d: Destination, service: Service | undefined, listenPort: number): string {
  let host = d.host;
  if (service?.resolution === 'Alias' && service.externalName) host = service.externalName;
  let port = listenPort;
  if (d.port?.number) port = d.port.number;
  else if (service && service.ports.length === 1) port = service.ports[0].port;
  return buildSubsetKey('outbound', d.subset ?? '', host, port);
}

/** Istio's gRPC-aware timeout: `max_grpc_timeout` follows the route timeout (0 = none). */
function applyTimeout(action: RouteAction, timeout: string | undefined, proxy: ProxyView): void {
  const t: ProtoDuration = protoDuration(timeout) ?? ZERO_DURATION;
  action.timeout = t;
  if (proxy.type === 'proxyless') action.max_stream_duration = { max_stream_duration: t };
  else action.max_grpc_timeout = isZeroDuration(t) ? ZERO_DURATION : t;
}

function mirrorFraction(percentage: { value: number } | undefined, legacy: number | undefined): FractionalPercent | undefined {
  if (percentage) return percentage.value > 0 ? percentToFraction(percentage.value) : undefined;
  if (legacy !== undefined) return legacy > 0 ? intToFraction(legacy) : undefined;
  return intToFraction(100);
}

function hashFor(ctx: RouteContext, d: Destination): NonNullable<RouteAction['hash_policy']>[number] | undefined {
  const svc = ctx.services.get(d.host);
  return hashPolicyForDestination(ctx.push, ctx.proxy, svc ?? { hostname: d.host, namespace: ctx.proxy.configNamespace }, d.port?.number, d.subset ?? '');
}

function applyDestinations(out: Route, action: RouteAction, in_: HTTPRoute, ctx: RouteContext, authority: string): void {
  const routes = in_.route ?? [];
  let consistentHash = false;
  if (routes.length === 1) {
    const dst = routes[0];
    action.cluster = destinationCluster(dst.destination, ctx.services.get(dst.destination.host), ctx.listenPort);
    if (dst.headers) {
      const ops = translateHeaders(dst.headers);
      out.request_headers_to_add = [...(out.request_headers_to_add ?? []), ...ops.requestHeadersToAdd];
      out.request_headers_to_remove = [...(out.request_headers_to_remove ?? []), ...ops.requestHeadersToRemove];
      out.response_headers_to_add = [...(out.response_headers_to_add ?? []), ...ops.responseHeadersToAdd];
      out.response_headers_to_remove = [...(out.response_headers_to_remove ?? []), ...ops.responseHeadersToRemove];
      // The route-level rewrite wins so that one and many destinations behave alike.
      if (ops.authority && !authority) action.host_rewrite_literal = ops.authority;
    }
    const hp = hashFor(ctx, dst.destination);
    if (hp) {
      action.hash_policy = [hp];
      consistentHash = true;
    }
  } else {
    const clusters: NonNullable<NonNullable<RouteAction['weighted_clusters']>['clusters']> = [];
    const hashes: NonNullable<RouteAction['hash_policy']> = [];
    for (const dst of routes as HTTPRouteDestination[]) {
      if (!dst.weight) continue;
      const cw: (typeof clusters)[number] = {
        name: destinationCluster(dst.destination, ctx.services.get(dst.destination.host), ctx.listenPort),
        weight: { value: dst.weight },
      };
      if (dst.headers) {
        const ops = translateHeaders(dst.headers);
        if (ops.requestHeadersToAdd.length) cw.request_headers_to_add = ops.requestHeadersToAdd;
        if (ops.requestHeadersToRemove.length) cw.request_headers_to_remove = ops.requestHeadersToRemove;
        if (ops.responseHeadersToAdd.length) cw.response_headers_to_add = ops.responseHeadersToAdd;
        if (ops.responseHeadersToRemove.length) cw.response_headers_to_remove = ops.responseHeadersToRemove;
        if (ops.authority) cw.host_rewrite_literal = ops.authority;
      }
      const hp = hashFor(ctx, dst.destination);
      if (hp) hashes.push(hp);
      clusters.push(cw);
    }
    action.weighted_clusters = { clusters };
    if (hashes.length) action.hash_policy = hashes;
  }
  // No retries on the route: the mesh's defaultHttpRetryPolicy, else Istio's default.
  const retry = translateRetry(in_.retries ?? meshRetryPolicy(ctx.push), consistentHash);
  if (retry) action.retry_policy = retry;
}

function applyRedirect(out: Route, r: HTTPRedirect, ctx: RouteContext): boolean {
  const codes: Record<number, string> = { 0: 'MOVED_PERMANENTLY', 301: 'MOVED_PERMANENTLY', 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT' };
  const code = codes[r.redirectCode ?? 0];
  // An unsupported code leaves the route without an action, as Istio does.
  if (!code) return false;
  const redirect: NonNullable<Route['redirect']> = { response_code: code as NonNullable<Route['redirect']>['response_code'] };
  if (r.authority) redirect.host_redirect = r.authority;
  if (r.uri) redirect.path_redirect = r.uri;
  if (r.scheme) redirect.scheme_redirect = r.scheme;
  if (r.derivePort !== undefined || r.port !== undefined) {
    let port = 0;
    if (r.port !== undefined) port = r.port;
    else if (r.derivePort === 'FROM_REQUEST_PORT') port = ctx.listenPort;
    const scheme = r.scheme || (ctx.isTLS ? 'https' : 'http');
    // Default ports are left implicit.
    if ((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https')) port = 0;
    if (port) redirect.port_redirect = port;
  }
  out.redirect = redirect;
  return true;
}

/** Tracing operation: `host:port/path` for a single cluster, else `<vs name>:<port>/path`. */
export function routeOperation(r: Route, vsName: string, port: number): string {
  const m = r.match;
  let path = '/*';
  if (m?.path !== undefined) path = m.path;
  else if (m?.safe_regex) path = m.safe_regex.regex ?? '';
  else if (m?.prefix !== undefined) path = `${m.prefix}*`;
  const key = r.route?.cluster ? parseSubsetKey(r.route.cluster) : undefined;
  if (key) return `${key.hostname}:${key.port}${path}`;
  return `${vsName}:${port}${path}`;
}

function translateRoute(ctx: RouteContext, vs: Config<VirtualServiceSpec>, in_: HTTPRoute, match: HTTPMatchRequest | undefined, src: SourceContext): Route | undefined {
  if (match?.port && match.port !== ctx.listenPort) return undefined;
  if (!sourceMatches(match, src)) return undefined;
  const name = match?.name ? `${in_.name ?? ''}.${match.name}` : in_.name;
  const out: Route = { ...(name ? { name } : {}), match: translateRouteMatch(match), metadata: configMetadata(vs.meta) };
  if (match?.statPrefix) out.stat_prefix = match.statPrefix;
  let authority = '';
  if (in_.headers) {
    const ops = translateHeaders(in_.headers);
    if (ops.requestHeadersToAdd.length) out.request_headers_to_add = ops.requestHeadersToAdd;
    if (ops.responseHeadersToAdd.length) out.response_headers_to_add = ops.responseHeadersToAdd;
    if (ops.requestHeadersToRemove.length) out.request_headers_to_remove = ops.requestHeadersToRemove;
    if (ops.responseHeadersToRemove.length) out.response_headers_to_remove = ops.responseHeadersToRemove;
    authority = ops.authority;
  }
  if (in_.redirect) {
    applyRedirect(out, in_.redirect, ctx);
  } else if (in_.directResponse) {
    const body = in_.directResponse.body;
    out.direct_response = {
      status: in_.directResponse.status,
      ...(body?.string !== undefined ? { body: { inline_string: body.string } } : body?.bytes !== undefined ? { body: { inline_bytes: Buffer.from(body.bytes, 'base64') } } : {}),
    };
  } else {
    const action: RouteAction = {};
    applyTimeout(action, in_.timeout, ctx.proxy);
    if (in_.rewrite) {
      if (in_.rewrite.uriRegexRewrite) action.regex_rewrite = { pattern: { regex: in_.rewrite.uriRegexRewrite.match ?? '' }, substitution: in_.rewrite.uriRegexRewrite.rewrite ?? '' };
      else if (in_.rewrite.uri) action.prefix_rewrite = in_.rewrite.uri;
      if (in_.rewrite.authority) authority = in_.rewrite.authority;
    }
    if (authority) action.host_rewrite_literal = authority;
    const mirrors: NonNullable<RouteAction['request_mirror_policies']> = [];
    if (in_.mirror) {
      const f = mirrorFraction(in_.mirrorPercentage, in_.mirrorPercent);
      if (f) mirrors.push({ cluster: destinationCluster(in_.mirror, ctx.services.get(in_.mirror.host), ctx.listenPort), runtime_fraction: { default_value: f }, trace_sampled: { value: false } });
    }
    for (const m of in_.mirrors ?? []) {
      const f = mirrorFraction(m.percentage, undefined);
      if (f) mirrors.push({ cluster: destinationCluster(m.destination, ctx.services.get(m.destination.host), ctx.listenPort), runtime_fraction: { default_value: f }, trace_sampled: { value: false } });
    }
    if (mirrors.length) action.request_mirror_policies = mirrors;
    applyDestinations(out, action, in_, ctx, authority);
    out.route = action;
  }
  out.decorator = { operation: routeOperation(out, vs.meta.name, ctx.listenPort) };
  const perFilter: Record<string, unknown> = {};
  const fault = translateFault(in_.fault);
  if (fault) perFilter[FAULT_FILTER] = { '@type': TypeUrl.Fault, ...fault };
  if (in_.corsPolicy) perFilter[CORS_FILTER] = { '@type': TypeUrl.CorsPolicy, ...translateCors(in_.corsPolicy) };
  if (Object.keys(perFilter).length) out.typed_per_filter_config = perFilter as Route['typed_per_filter_config'];
  return out;
}

/** Routes of one VirtualService for `ctx`; stops after the first catch-all, as Envoy would never pass it. */
export function buildVirtualServiceRoutes(ctx: RouteContext, vs: Config<VirtualServiceSpec>): Route[] {
  const out: Route[] = [];
  const src: SourceContext = { labels: ctx.proxy.labels, namespace: ctx.proxy.configNamespace, gateways: ctx.gateways };
  for (const http of vs.spec.http ?? []) {
    let catchAll = false;
    if (!http.match || http.match.length === 0) {
      const r = translateRoute(ctx, vs, http, undefined, src);
      if (r) out.push(r);
      catchAll = true;
    } else {
      for (const m of http.match) {
        const r = translateRoute(ctx, vs, http, m, src);
        if (!r) continue;
        out.push(r);
        if (isCatchAll(r.match)) {
          catchAll = true;
          break;
        }
      }
    }
    if (catchAll) break;
  }
  return out;
}

/** MeshConfig defaultHttpRetryPolicy, which replaces Istio's built-in default for routes that set no retries. */
export function meshRetryPolicy(push: PushContext): HTTPRetry | undefined {
  return push.mesh.defaultHttpRetryPolicy as HTTPRetry | undefined;
}

/** The route for a service without a VirtualService: everything to its cluster, the mesh's default retries, no timeout. */
export function defaultRoute(cluster: string, operation: string, hash?: NonNullable<RouteAction['hash_policy']>[number], meshRetry?: HTTPRetry): Route {
  const retry = translateRetry(meshRetry, false);
  const action: RouteAction = { cluster, timeout: ZERO_DURATION, ...(retry ? { retry_policy: retry } : {}), max_grpc_timeout: ZERO_DURATION };
  if (hash) action.hash_policy = [hash];
  return { name: DEFAULT_ROUTE_NAME, match: { prefix: '/' }, route: action, decorator: { operation } };
}
