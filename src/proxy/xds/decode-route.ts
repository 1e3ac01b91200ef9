// RouteConfiguration (RDS, or inline in an HttpConnectionManager) → the router's config. Fields
// the router does not implement are ignored only when they are descriptive (decorators, metadata);
// fields that would change which requests match, where they go or how they are retried, mirrored,
// hashed or faulted are decoded (decode-route-policies.ts) or NACKed, never silently dropped.
import type {
  DirectResponseAction, PerFilterConfig, QueryParameterMatcher, RedirectAction, RedirectResponseCode, Route, RouteAction, RouteConfiguration,
  RouteMatch, VirtualHost, WeightedCluster,
} from '../config/types.js';
import { at, durationMs, fail, headerMatcher, headerOps, regex, stringMatcher, wrapped } from './decode-common.js';
import { decodeCorsPolicy, decodeHashPolicies, decodeMirrorPolicies, decodePerFilterConfig, decodeRetryPolicy } from './decode-route-policies.js';

export function decodeRouteConfiguration(rc: any, field = ''): RouteConfiguration {
  if (typeof rc.name !== 'string') fail(at(field, 'name'), 'is required');
  if (rc.vhds !== null && rc.vhds !== undefined) fail(at(field, 'vhds'), 'VHDS is not supported');
  const seenDomains = new Map<string, string>();
  const virtualHosts = (rc.virtual_hosts ?? []).map((vh: any, i: number) => {
    const v = decodeVirtualHost(vh, at(field, `virtual_hosts[${i}]`));
    // Envoy rejects a route configuration in which two virtual hosts claim the same domain.
    for (const d of v.domains) {
      const key = d.toLowerCase();
      const prev = seenDomains.get(key);
      if (prev !== undefined) fail(at(field, `virtual_hosts[${i}].domains`), `domain "${d}" is also in virtual host "${prev}"`);
      seenDomains.set(key, v.name);
    }
    return v;
  });
  return { name: rc.name, virtualHosts, ...headerOps(rc, field), ...(rc.ignore_port_in_host_matching === true ? { ignorePortInHostMatching: true } : {}) };
}

function decodeVirtualHost(vh: any, field: string): VirtualHost {
  if (typeof vh.name !== 'string' || vh.name === '') fail(at(field, 'name'), 'is required');
  if (!Array.isArray(vh.domains) || vh.domains.length === 0) fail(at(field, 'domains'), 'at least one domain is required');
  if (vh.require_tls !== undefined && !['NONE', 'EXTERNAL_ONLY', 'ALL'].includes(vh.require_tls)) {
    fail(at(field, 'require_tls'), `${vh.require_tls} is not a TlsRequirementType`);
  }
  const routes = (vh.routes ?? []).map((r: any, i: number) => decodeRoute(r, at(field, `routes[${i}]`)));
  const out: { -readonly [K in keyof VirtualHost]: VirtualHost[K] } = { name: vh.name, domains: vh.domains, routes, ...headerOps(vh, field) };
  const retry = decodeRetryPolicy(vh.retry_policy, at(field, 'retry_policy'));
  if (retry !== undefined) out.retryPolicy = retry;
  if (vh.require_tls === 'EXTERNAL_ONLY' || vh.require_tls === 'ALL') out.requireTls = vh.require_tls;
  if (vh.include_request_attempt_count === true) out.includeRequestAttemptCount = true;
  if (vh.include_attempt_count_in_response === true) out.includeAttemptCountInResponse = true;
  const pfc = withLegacyCors(decodePerFilterConfig(vh, field), vh.cors, at(field, 'cors'));
  if (pfc !== undefined) out.typedPerFilterConfig = pfc;
  const limit = wrapped<number>(vh.per_request_buffer_limit_bytes);
  if (limit !== undefined) out.perRequestBufferLimitBytes = limit;
  return out;
}

function decodeRoute(r: any, field: string): Route {
  const match = decodeMatch(r.match, at(field, 'match'));
  const pfc = withLegacyCors(decodePerFilterConfig(r, field), r.route?.cors, at(field, 'route.cors'));
  const limit = wrapped<number>(r.per_request_buffer_limit_bytes);
  const base = {
    ...(r.name ? { name: r.name } : {}), match, ...headerOps(r, field),
    ...(pfc !== undefined ? { typedPerFilterConfig: pfc } : {}), ...(limit !== undefined ? { perRequestBufferLimitBytes: limit } : {}),
  };
  switch (r.action) {
    case 'route': return { ...base, route: decodeRouteAction(r.route, at(field, 'route')) };
    case 'redirect': return { ...base, redirect: decodeRedirect(r.redirect, at(field, 'redirect')) };
    case 'direct_response': return { ...base, directResponse: decodeDirectResponse(r.direct_response, at(field, 'direct_response')) };
    case undefined: return fail(field, 'an action (route, redirect or direct_response) is required');
    default: return fail(at(field, r.action), 'is not supported');
  }
}

