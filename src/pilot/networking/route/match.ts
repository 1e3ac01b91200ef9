// HTTPMatchRequest → Envoy RouteMatch, plus the static checks Istio settles at generation time
// (port, source labels, source namespace, gateways): a match that cannot apply to this proxy on
// this port produces no route at all.
import type { HTTPMatchRequest } from '../../../api/networking/virtual-service-schema.js';
import type { RouteMatch } from '../../../xds-api/index.js';
import { selectorMatches } from '../../model/labels.js';
import { isPresenceMatch, stringMatcher, type IstioStringMatch } from './convert.js';

export interface HeaderMatcherInput {
  name: string;
  present_match?: boolean;
  string_match?: Record<string, unknown>;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
}

export function headerMatcher(name: string, m: IstioStringMatch | undefined): HeaderMatcherInput {
  if (isPresenceMatch(m)) return { name, present_match: true };
  const sm = stringMatcher(m!);
  return sm ? { name, string_match: sm } : { name };
}

function queryMatcher(name: string, m: IstioStringMatch | undefined): Record<string, unknown> {
  if (isPresenceMatch(m)) return { name, present_match: true };
  const sm = stringMatcher(m!);
  return sm ? { name, string_match: sm } : { name };
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The RouteMatch of one HTTPMatchRequest (`undefined`: the implicit catch-all `prefix: /`). */
export function translateRouteMatch(m: HTTPMatchRequest | undefined): RouteMatch {
  const out: RouteMatch = { prefix: '/' };
  if (!m) return out;
  const headers: HeaderMatcherInput[] = [];
  for (const [name, sm] of Object.entries(m.headers ?? {})) headers.push(headerMatcher(name, sm));
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const h = headerMatcher(name, sm);
    h.invert_match = true;
    // Envoy rejects treat_missing_header_as_empty beside present_match.
    if (!isPresenceMatch(sm)) h.treat_missing_header_as_empty = true;
    headers.push(h);
  }
  headers.sort(byName);
  if (m.uri) {
    if (m.uri.exact !== undefined) out.path = m.uri.exact;
    else if (m.uri.prefix !== undefined) out.prefix = m.uri.prefix;
    else if (m.uri.regex !== undefined) out.safe_regex = { regex: m.uri.regex };
    if (out.path !== undefined || out.safe_regex !== undefined) delete out.prefix;
  }
  out.case_sensitive = { value: !m.ignoreUriCase };
  if (m.method) headers.push(headerMatcher(':method', m.method));
  if (m.authority) headers.push(headerMatcher(':authority', m.authority));
  if (m.scheme) headers.push(headerMatcher(':scheme', m.scheme));
  if (headers.length > 0) out.headers = headers as RouteMatch['headers'];
  const query = Object.entries(m.queryParams ?? {}).map(([name, sm]) => queryMatcher(name, sm)) as { name: string }[];
  if (query.length > 0) out.query_parameters = query.sort(byName) as RouteMatch['query_parameters'];
  return out;
}

export interface SourceContext {
  readonly labels: Readonly<Record<string, string>>;
  readonly namespace: string;
  /** `mesh` for sidecars, `ns/name` for gateways. */
  readonly gateways: ReadonlySet<string>;
}

/** Istio: explicit gateways decide alone; otherwise sourceLabels ⊆ proxy labels and sourceNamespace. */
export function sourceMatches(m: HTTPMatchRequest | undefined, src: SourceContext): boolean {
  if (!m) return true;
  if (m.gateways && m.gateways.length > 0) return m.gateways.some((g) => src.gateways.has(g));
  if (!selectorMatches(m.sourceLabels, src.labels)) return false;
  return !m.sourceNamespace || m.sourceNamespace === src.namespace;
}

/** A route that matches every request (Istio moves these last and stops reading a VirtualService there). */
export function isCatchAll(match: RouteMatch | null | undefined): boolean {
  if (!match) return false;
  let all = false;
  if (match.prefix !== undefined && match.path === undefined && match.safe_regex === undefined) all = match.prefix === '/';
  else if (match.safe_regex) all = match.safe_regex.regex === '.*';
  return all && (match.headers?.length ?? 0) === 0 && (match.query_parameters?.length ?? 0) === 0 && (match.dynamic_metadata?.length ?? 0) === 0;
}
