// Envoy's CORS filter: answers preflights (OPTIONS + Origin + Access-Control-Request-Method) from an
// allowed origin itself, and adds Access-Control-Allow-Origin (and friends) to the responses of
// allowed cross-origin requests. The policy is the route's, else the virtual host's.
import type { CorsPolicy } from '../config/types.js';
import type { RequestHeaders } from '../http1/headers.js';
import { compileStringMatcher, type StringPredicate } from '../router/string-matcher.js';
import { fraction } from './fault.js';

export class CorsStats {
  origin_valid = 0;
  origin_invalid = 0;
}

export interface CompiledCors {
  readonly origins: readonly StringPredicate[];
  readonly allowMethods: string | undefined;
  readonly allowHeaders: string | undefined;
  readonly exposeHeaders: string | undefined;
  readonly maxAge: string | undefined;
  readonly allowCredentials: boolean;
  readonly allowPrivateNetworkAccess: boolean;
  readonly enabledChance: number;
  readonly forwardNotMatchingPreflights: boolean;
}

export function compileCors(p: CorsPolicy): CompiledCors {
  return {
    origins: (p.allowOriginStringMatch ?? []).map(compileStringMatcher),
    allowMethods: p.allowMethods || undefined,
    allowHeaders: p.allowHeaders || undefined,
    exposeHeaders: p.exposeHeaders || undefined,
    maxAge: p.maxAge || undefined,
    allowCredentials: p.allowCredentials === true,
    allowPrivateNetworkAccess: p.allowPrivateNetworkAccess === true,
    enabledChance: fraction(p.filterEnabled),
    forwardNotMatchingPreflights: p.forwardNotMatchingPreflights ?? true,
  };
}

export type CorsOutcome =
  | { readonly kind: 'none' }
  /** Answer the preflight locally with these headers (status 200). */
  | { readonly kind: 'preflight'; readonly headers: [string, string][] }
  /** A preflight from an origin not allowed, not forwarded (forwardNotMatchingPreflights false): 200 without CORS headers. */
  | { readonly kind: 'deny' }
  /** Forward, and add these headers to the response. */
  | { readonly kind: 'response'; readonly headers: [string, string][] };

const NONE: CorsOutcome = { kind: 'none' };

export function evaluateCors(c: CompiledCors, method: string, h: RequestHeaders, random: () => number, stats: CorsStats): CorsOutcome {
  const origin = h.get('origin');
  if (origin === undefined || origin === '') return NONE;
  if (c.enabledChance < 1 && random() >= c.enabledChance) return NONE;
  const allowed = c.origins.some((m) => m(origin));
  if (allowed) stats.origin_valid++;
  else stats.origin_invalid++;
  const preflight = method === 'OPTIONS' && (h.get('access-control-request-method') ?? '') !== '';
  if (!allowed) return preflight && !c.forwardNotMatchingPreflights ? { kind: 'deny' } : NONE;
  const out: [string, string][] = [['access-control-allow-origin', origin]];
  if (c.allowCredentials) out.push(['access-control-allow-credentials', 'true']);
  if (!preflight) {
    if (c.exposeHeaders !== undefined) out.push(['access-control-expose-headers', c.exposeHeaders]);
    return { kind: 'response', headers: out };
  }
  if (c.allowMethods !== undefined) out.push(['access-control-allow-methods', c.allowMethods]);
  if (c.allowHeaders !== undefined) out.push(['access-control-allow-headers', c.allowHeaders]);
  if (c.maxAge !== undefined) out.push(['access-control-max-age', c.maxAge]);
  if (c.allowPrivateNetworkAccess && h.get('access-control-request-private-network') === 'true') {
    out.push(['access-control-allow-private-network', 'true']);
  }
  return { kind: 'preflight', headers: out };
}