function decodeMatch(m: any, field: string): RouteMatch {
  if (m === null || m === undefined) fail(field, 'is required');
  if (m.grpc !== null && m.grpc !== undefined) fail(at(field, 'grpc'), 'is not supported');
  if (m.runtime_fraction !== null && m.runtime_fraction !== undefined) fail(at(field, 'runtime_fraction'), 'is not supported');
  if (m.tls_context !== null && m.tls_context !== undefined) fail(at(field, 'tls_context'), 'is not supported');
  if ((m.dynamic_metadata ?? []).length > 0) fail(at(field, 'dynamic_metadata'), 'is not supported');
  const out: { -readonly [K in keyof RouteMatch]: RouteMatch[K] } = {};
  switch (m.path_specifier) {
    case 'prefix': out.prefix = m.prefix; break;
    case 'path': out.path = m.path; break;
    case 'path_separated_prefix': out.pathSeparatedPrefix = m.path_separated_prefix; break;
    case 'safe_regex': out.safeRegex = regex(m.safe_regex, at(field, 'safe_regex')); break;
    case undefined: fail(field, 'a path specifier (prefix, path, safe_regex or path_separated_prefix) is required'); break;
    default: fail(at(field, m.path_specifier), 'is not supported');
  }
  const cs = wrapped<boolean>(m.case_sensitive);
  if (cs === false) out.caseSensitive = false;
  if ((m.headers ?? []).length > 0) out.headers = m.headers.map((h: any, i: number) => headerMatcher(h, at(field, `headers[${i}]`)));
  if ((m.query_parameters ?? []).length > 0) {
    out.queryParameters = m.query_parameters.map((q: any, i: number): QueryParameterMatcher => {
      const f = at(field, `query_parameters[${i}]`);
      if (typeof q.name !== 'string' || q.name === '') fail(at(f, 'name'), 'is required');
      if (q.query_parameter_match_specifier === 'string_match') return { name: q.name, stringMatch: stringMatcher(q.string_match, at(f, 'string_match')) };
      if (q.query_parameter_match_specifier === 'present_match') return { name: q.name, presentMatch: q.present_match };
      return fail(f, 'string_match or present_match is required');
    });
  }
  return out;
}

