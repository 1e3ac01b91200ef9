// Istio's semantic rules for one HTTPRoute of a VirtualService: conflicts between route,
// redirect, direct response and delegate; matches; retries; faults; CORS; mirrors; rewrites.
import type { Diagnostics } from '../diagnostics.js';
import { checkDuration, checkLabels, checkRegex } from '../validation/common.js';
import { isIstioDnsLabel } from '../validation/names.js';
import { portError } from '../validation/net.js';
import { validateDestination } from './destination.js';
import { validateDuration } from './durations.js';
import { headerNameError, isAuthorityHeader, validateHeaders } from './headers.js';
import { validateGatewayNames } from './hosts.js';
import { validateIntPercent, validatePercentage } from './percent.js';
import { isRegexMatch, validateStringMatch } from './string-match.js';
import type { CorsPolicy, HTTPFaultInjection, HTTPMatchRequest, HTTPRetry, HTTPRoute, HTTPRouteDestination } from './virtual-service-schema.js';

/** Retry conditions Envoy understands in x-envoy-retry-on and x-envoy-retry-grpc-on. */
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);

const GRPC_CODES = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

/** Direct responses travel in every RDS push; Istio refuses bodies that would bloat them. */
const DIRECT_RESPONSE_MAX = 1024 * 1024;
const DIRECT_RESPONSE_WARN = 100 * 1024;

export type RouteRole = 'independent' | 'root' | 'delegate';

export function validateHttpRoute(http: HTTPRoute, d: Diagnostics, inDelegate: boolean): void {
  const role: RouteRole = inDelegate ? 'delegate' : http.delegate ? 'root' : 'independent';
  validateConflicts(http, d, role);
  http.match?.forEach((m, i) => validateMatch(m, d.at('match', i), role));
  validateHeaders(http.headers, d, ['headers']);
  validateCors(http.corsPolicy, d.at('corsPolicy'));
  validateFault(http.fault, d.at('fault'));

  if (http.mirror && http.mirrors) d.error('HTTP route cannot contain both mirror and mirrors', 'mirrors');
  if (http.mirrorPercent !== undefined) {
    if (http.mirrorPercent > 100) d.error(`mirrorPercent must have a max value of 100 (it has ${http.mirrorPercent})`, 'mirrorPercent');
    d.warning('using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', 'mirrorPercent');
  }
  if (http.mirrorPercentage) {
    const v = http.mirrorPercentage.value;
    if (v > 100) d.error(`mirrorPercentage must have a max value of 100 (it has ${v})`, 'mirrorPercentage', 'value');
    if (v < 0) d.error(`mirrorPercentage must have a min value of 0 (it has ${v})`, 'mirrorPercentage', 'value');
  }
  validateDestination(http.mirror, d, ['mirror']);
  http.mirrors?.forEach((m, i) => {
    validateDestination(m.destination, d, ['mirrors', i, 'destination']);
    validatePercentage(m.percentage, d, ['mirrors', i, 'percentage', 'value']);
  });

  validateRedirect(http, d);
  validateDirectResponse(http, d);
  validateRetry(http.retries, d.at('retries'));
  validateRewrite(http, d);
  validateRouteDestinations(http.route, d);
  // "0s" is Istio's documented way to disable the route timeout.
  checkDuration(http.timeout, d, ['timeout'], { allowZero: true, msPrecision: true });
}

function validateConflicts(http: HTTPRoute, d: Diagnostics, role: RouteRole): void {
  const hasRoute = (http.route?.length ?? 0) > 0;
  if (role === 'root') {
    // A root route hands the request to the delegate VirtualService and does nothing else.
    const who = http.name ? ` ${http.name}` : '';
    if (http.redirect) d.error(`root HTTP route${who} must not specify redirect`, 'redirect');
    if (http.route) d.error(`root HTTP route${who} must not specify route`, 'route');
    if (http.directResponse) d.error(`root HTTP route${who} must not specify directResponse`, 'directResponse');
    if (!http.delegate?.name) d.error('delegate name must be set', 'delegate', 'name');
    if (http.delegate?.namespace && !isIstioDnsLabel(http.delegate.namespace)) {
      d.error(`invalid delegate namespace "${http.delegate.namespace}"`, 'delegate', 'namespace');
    }
    return;
  }
  if (role === 'delegate' && http.delegate) d.error('delegate HTTP route cannot contain delegate', 'delegate');
  if (http.redirect) {
    if (hasRoute) d.error('HTTP route cannot contain both route and redirect', 'redirect');
    if (http.fault) d.error('HTTP route cannot contain both fault and redirect', 'fault');
    if (http.rewrite) d.error('HTTP route rule cannot contain both rewrite and redirect', 'rewrite');
    if (http.directResponse) d.error('HTTP route cannot contain both redirect and direct_response', 'directResponse');
  } else if (http.directResponse) {
    if (hasRoute) d.error('HTTP route cannot contain both route and direct_response', 'directResponse');
    if (http.fault) d.error('HTTP route cannot contain both fault and direct_response', 'fault');
    if (http.rewrite) d.error('HTTP route rule cannot contain both rewrite and direct_response', 'rewrite');
  } else if (!hasRoute) {
    d.error('HTTP route, redirect or direct_response is required', 'route');
  }
}

