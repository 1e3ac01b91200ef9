// The traffic policies a route or virtual host carries beside its match and destination: retry
// policy, request mirrors, hash policies, and the per-filter configs of the fault and CORS
// filters. Each is checked here, with the field named, so a bad value NACKs the route
// configuration instead of failing when the router compiles it.
import { TypeUrl, anyTypeUrl, decodeAny } from '../../xds-api/index.js';
import type {
  CorsPolicy, FractionalPercent, HashPolicy, HttpFaultConfig, PerFilterConfig, RequestMirrorPolicy, RetryPolicy,
} from '../config/types.js';
import { parseRetryOn } from '../router/retry-policy.js';
import { at, durationMs, fail, stringMatcher, wrapped } from './decode-common.js';

const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';
const PREVIOUS_HOSTS_TYPE = 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';
const PREVIOUS_PRIORITIES = 'envoy.retry_priorities.previous_priorities';
const PREVIOUS_PRIORITIES_TYPE = 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig';
const DENOMINATORS: ReadonlySet<string> = new Set(['HUNDRED', 'TEN_THOUSAND', 'MILLION']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function fractionalPercent(p: any, field: string): FractionalPercent | undefined {
  if (p === null || p === undefined) return undefined;
  const denominator: string = p.denominator ?? 'HUNDRED';
  if (!DENOMINATORS.has(denominator)) fail(at(field, 'denominator'), `unknown denominator ${denominator}`);
  const numerator = Number(p.numerator ?? 0);
  return denominator === 'HUNDRED' ? { numerator } : { numerator, denominator: denominator as FractionalPercent['denominator'] };
}

/** core.v3.RuntimeFractionalPercent: only its default applies (the proxy has no runtime layer). */
export function runtimeFraction(p: any, field: string): FractionalPercent | undefined {
  if (p === null || p === undefined) return undefined;
  return fractionalPercent(p.default_value, at(field, 'default_value')) ?? { numerator: 0 };
}

export function decodeRetryPolicy(p: any, field: string): RetryPolicy | undefined {
  if (p === null || p === undefined) return undefined;
  const retryOn: string = p.retry_on ?? '';
  try {
    parseRetryOn(retryOn);
  } catch (e) {
    fail(at(field, 'retry_on'), (e as Error).message.replace(/^retryPolicy: /, ''));
  }
  if ((p.retriable_headers ?? []).length > 0) fail(at(field, 'retriable_headers'), 'is not supported');
  if ((p.retriable_request_headers ?? []).length > 0) fail(at(field, 'retriable_request_headers'), 'is not supported');
  if ((p.retry_options_predicates ?? []).length > 0) fail(at(field, 'retry_options_predicates'), 'is not supported');
  if (p.rate_limited_retry_back_off) fail(at(field, 'rate_limited_retry_back_off'), 'is not supported');
  if (p.per_try_idle_timeout) fail(at(field, 'per_try_idle_timeout'), 'is not supported');
  const out: Mutable<RetryPolicy> = { retryOn };
  const n = wrapped<number>(p.num_retries);
  if (n !== undefined) out.numRetries = n;
  const perTry = durationMs(p.per_try_timeout);
  if (perTry !== undefined && perTry > 0) out.perTryTimeoutMs = perTry;
  if ((p.retriable_status_codes ?? []).length > 0) {
    out.retriableStatusCodes = p.retriable_status_codes.map((c: number, i: number) => {
      if (!Number.isInteger(c) || c < 100 || c > 599) fail(at(field, `retriable_status_codes[${i}]`), `${c} is not an HTTP status`);
      return c;
    });
  }
  const bo = p.retry_back_off;
  if (bo !== null && bo !== undefined) {
    const base = durationMs(bo.base_interval);
    if (base === undefined || base <= 0) fail(at(field, 'retry_back_off.base_interval'), 'must be greater than 0');
    const max = durationMs(bo.max_interval);
    if (max !== undefined && max < base) fail(at(field, 'retry_back_off.max_interval'), 'must be at least base_interval');
    out.retryBackOff = max === undefined ? { baseIntervalMs: base } : { baseIntervalMs: base, maxIntervalMs: max };
  }
  const preds = (p.retry_host_predicate ?? []).map((pr: any, i: number) => {
    const url = pr.typed_config ? anyTypeUrl(pr.typed_config) : '';
    if (pr.name !== PREVIOUS_HOSTS && url !== PREVIOUS_HOSTS_TYPE) {
      fail(at(field, `retry_host_predicate[${i}]`), `${pr.name || url || '(unnamed)'} is not supported (${PREVIOUS_HOSTS} only)`);
    }
    return { name: PREVIOUS_HOSTS };
  });
  if (preds.length > 0) out.retryHostPredicate = preds;
  // Istio adds previous_priorities with locality failover. Accepted: a retry already prefers
  // another host through previous_hosts, and the balancer spills to lower priorities by health.
  const prio = p.retry_priority;
  if (prio !== null && prio !== undefined) {
    const url = prio.typed_config ? anyTypeUrl(prio.typed_config) : '';
    if (prio.name !== PREVIOUS_PRIORITIES && url !== PREVIOUS_PRIORITIES_TYPE) fail(at(field, 'retry_priority'), `${prio.name || url || '(unnamed)'} is not supported`);
  }
  const hs = Number(p.host_selection_retry_max_attempts ?? 0);
  if (hs < 0) fail(at(field, 'host_selection_retry_max_attempts'), `must not be negative, got ${hs}`);
  if (hs > 0) out.hostSelectionRetryMaxAttempts = hs;
  return out;
}

export function decodeMirrorPolicies(list: readonly any[] | undefined, field: string): RequestMirrorPolicy[] | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return list.map((m, i) => {
    const f = at(field, i);
    if (m.cluster_header) fail(at(f, 'cluster_header'), 'is not supported');
    if (typeof m.cluster !== 'string' || m.cluster === '') fail(at(f, 'cluster'), 'is required');
    const out: Mutable<RequestMirrorPolicy> = { cluster: m.cluster };
    const rf = runtimeFraction(m.runtime_fraction, at(f, 'runtime_fraction'));
    if (rf !== undefined) out.runtimeFraction = rf;
    if (m.disable_shadow_host_suffix_append === true) out.disableShadowHostSuffixAppend = true;
    return out;
  });
}

