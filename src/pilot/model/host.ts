// Hostnames as Istio compares them: exact names, `*.suffix` wildcards and the bare `*`, plus the
// short-name resolution rules config objects rely on (`reviews` → `reviews.default.svc.cluster.local`).
import { isIP } from 'node:net';

export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';

export function isWildcard(h: string): boolean {
  return h.startsWith('*');
}

/**
 * Whether two hostnames (either may be a wildcard) can name a common host. Symmetric:
 * `*.foo.com` matches `bar.foo.com` and `*.bar.foo.com`; `*` matches everything.
 */
export function hostsMatch(a: string, b: string): boolean {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** Whether every host `h` names is also named by `of` (`a.foo.com` ⊆ `*.foo.com` ⊆ `*.com` ⊆ `*`). */
export function hostSubsetOf(h: string, of: string): boolean {
  if (isWildcard(of)) return h.slice(isWildcard(h) ? 1 : 0).endsWith(of.slice(1));
  return !isWildcard(h) && h === of;
}

/**
 * The most specific key matching `needle`: an exact key first, else the narrowest matching
 * wildcard key. Used for DestinationRule host lookup and Sidecar host selection.
 */
export function mostSpecificHostMatch(needle: string, exact: ReadonlySet<string> | ReadonlyMap<string, unknown>, wildcards: Iterable<string>): string | undefined {
  if (exact.has(needle)) return needle;
  let best: string | undefined;
  for (const w of wildcards) {
    if (!hostsMatch(needle, w)) continue;
    if (isWildcard(needle) && !hostSubsetOf(needle, w)) continue;
    if (best === undefined || hostSubsetOf(w, best)) best = w;
  }
  return best;
}

/** `name.ns.svc.<domainSuffix>`, the FQDN of a Kubernetes Service. */
export function kubeServiceHostname(name: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  return `${name}.${namespace}.svc.${domainSuffix}`;
}

/**
 * A host written in a config object, made fully qualified: a name without dots is a Kubernetes
 * short name in the object's namespace; wildcards, IPs and dotted names are left alone.
 */
export function resolveShortName(host: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (host === '' || host.startsWith('*') || isIP(host) !== 0 || host.includes('.')) return host;
  return namespace === '' ? host : `${host}.${namespace}.svc.${domainSuffix}`;
}

/** The gateway name meaning "the sidecars of the mesh" in VirtualService.gateways. */
export const MESH_GATEWAY = 'mesh';

/**
 * A VirtualService's gateway reference in `namespace/name` form: `gw` and `./gw` mean the
 * object's namespace; the legacy `gw.ns.svc.cluster.local` form means `ns/gw`; `mesh` stays.
 */
export function resolveGatewayName(gw: string, namespace: string): string {
  if (gw === MESH_GATEWAY) return gw;
  const slash = gw.indexOf('/');
  if (slash >= 0) return gw.slice(0, slash) === '.' ? `${namespace}/${gw.slice(slash + 1)}` : gw;
  const dot = gw.indexOf('.');
  if (dot < 0) return `${namespace}/${gw}`;
  const rest = gw.slice(dot + 1);
  const next = rest.indexOf('.');
  return `${next < 0 ? rest : rest.slice(0, next)}/${gw.slice(0, dot)}`;
}
