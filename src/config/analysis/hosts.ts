// Host names as Istio compares them: short names resolve against the referring config's namespace
// (`reviews` in `default` → `reviews.default.svc.cluster.local`), and `*.example.com` wildcards
// match any host under that suffix.
import { isIP } from 'node:net';

export const DOMAIN_SUFFIX = 'cluster.local';

/** Istio's ResolveShortnameToFQDN: names with a dot, `*` and IPs are already fully qualified. */
export function resolveShortName(host: string, namespace: string): string {
  if (host === '' || host === '*' || host.includes('.') || isIP(host) !== 0) return host;
  return `${host}.${namespace}.svc.${DOMAIN_SUFFIX}`;
}

/** Does `pattern` (maybe `*` or `*.suffix`) cover `host`? Not symmetric. */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return false;
}

/** Do two host names (either may be a wildcard) have any host in common? Istio's host.Name.Matches. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** exportTo as Istio reads it: empty or `*` = everywhere, `.` = own namespace, else the listed ones. */
export function visibleFrom(exportTo: readonly string[] | undefined, ownNamespace: string, fromNamespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' ? ownNamespace === fromNamespace : e === fromNamespace));
}
