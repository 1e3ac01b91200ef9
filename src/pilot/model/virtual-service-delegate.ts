// VirtualService delegation: a root VirtualService's `http[].delegate` route is replaced by the
// delegate's routes, each match narrowed by the root route's match; a delegate match that cannot
// lie inside the root's (different exact URI, prefix outside the root's prefix) is dropped.
import type { HTTPRouteSpec } from './specs.js';

type StringMatch = { exact?: string; prefix?: string; regex?: string } | undefined;
type Match = Record<string, any>;

/** Fields a delegate route inherits from its root route when it leaves them unset. */
const INHERITED = ['rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercent', 'mirrorPercentage', 'corsPolicy', 'mirrors', 'headers'] as const;
const MATCH_STRING_FIELDS = ['uri', 'scheme', 'method', 'authority'] as const;
const MATCH_MAP_FIELDS = ['headers', 'withoutHeaders', 'queryParams'] as const;

function stringMatchConflict(root: StringMatch, leaf: StringMatch): boolean {
  if (!root || !leaf) return false;
  if (root.regex && (leaf.regex || leaf.prefix || leaf.exact)) return true;
  if (leaf.regex && (root.regex || root.prefix || root.exact)) return true;
  if (root.exact) return leaf.prefix !== undefined && leaf.prefix !== '' ? true : leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}

function matchConflict(root: Match, leaf: Match): boolean {
  for (const f of MATCH_STRING_FIELDS) if (stringMatchConflict(root[f], leaf[f])) return true;
  for (const f of MATCH_MAP_FIELDS) {
    for (const [k, v] of Object.entries((leaf[f] ?? {}) as Record<string, StringMatch>)) {
      if (stringMatchConflict(root[f]?.[k], v)) return true;
    }
  }
  if (Boolean(root.ignoreUriCase) !== Boolean(leaf.ignoreUriCase)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries((leaf.sourceLabels ?? {}) as Record<string, string>)) {
    if (root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v) return true;
  }
  const rg: string[] = root.gateways ?? [];
  const lg: string[] = leaf.gateways ?? [];
  if (rg.length > 0 && lg.length > 0 && lg.some((g) => !rg.includes(g))) return true;
  return false;
}

function joinNames(root: string | undefined, leaf: string | undefined): string | undefined {
  if (!leaf) return root;
  return root ? `${root}-${leaf}` : leaf;
}

function mergeMatch(root: Match, leaf: Match): Match {
  const out: Match = { ...leaf };
  const name = joinNames(root.name, leaf.name);
  if (name !== undefined) out.name = name;
  for (const f of [...MATCH_STRING_FIELDS, 'port', 'sourceNamespace', 'statPrefix'] as const) {
    if (out[f] === undefined && root[f] !== undefined) out[f] = root[f];
  }
  for (const f of [...MATCH_MAP_FIELDS, 'sourceLabels'] as const) {
    if (root[f] || leaf[f]) out[f] = { ...root[f], ...leaf[f] };
  }
  if ((out.gateways ?? []).length === 0 && root.gateways) out.gateways = root.gateways;
  return out;
}

/** undefined: every delegate match conflicts with every root match (the route is dropped). */
function mergeMatches(root: readonly Match[] | undefined, leaf: readonly Match[] | undefined): Match[] | undefined {
  if (!root || root.length === 0) return leaf ? [...leaf] : [];
  if (!leaf || leaf.length === 0) return [...root];
  const out: Match[] = [];
  for (const l of leaf) {
    let found = false;
    for (const r of root) {
      if (matchConflict(r, l)) continue;
      out.push(mergeMatch(r, l));
      found = true;
    }
    if (!found) return undefined;
  }
  return out.length > 0 ? out : undefined;
}

/** The routes one root route expands to, given the delegate's (already host-resolved) routes. */
export function mergeDelegateRoutes(root: HTTPRouteSpec, delegateRoutes: readonly HTTPRouteSpec[]): HTTPRouteSpec[] {
  const out: HTTPRouteSpec[] = [];
  for (const d of delegateRoutes) {
    const match = mergeMatches(root.match as Match[] | undefined, d.match as Match[] | undefined);
    if (!match) continue;
    const merged: Record<string, unknown> = { ...d };
    if (match.length > 0) merged.match = match;
    else delete merged.match;
    const name = joinNames(root.name, d.name);
    if (name !== undefined) merged.name = name;
    for (const f of INHERITED) if (merged[f] === undefined && root[f] !== undefined) merged[f] = root[f];
    out.push(merged as HTTPRouteSpec);
  }
  return out;
}
