// Values AuthorizationPolicy matches on: `when` attribute keys and their values, IP blocks, ports
// and request paths, with the forms Istio accepts for each.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { cidrError } from '../validation/net.js';

type KeyRule = 'header' | 'ip' | 'port' | 'plain' | 'claim' | 'experimental';

const EXACT_KEYS: ReadonlyMap<string, KeyRule> = new Map([
  ['source.ip', 'ip'],
  ['remote.ip', 'ip'],
  ['source.namespace', 'plain'],
  ['source.principal', 'plain'],
  ['source.serviceAccount', 'plain'],
  ['request.auth.principal', 'plain'],
  ['request.auth.audiences', 'plain'],
  ['request.auth.presenter', 'plain'],
  ['destination.ip', 'ip'],
  ['destination.port', 'port'],
  ['connection.sni', 'plain'],
]);

/** How Istio classifies a `when` key, or the reason it rejects the key. */
function classifyKey(key: string): KeyRule | { error: string } {
  const exact = EXACT_KEYS.get(key);
  if (exact) return exact;
  if (key.startsWith('request.headers')) return 'header';
  if (key.startsWith('request.auth.claims')) return 'claim';
  if (key.startsWith('experimental.envoy.filters.')) return 'experimental';
  if (key === 'destination.namespace') return { error: `attribute ${key} is replaced by the metadata.namespace` };
  if (key.startsWith('destination.labels')) return { error: `attribute ${key} is replaced by the workload selector` };
  if (key === 'destination.name' || key === 'destination.user') return { error: `deprecated attribute ${key}: only supported in v1alpha1` };
  return { error: `unknown attribute: ${key}` };
}

/** `a[b]`: a non-empty name, `[`, a non-empty key, `]` at the very end. */
function mapKeyOk(key: string): boolean {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
}

export function checkIpList(values: readonly string[] | undefined, d: Diagnostics, path: PathSegment[]): void {
  values?.forEach((v, i) => {
    if (v === '') return; // reported as an empty value
    const e = cidrError(v);
    if (e) d.error(v.includes('/') ? `bad CIDR range (${v})` : `bad IP address (${v})`, ...path, i);
  });
}

export function checkPortList(values: readonly string[] | undefined, d: Diagnostics, path: PathSegment[]): void {
  values?.forEach((v, i) => {
    if (v === '') return;
    if (!/^\d+$/.test(v) || Number(v) > 65535) d.error(`bad port (${v}): must be a number in 0..65535`, ...path, i);
  });
}

/** Checks a `when` condition's key and its values / notValues; key errors go to `key`. */
export function checkAttribute(
  key: string,
  lists: { values?: readonly string[]; notValues?: readonly string[] },
  d: Diagnostics,
): void {
  for (const field of ['values', 'notValues'] as const) {
    lists[field]?.forEach((v, i) => {
      if (v === '') d.error(`empty value not allowed, found in ${key}`, field, i);
    });
  }
  const rule = classifyKey(key);
  if (typeof rule === 'object') {
    d.error(`invalid \`key\` ${key}: ${rule.error}`, 'key');
    return;
  }
  if ((rule === 'header' || rule === 'claim' || rule === 'experimental') && !mapKeyOk(key)) {
    d.error(`bad key (${key}): should have format a[b]`, 'key');
    return;
  }
  for (const field of ['values', 'notValues'] as const) {
    if (rule === 'ip') checkIpList(lists[field], d, [field]);
    else if (rule === 'port') checkPortList(lists[field], d, [field]);
  }
}

const TEMPLATE_ONE = '{*}';
const TEMPLATE_ANY = '{**}';
/** Named variables, empty braces and bare `*`/`**` path segments are not supported in templates. */
const UNSUPPORTED_TEMPLATE = /\/\{\w+=\*\*?\}|\{\w*\}|\/\*\*?|\*\*?\//;

export function isPathTemplate(path: string): boolean {
  return path.includes(TEMPLATE_ONE) || path.includes(TEMPLATE_ANY);
}

export function unsupportedPathTemplate(path: string): boolean {
  return isPathTemplate(path) && UNSUPPORTED_TEMPLATE.test(path);
}

/**
 * Paths Istio accepts but that will not do what they appear to: a `*` is a wildcard only as the
 * whole value, the first or the last character; and a path not starting with `/` never matches.
 */
export function pathWarnings(path: string): string[] {
  if (path === '*' || isPathTemplate(path)) return [];
  const out: string[] = [];
  const inner = path.slice(1, -1);
  if (inner.includes('*')) out.push(`"${path}": '*' is a wildcard only at the start or end of a path; here it matches a literal '*'`);
  if (!path.startsWith('/') && !path.startsWith('*')) out.push(`"${path}" does not start with '/' and will never match a request path`);
  return out;
}
