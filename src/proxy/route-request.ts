// The routing half of a request, shared by every codec (HTTP/1.1 streams, HTTP/2 streams,
// upgrades): route lookup, direct responses and redirects, weighted cluster choice, cluster
// lookup, then the route's request mutations, rewrites and the timeout (incl. `grpc-timeout`).
import type { HcmContext } from './hcm-context.js';
import { RequestHeaders } from './http1/headers.js';
import { LocalReplies, type LocalReply } from './response-flags.js';
import type { HeaderMutation } from './router/header-ops.js';
import { normalizeTarget, type PathRefusal } from './router/path-normalize.js';
import { redirectLocation, redirectStatus } from './router/redirect.js';
import { pickWeighted, type CompiledRoute } from './router/route-table.js';
import type { Cluster } from './upstream/cluster.js';

/** A request the proxy answers itself; `route` is set when a route matched (its response mutations apply). */
export interface LocalAnswer {
  readonly kind: 'local';
  readonly status: number;
  readonly body: string;
  readonly flag: string;
  readonly detail: string;
  readonly extra: RequestHeaders | undefined;
  readonly route: CompiledRoute | undefined;
}

export interface Routed {
  readonly kind: 'upstream';
  readonly route: CompiledRoute;
  readonly clusterName: string;
  readonly cluster: Cluster;
  /** The request target to send upstream (after rewrites). */
  readonly target: string;
  readonly responseMutations: HeaderMutation[] | undefined;
  /** The effective timeout: the route's, or the request's `grpc-timeout` where the route honours it; 0 = none. */
  readonly timeoutMs: number;
}

function local(r: LocalReply, route?: CompiledRoute): LocalAnswer {
  return { kind: 'local', status: r.status, body: r.body, flag: r.flag ?? '', detail: r.detail, extra: undefined, route };
}

const GRPC_TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** Parses a `grpc-timeout` value (up to 8 digits and a unit) into ms; undefined when malformed. */
export function parseGrpcTimeout(v: string): number | undefined {
  const m = /^(\d{1,8})([HMSmun])$/.exec(v);
  if (m === null) return undefined;
  return Math.ceil(Number(m[1]) * GRPC_TIMEOUT_UNIT_MS[m[2]]);
}

/** 400 for a path that cannot be normalized or has refused escaped slashes; 307 to the unescaped path (gRPC: 400). */
function refusePath(ctx: HcmContext, r: PathRefusal, h: RequestHeaders): LocalAnswer {
  if (r.kind === 'redirect' && !(h.get('content-type') ?? '').startsWith('application/grpc')) {
    ctx.stats.downstream_rq_redirected_with_normalized_path++;
    const extra = new RequestHeaders();
    extra.add('location', r.location);
    return { kind: 'local', status: 307, body: '', flag: '', detail: 'path_normalization_failed', extra, route: undefined };
  }
  ctx.stats.downstream_rq_failed_path_normalization++;
  return { kind: 'local', status: 400, body: '', flag: '', detail: 'path_normalization_failed', extra: undefined, route: undefined };
}

function effectiveTimeout(route: CompiledRoute, h: RequestHeaders): number {
  const max = route.grpcTimeoutHeaderMaxMs;
  if (max === undefined) return route.timeoutMs;
  const v = h.get('grpc-timeout');
  const t = v === undefined ? undefined : parseGrpcTimeout(v);
  // Envoy: with the header honoured, it replaces the route timeout, capped by a non-zero max.
  if (t === undefined) return route.timeoutMs;
  return max > 0 ? Math.min(t, max) : t;
}

/**
 * Routes a request whose headers have already had the connection manager's forwarding mutations.
 * `path` excludes the query (which starts with "?" or is empty); `target` is path + query.
 */
export function routeRequest(
  ctx: HcmContext, h: RequestHeaders, authority: string, path: string, query: string, target: string,
): LocalAnswer | Routed {
  const paths = ctx.pathNormalization;
  if (paths !== undefined && target.charCodeAt(0) === 0x2f) {
    const n = normalizeTarget(target, paths);
    if (typeof n !== 'string') return refusePath(ctx, n, h);
    if (n !== target) {
      target = n;
      const q = n.indexOf('?');
      path = q < 0 ? n : n.slice(0, q);
      query = q < 0 ? '' : n.slice(q);
    }
  }
  const route = ctx.routeTable()?.route(authority, path, query, h);
  if (route === undefined) {
    ctx.stats.no_route++;
    return local(LocalReplies.noRoute);
  }
  const action = route.action;
  let clusterName: string;
  let responseMutations: HeaderMutation[] | undefined;
  switch (action.kind) {
    case 'direct':
      ctx.stats.rq_direct_response++;
      return { kind: 'local', status: action.status, body: action.body, flag: 'DR', detail: 'direct_response', extra: undefined, route };
    case 'redirect': {
      ctx.stats.rq_redirect++;
      const loc = redirectLocation(action.redirect, h.get('x-forwarded-proto') ?? ctx.scheme, authority, path, query, route.matchedPrefix);
      const extra = new RequestHeaders();
      extra.add('location', loc);
      return { kind: 'local', status: redirectStatus(action.redirect), body: '', flag: '', detail: 'via_redirect', extra, route };
    }
    case 'cluster':
      clusterName = action.cluster;
      break;
    case 'weighted': {
      const w = pickWeighted(action.clusters, action.totalWeight, Math.random());
      clusterName = w.name;
      w.requestHeaders.apply(h);
      if (!w.responseHeaders.empty) responseMutations = [w.responseHeaders];
      break;
    }
  }
  const cluster = ctx.cluster(clusterName);
  if (cluster === undefined) {
    ctx.stats.no_cluster++;
    return local(LocalReplies.noCluster, route);
  }
  for (const m of route.requestHeaders) m.apply(h);
  if (route.responseHeaders.length > 0) {
    responseMutations = responseMutations === undefined ? [...route.responseHeaders] : [...responseMutations, ...route.responseHeaders];
  }
  if (route.hostRewrite !== undefined) h.set('host', route.hostRewrite);
  let upstreamTarget = target;
  if (route.rewritePath !== undefined) {
    const rewritten = route.rewritePath(path, query);
    if (rewritten !== target) {
      h.set('x-envoy-original-path', target);
      upstreamTarget = rewritten;
    }
  }
  const timeoutMs = effectiveTimeout(route, h);
  if (!ctx.suppressEnvoyHeaders && timeoutMs > 0) h.set('x-envoy-expected-rq-timeout-ms', String(timeoutMs));
  return { kind: 'upstream', route, clusterName, cluster, target: upstreamTarget, responseMutations, timeoutMs };
}