function validateMatch(m: HTTPMatchRequest, d: Diagnostics, role: RouteRole): void {
  const delegating = role !== 'independent';
  for (const field of ['uri', 'scheme', 'method', 'authority'] as const) {
    validateStringMatch(m[field], d, [field]);
    if (delegating && isRegexMatch(m[field])) d.error(`${field} match does not support regex match for delegating`, field, 'regex');
  }
  for (const field of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    for (const [name, sm] of Object.entries(m[field] ?? {})) {
      if (field !== 'queryParams') {
        const e = headerNameError(name);
        if (e) d.error(e, field, name);
      }
      validateStringMatch(sm, d, [field, name]);
      if (delegating && isRegexMatch(sm)) d.error(`${field} match ${name} does not support regex match for delegating`, field, name, 'regex');
    }
  }
  if (m.port !== undefined) {
    const e = portError(m.port);
    if (e) d.error(e, 'port');
  }
  checkLabels(m.sourceLabels, d, ['sourceLabels']);
  validateGatewayNames(m.gateways, d, ['gateways']);
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== '' && !isIstioDnsLabel(m.sourceNamespace)) {
    d.error(`sourceNamespace match ${m.sourceNamespace} is invalid`, 'sourceNamespace');
  }
}

function validateRedirect(http: HTTPRoute, d: Diagnostics): void {
  const r = http.redirect;
  if (!r) return;
  if (!r.uri && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme) {
    d.error('redirect must specify URI, authority, scheme, or port', 'redirect');
  }
  if (r.redirectCode !== undefined && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
    d.error(`${r.redirectCode} is not a valid redirect code, must be 3xx`, 'redirect', 'redirectCode');
  }
  if (r.scheme !== undefined && r.scheme !== '' && r.scheme !== 'http' && r.scheme !== 'https') {
    d.error('invalid redirect scheme, must be "http" or "https"', 'redirect', 'scheme');
  }
  if (r.port !== undefined) {
    const e = portError(r.port);
    if (e) d.error(e, 'redirect', 'port');
    if (r.derivePort !== undefined) d.error('only one of port or derivePort may be set', 'redirect', 'derivePort');
  }
}

function validateDirectResponse(http: HTTPRoute, d: Diagnostics): void {
  const r = http.directResponse;
  if (!r) return;
  if (r.status < 200 || r.status > 599) d.error(`directResponse.status must be between 200 and 599, got ${r.status}`, 'directResponse', 'status');
  const body = r.body;
  if (!body) return;
  if (body.string !== undefined && body.bytes !== undefined) d.error('only one of string or bytes may be set', 'directResponse', 'body');
  const size = body.string !== undefined ? Buffer.byteLength(body.string) : body.bytes !== undefined ? Buffer.from(body.bytes, 'base64').length : 0;
  if (size > DIRECT_RESPONSE_MAX) {
    d.error(`large direct_responses may impact control plane performance, must be less than ${DIRECT_RESPONSE_MAX} bytes`, 'directResponse', 'body');
  } else if (size > DIRECT_RESPONSE_WARN) {
    d.warning(`large direct_responses may impact control plane performance (${size} bytes)`, 'directResponse', 'body');
  }
}

function validateRetry(r: HTTPRetry | undefined, d: Diagnostics): void {
  if (!r) return;
  const attempts = r.attempts ?? 0;
  if (attempts < 0) d.error('attempts cannot be negative', 'attempts');
  if (attempts === 0 && (r.perTryTimeout !== undefined || (r.retryOn ?? '') !== '' || r.retryRemoteLocalities !== undefined)) {
    d.warning('http retry policy configured when attempts are set to 0 (disabled)');
  }
  validateDuration(r.perTryTimeout, d, ['perTryTimeout']);
  validateDuration(r.backoff, d, ['backoff']);
  if (r.retryOn) {
    for (const raw of r.retryOn.split(',')) {
      const policy = raw.trim();
      if (policy === '') continue;
      if (RETRY_ON.has(policy)) continue;
      const code = Number(policy);
      if (/^\d+$/.test(policy) && code >= 100 && code <= 599) continue;
      d.error(`"${policy}" is not a valid retryOn policy`, 'retryOn');
    }
  }
}