export function decodeHashPolicies(list: readonly any[] | undefined, field: string): HashPolicy[] | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return list.map((h, i): HashPolicy => {
    const f = at(field, i);
    const terminal = h.terminal === true ? { terminal: true } : {};
    switch (h.policy_specifier) {
      case 'header':
        if (!h.header?.header_name) fail(at(f, 'header.header_name'), 'is required');
        if (h.header.regex_rewrite) fail(at(f, 'header.regex_rewrite'), 'is not supported');
        return { header: { headerName: h.header.header_name.toLowerCase() }, ...terminal };
      case 'cookie': {
        const c = h.cookie;
        if (!c?.name) fail(at(f, 'cookie.name'), 'is required');
        if ((c.attributes ?? []).length > 0) fail(at(f, 'cookie.attributes'), 'is not supported');
        const ttl = durationMs(c.ttl);
        return { cookie: { name: c.name, ...(ttl !== undefined ? { ttlMs: ttl } : {}), ...(c.path ? { path: c.path } : {}) }, ...terminal };
      }
      case 'connection_properties':
        return { connectionProperties: { sourceIp: h.connection_properties?.source_ip === true }, ...terminal };
      case 'query_parameter':
        if (!h.query_parameter?.name) fail(at(f, 'query_parameter.name'), 'is required');
        return { queryParameter: { name: h.query_parameter.name }, ...terminal };
      case undefined: return fail(f, 'header, cookie, connection_properties or query_parameter is required');
      default: return fail(at(f, h.policy_specifier), 'is not supported');
    }
  });
}