function decodeRouteAction(a: any, field: string): RouteAction {
  if (a === null || a === undefined) fail(field, 'is required');
  const out: { -readonly [K in keyof RouteAction]: RouteAction[K] } = {};
  switch (a.cluster_specifier) {
    case 'cluster':
      if (a.cluster === '') fail(at(field, 'cluster'), 'must not be empty');
      out.cluster = a.cluster;
      break;
    case 'weighted_clusters': {
      const wc = a.weighted_clusters;
      const f = at(field, 'weighted_clusters');
      if ((wc.clusters ?? []).length === 0) fail(at(f, 'clusters'), 'at least one cluster is required');
      const clusters = wc.clusters.map((c: any, i: number): WeightedCluster => {
        const cf = at(f, `clusters[${i}]`);
        if (typeof c.name !== 'string' || c.name === '') fail(at(cf, 'name'), 'is required');
        return { name: c.name, weight: wrapped<number>(c.weight) ?? 0, ...headerOps(c, cf) };
      });
      if (clusters.reduce((s: number, c: WeightedCluster) => s + c.weight, 0) === 0) fail(at(f, 'clusters'), 'the sum of weights must be greater than 0');
      out.weightedClusters = { clusters };
      break;
    }
    case undefined: fail(field, 'cluster or weighted_clusters is required'); break;
    default: fail(at(field, a.cluster_specifier), 'is not supported');
  }
  if (a.prefix_rewrite) out.prefixRewrite = a.prefix_rewrite;
  if (a.regex_rewrite !== null && a.regex_rewrite !== undefined) {
    out.regexRewrite = { pattern: regex(a.regex_rewrite.pattern, at(field, 'regex_rewrite.pattern')), substitution: a.regex_rewrite.substitution ?? '' };
  }
  switch (a.host_rewrite_specifier) {
    case undefined: break;
    case 'host_rewrite_literal': out.hostRewriteLiteral = a.host_rewrite_literal; break;
    // auto_host_rewrite false is a no-op; true needs the endpoint's hostname, which EDS from Istio never sets.
    case 'auto_host_rewrite': if (wrapped<boolean>(a.auto_host_rewrite) === true) fail(at(field, 'auto_host_rewrite'), 'is not supported'); break;
    default: fail(at(field, a.host_rewrite_specifier), 'is not supported');
  }
  const timeout = durationMs(a.timeout);
  if (timeout !== undefined) out.timeoutMs = timeout;
  const maxGrpc = durationMs(a.max_grpc_timeout);
  if (maxGrpc !== undefined) out.maxGrpcTimeoutMs = maxGrpc;
  const grpcHeaderMax = durationMs(a.max_stream_duration?.grpc_timeout_header_max);
  if (grpcHeaderMax !== undefined) out.maxStreamDuration = { grpcTimeoutHeaderMaxMs: grpcHeaderMax };
  const retry = decodeRetryPolicy(a.retry_policy, at(field, 'retry_policy'));
  if (retry !== undefined) out.retryPolicy = retry;
  const mirrors = decodeMirrorPolicies(a.request_mirror_policies, at(field, 'request_mirror_policies'));
  if (mirrors !== undefined) out.requestMirrorPolicies = mirrors;
  const hash = decodeHashPolicies(a.hash_policy, at(field, 'hash_policy'));
  if (hash !== undefined) out.hashPolicy = hash;
  if (a.hedge_policy !== null && a.hedge_policy !== undefined) fail(at(field, 'hedge_policy'), 'is not supported');
  return out;
}

const REDIRECT_CODES: ReadonlySet<string> = new Set(['MOVED_PERMANENTLY', 'FOUND', 'SEE_OTHER', 'TEMPORARY_REDIRECT', 'PERMANENT_REDIRECT']);

function decodeRedirect(r: any, field: string): RedirectAction {
  const out: { -readonly [K in keyof RedirectAction]: RedirectAction[K] } = {};
  if (r.scheme_rewrite_specifier === 'https_redirect' && r.https_redirect) out.httpsRedirect = true;
  if (r.scheme_rewrite_specifier === 'scheme_redirect' && r.scheme_redirect) out.schemeRedirect = r.scheme_redirect;
  if (r.host_redirect) out.hostRedirect = r.host_redirect;
  if (r.port_redirect) out.portRedirect = r.port_redirect;
  switch (r.path_rewrite_specifier) {
    case undefined: break;
    case 'path_redirect': out.pathRedirect = r.path_redirect; break;
    case 'prefix_rewrite': out.prefixRewrite = r.prefix_rewrite; break;
    default: fail(at(field, r.path_rewrite_specifier), 'is not supported');
  }
  const code = r.response_code ?? 'MOVED_PERMANENTLY';
  if (!REDIRECT_CODES.has(code)) fail(at(field, 'response_code'), `unknown code ${code}`);
  if (code !== 'MOVED_PERMANENTLY') out.responseCode = code as RedirectResponseCode;
  if (r.strip_query) out.stripQuery = true;
  return out;
}

function decodeDirectResponse(d: any, field: string): DirectResponseAction {
  if (!Number.isInteger(d.status) || d.status < 200 || d.status >= 600) fail(at(field, 'status'), `must be in [200, 600), got ${d.status}`);
  const body = d.body;
  if (body === null || body === undefined) return { status: d.status };
  switch (body.specifier) {
    case 'inline_string': return { status: d.status, body: { inlineString: body.inline_string } };
    case 'inline_bytes': return { status: d.status, body: { inlineString: Buffer.from(body.inline_bytes).toString('latin1') } };
    default: return fail(at(field, `body.${body.specifier ?? 'specifier'}`), 'only inline_string and inline_bytes are supported');
  }
}

/** The deprecated in-line `cors` policy of a virtual host or route action; typed_per_filter_config wins over it. */
function withLegacyCors(pfc: PerFilterConfig | undefined, cors: any, field: string): PerFilterConfig | undefined {
  if (cors === null || cors === undefined || pfc?.cors !== undefined) return pfc;
  return { ...pfc, cors: decodeCorsPolicy(cors, field) };
}