function validateRewrite(http: HTTPRoute, d: Diagnostics): void {
  const r = http.rewrite;
  if (r) {
    if (r.uri !== undefined && r.uri !== '' && r.uriRegexRewrite) {
      d.error('rewrite may only contain one of URI or UriRegexRewrite', 'rewrite');
    }
    if (!r.uri && !r.uriRegexRewrite && !r.authority) {
      d.error('rewrite must specify at least one of URI, UriRegexRewrite, or authority', 'rewrite');
    }
    if (r.uriRegexRewrite) {
      const { match, rewrite } = r.uriRegexRewrite;
      if (!match || rewrite === undefined) d.error('UriRegexRewrite requires both Rewrite and Match fields to be specified', 'rewrite', 'uriRegexRewrite');
      if (match) checkRegex(match, d, ['rewrite', 'uriRegexRewrite', 'match']);
    }
  }
  // The authority may be rewritten in one place only, or Envoy would apply one silently.
  let current = r?.authority ?? '';
  for (const field of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(http.headers?.request?.[field] ?? {})) {
      if (!isAuthorityHeader(name)) continue;
      if (current !== '') {
        d.error(`authority header cannot be set multiple times: have "${current}", attempting to set "${value}"`, 'headers', 'request', field, name);
      }
      current = value;
    }
  }
}

function validateRouteDestinations(routes: readonly HTTPRouteDestination[] | undefined, d: Diagnostics): void {
  if (!routes) return;
  let total = 0;
  routes.forEach((r, i) => {
    validateDestination(r.destination, d, ['route', i, 'destination']);
    validateHeaders(r.headers, d, ['route', i, 'headers']);
    const w = r.weight ?? 0;
    if (w < 0) d.error(`weight ${w} < 0`, 'route', i, 'weight');
    total += w;
  });
  if (routes.length > 1 && total === 0) d.error('total destination weight = 0', 'route');
}

function validateCors(c: CorsPolicy | undefined, d: Diagnostics): void {
  if (!c) return;
  if (c.allowOrigin) d.warning('allowOrigin is deprecated, use allowOrigins', 'allowOrigin');
  c.allowOrigins?.forEach((o, i) => {
    if (o.exact === undefined && o.prefix === undefined && o.regex === undefined) d.error('allowOrigins entry must set exact, prefix or regex', 'allowOrigins', i);
    validateStringMatch(o, d, ['allowOrigins', i]);
  });
  c.allowMethods?.forEach((m, i) => {
    if (!HTTP_METHODS.has(m)) d.error(`"${m}" is not a supported HTTP method`, 'allowMethods', i);
  });
  for (const field of ['allowHeaders', 'exposeHeaders'] as const) {
    c[field]?.forEach((h, i) => {
      const e = headerNameError(h);
      if (e) d.error(e, field, i);
    });
  }
  const ms = validateDuration(c.maxAge, d, ['maxAge']);
  if (ms !== undefined && ms >= 1 && ms % 1000 !== 0) d.error('max_age duration is accurate only to seconds precision', 'maxAge');
}

function validateFault(f: HTTPFaultInjection | undefined, d: Diagnostics): void {
  if (!f) return;
  if (!f.abort && !f.delay) d.error('HTTP fault injection must have an abort and/or a delay');
  if (f.abort) {
    const a = f.abort;
    const kinds = [a.httpStatus !== undefined, a.grpcStatus !== undefined, a.http2Error !== undefined].filter(Boolean).length;
    if (kinds === 0) d.error('abort must specify httpStatus or grpcStatus', 'abort');
    if (kinds > 1) d.error('only one of httpStatus, grpcStatus or http2Error may be set', 'abort');
    validatePercentage(a.percentage, d, ['abort', 'percentage', 'value']);
    if (a.httpStatus !== undefined && (a.httpStatus < 200 || a.httpStatus > 599)) {
      d.error(`invalid abort http status ${a.httpStatus}`, 'abort', 'httpStatus');
    }
    if (a.grpcStatus !== undefined && !GRPC_CODES.has(a.grpcStatus)) d.error(`${a.grpcStatus} is not a valid gRPC status code`, 'abort', 'grpcStatus');
    if (a.http2Error !== undefined) d.error('HTTP/2 abort fault injection not supported yet', 'abort', 'http2Error');
  }
  if (f.delay) {
    const dl = f.delay;
    validateIntPercent(dl.percent, d, ['delay', 'percent']);
    if (dl.percent !== undefined) d.warning('delay.percent is deprecated, use delay.percentage', 'delay', 'percent');
    if (dl.percent !== undefined && dl.percentage) d.error('only one of percent or percentage may be set', 'delay', 'percentage');
    validatePercentage(dl.percentage, d, ['delay', 'percentage', 'value']);
    if (dl.exponentialDelay !== undefined) d.error('exponentialDelay not supported yet', 'delay', 'exponentialDelay');
    else if (dl.fixedDelay === undefined) d.error('delay must specify fixedDelay', 'delay', 'fixedDelay');
    validateDuration(dl.fixedDelay, d, ['delay', 'fixedDelay']);
  }
}