export function decodeFault(f: any, field: string): HttpFaultConfig {
  if ((f.headers ?? []).length > 0) fail(at(field, 'headers'), 'is not supported');
  if ((f.downstream_nodes ?? []).length > 0) fail(at(field, 'downstream_nodes'), 'is not supported');
  if (f.upstream_cluster) fail(at(field, 'upstream_cluster'), 'is not supported');
  if (f.response_rate_limit) fail(at(field, 'response_rate_limit'), 'is not supported');
  const out: Mutable<HttpFaultConfig> = {};
  const d = f.delay;
  if (d !== null && d !== undefined) {
    const df = at(field, 'delay');
    const delay: Mutable<NonNullable<HttpFaultConfig['delay']>> = {};
    if (d.header_delay) delay.headerDelay = true;
    else if (d.fixed_delay) delay.fixedDelayMs = durationMs(d.fixed_delay);
    else fail(df, 'fixed_delay or header_delay is required');
    const pct = fractionalPercent(d.percentage, at(df, 'percentage'));
    if (pct !== undefined) delay.percentage = pct;
    out.delay = delay;
  }
  const a = f.abort;
  if (a !== null && a !== undefined) {
    const af = at(field, 'abort');
    const abort: Mutable<NonNullable<HttpFaultConfig['abort']>> = {};
    switch (a.error_type) {
      case 'http_status':
        if (a.http_status < 200 || a.http_status >= 600) fail(at(af, 'http_status'), `must be in [200, 600), got ${a.http_status}`);
        abort.httpStatus = a.http_status;
        break;
      case 'grpc_status': abort.grpcStatus = a.grpc_status; break;
      case 'header_abort': abort.headerAbort = true; break;
      default: fail(af, 'http_status, grpc_status or header_abort is required');
    }
    const pct = fractionalPercent(a.percentage, at(af, 'percentage'));
    if (pct !== undefined) abort.percentage = pct;
    out.abort = abort;
  }
  const max = wrapped<number>(f.max_active_faults);
  if (max !== undefined) out.maxActiveFaults = max;
  return out;
}

export function decodeCorsPolicy(p: any, field: string): CorsPolicy {
  if (p.shadow_enabled) fail(at(field, 'shadow_enabled'), 'is not supported');
  const out: Mutable<CorsPolicy> = {};
  if ((p.allow_origin_string_match ?? []).length > 0) {
    out.allowOriginStringMatch = p.allow_origin_string_match.map((m: any, i: number) => stringMatcher(m, at(field, `allow_origin_string_match[${i}]`)));
  }
  if (p.allow_methods) out.allowMethods = p.allow_methods;
  if (p.allow_headers) out.allowHeaders = p.allow_headers;
  if (p.expose_headers) out.exposeHeaders = p.expose_headers;
  if (p.max_age) {
    if (!/^\d+$/.test(p.max_age)) fail(at(field, 'max_age'), `must be a number of seconds, got ${JSON.stringify(p.max_age)}`);
    out.maxAge = p.max_age;
  }
  if (wrapped<boolean>(p.allow_credentials) === true) out.allowCredentials = true;
  if (wrapped<boolean>(p.allow_private_network_access) === true) out.allowPrivateNetworkAccess = true;
  const fe = runtimeFraction(p.filter_enabled, at(field, 'filter_enabled'));
  if (fe !== undefined) out.filterEnabled = fe;
  const fwd = wrapped<boolean>(p.forward_not_matching_preflights);
  if (fwd === false) out.forwardNotMatchingPreflights = false;
  return out;
}

/**
 * typed_per_filter_config of a virtual host or route: the fault filter's HTTPFault and the CORS
 * filter's CorsPolicy. Other filters' per-route configs change what happens to matched requests
 * and those filters do not exist here, so they NACK (unless wrapped as an optional FilterConfig).
 */
export function decodePerFilterConfig(m: any, field: string): PerFilterConfig | undefined {
  const entries = Object.entries<any>(m.typed_per_filter_config ?? {});
  if (entries.length === 0) return undefined;
  const out: Mutable<PerFilterConfig> = {};
  for (const [name, any] of entries) {
    const f = at(field, `typed_per_filter_config[${name}]`);
    const url = any ? anyTypeUrl(any) : '';
    if (url === TypeUrl.Fault) out.fault = decodeFault(decodeAny(any, TypeUrl.Fault), f);
    else if (url === TypeUrl.CorsPolicy) out.cors = decodeCorsPolicy(decodeAny(any, TypeUrl.CorsPolicy), f);
    else fail(f, `per-route config ${url || '(no type)'} is not supported`);
  }
  return out;
}
