// CorsPolicy → the per-route config of `envoy.filters.http.cors`. Origins become string matchers
// (the deprecated `allowOrigin` list is exact matches), lists are comma-joined as Envoy expects,
// the filter is enabled for 100% of requests, and unmatched preflights are forwarded unless the
// policy says IGNORE (Envoy's behaviour before 1.30, which Istio keeps).
import type { CorsPolicy } from '../../../api/networking/virtual-service-schema.js';
import { stringMatcher, type EnvoyStringMatcher } from './convert.js';

export interface CorsPolicyInput {
  allow_origin_string_match?: EnvoyStringMatcher[];
  allow_methods?: string;
  allow_headers?: string;
  expose_headers?: string;
  max_age?: string;
  allow_credentials?: { value: boolean };
  filter_enabled: { default_value: { numerator: number; denominator: 'HUNDRED' } };
  forward_not_matching_preflights: { value: boolean };
}

export function translateCors(c: CorsPolicy): CorsPolicyInput {
  const out: CorsPolicyInput = {
    filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
    forward_not_matching_preflights: { value: c.unmatchedPreflights !== 'IGNORE' },
  };
  if (c.allowOrigins) out.allow_origin_string_match = c.allowOrigins.map(stringMatcher).filter((m): m is EnvoyStringMatcher => m !== undefined);
  else if (c.allowOrigin) out.allow_origin_string_match = c.allowOrigin.map((o) => ({ exact: o }));
  if (c.allowMethods) out.allow_methods = c.allowMethods.join(',');
  if (c.allowHeaders) out.allow_headers = c.allowHeaders.join(',');
  if (c.exposeHeaders) out.expose_headers = c.exposeHeaders.join(',');
  if (c.maxAge !== undefined) {
    const secs = Math.trunc(maxAgeSeconds(c.maxAge));
    out.max_age = String(secs);
  }
  if (c.allowCredentials !== undefined) out.allow_credentials = { value: c.allowCredentials };
  return out;
}

function maxAgeSeconds(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
}
