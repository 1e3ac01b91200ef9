// VirtualServices as PushContext serves them: short names made fully qualified, delegates merged
// into their roots, then indexed by gateway (`mesh` for sidecars) and by who may see them
// (exportTo, with MeshConfig's defaultVirtualServiceExportTo when unset).
import type { Config } from '../../api/config.js';
import { configKey } from '../../api/config.js';
import { MESH_GATEWAY, resolveGatewayName, resolveShortName } from './host.js';
import type { ResolvedMesh } from './mesh.js';
import type { Destination, HTTPRouteSpec, L4RouteSpec, VirtualServiceSpec } from './specs.js';
import { mergeDelegateRoutes } from './virtual-service-delegate.js';
import { resolveVisibility, visibleTo, type Visibility } from './visibility.js';

export type VirtualServiceConfig = Config<VirtualServiceSpec>;

const NONE: readonly VirtualServiceConfig[] = Object.freeze([]);

function resolveDest(d: Destination | undefined, ns: string, suffix: string): Destination | undefined {
  return d && { ...d, host: resolveShortName(d.host, ns, suffix) };
}

function resolveL4(routes: readonly L4RouteSpec[] | undefined, ns: string, suffix: string): L4RouteSpec[] | undefined {
  return routes?.map((r) => ({
    ...r,
    ...(r.match ? { match: r.match.map((m) => (m.gateways ? { ...m, gateways: m.gateways.map((g) => resolveGatewayName(g, ns)) } : m)) } : {}),
    ...(r.route ? { route: r.route.map((w) => ({ ...w, destination: resolveDest(w.destination, ns, suffix) })) } : {}),
  }));
}

function resolveHttp(routes: readonly HTTPRouteSpec[] | undefined, ns: string, suffix: string): HTTPRouteSpec[] | undefined {
  return routes?.map((r) => {
    const out: Record<string, unknown> = { ...r };
    if (r.match) out.match = r.match.map((m) => (Array.isArray(m.gateways) ? { ...m, gateways: (m.gateways as string[]).map((g) => resolveGatewayName(g, ns)) } : m));
    if (r.route) out.route = r.route.map((w) => ({ ...w, destination: resolveDest(w.destination, ns, suffix) }));
    if (r.mirror) out.mirror = resolveDest(r.mirror, ns, suffix);
    if (r.mirrors) out.mirrors = r.mirrors.map((m) => ({ ...m, destination: resolveDest(m.destination, ns, suffix) }));
    return out as HTTPRouteSpec;
  });
}

/** A VirtualService with every host, gateway and destination written fully qualified. */
export function resolveVirtualService(vs: VirtualServiceConfig, domainSuffix: string): VirtualServiceConfig {
  const ns = vs.meta.namespace;
  const s = vs.spec;
  const spec: VirtualServiceSpec = {
    ...s,
    ...(s.hosts ? { hosts: s.hosts.map((h) => resolveShortName(h, ns, domainSuffix)) } : {}),
    ...(s.gateways ? { gateways: s.gateways.map((g) => resolveGatewayName(g, ns)) } : {}),
    ...(s.http ? { http: resolveHttp(s.http, ns, domainSuffix) } : {}),
    ...(s.tls ? { tls: resolveL4(s.tls, ns, domainSuffix) } : {}),
    ...(s.tcp ? { tcp: resolveL4(s.tcp, ns, domainSuffix) } : {}),
  };
  return { ...vs, spec };
}

function gatewayNames(vs: VirtualServiceSpec): readonly string[] {
  return vs.gateways && vs.gateways.length > 0 ? vs.gateways : [MESH_GATEWAY];
}

export class VirtualServiceIndex {
  /** Root and ordinary VirtualServices after delegate merging, oldest first. */
  readonly all: readonly VirtualServiceConfig[];
  private readonly publicByGateway = new Map<string, VirtualServiceConfig[]>();
  /** `namespace\0gateway` → VirtualServices visible in that namespace only (private or exported to it). */
  private readonly byNamespaceAndGateway = new Map<string, VirtualServiceConfig[]>();
  /** Delegate key → keys of the roots that use it (a delegate change re-pushes its roots). */
  readonly rootsByDelegate = new Map<string, string[]>();

  constructor(configs: readonly VirtualServiceConfig[], mesh: ResolvedMesh) {
    const resolved = [...configs].sort(compareByCreation).map((c) => resolveVirtualService(c, mesh.domainSuffix));
    const delegates = new Map<string, VirtualServiceConfig>();
    const roots: VirtualServiceConfig[] = [];
    for (const vs of resolved) {
      if ((vs.spec.hosts ?? []).length === 0) delegates.set(`${vs.meta.namespace}/${vs.meta.name}`, vs);
      else roots.push(vs);
    }
    this.all = Object.freeze(roots.map((r) => this.mergeDelegates(r, delegates, mesh)));
    for (const vs of this.all) {
      const v = resolveVisibility(vs.spec.exportTo, vs.meta.namespace, mesh.defaultVirtualServiceExportTo);
      for (const gw of gatewayNames(vs.spec)) {
        if (v.kind === 'public') push(this.publicByGateway, gw, vs);
        else if (v.kind === 'namespaces') for (const ns of v.namespaces) push(this.byNamespaceAndGateway, `${ns}\0${gw}`, vs);
      }
    }
  }

  private mergeDelegates(root: VirtualServiceConfig, delegates: ReadonlyMap<string, VirtualServiceConfig>, mesh: ResolvedMesh): VirtualServiceConfig {
    const http = root.spec.http;
    if (!http?.some((r) => r.delegate)) return root;
    const merged: HTTPRouteSpec[] = [];
    for (const route of http) {
      if (!route.delegate) {
        merged.push(route);
        continue;
      }
      const key = `${route.delegate.namespace || root.meta.namespace}/${route.delegate.name ?? ''}`;
      const d = delegates.get(key);
      push(this.rootsByDelegate, configKey(d?.meta ?? { gvk: root.meta.gvk, namespace: key.split('/')[0], name: route.delegate.name ?? '' }), configKey(root.meta));
      // A missing delegate, or one not exported to the root's namespace, drops the route.
      if (!d) continue;
      const v: Visibility = resolveVisibility(d.spec.exportTo, d.meta.namespace, mesh.defaultVirtualServiceExportTo);
      if (!visibleTo(v, root.meta.namespace)) continue;
      merged.push(...mergeDelegateRoutes(route, d.spec.http ?? []));
    }
    return { ...root, spec: { ...root.spec, http: merged } };
  }

  /** VirtualServices bound to `gateway` (`mesh` or `ns/name`) that a proxy in `namespace` may see. */
  forGateway(namespace: string, gateway: string): readonly VirtualServiceConfig[] {
    const local = this.byNamespaceAndGateway.get(`${namespace}\0${gateway}`) ?? NONE;
    const pub = this.publicByGateway.get(gateway) ?? NONE;
    if (local.length === 0) return pub;
    return [...local, ...pub];
  }
}

function compareByCreation(a: Config, b: Config): number {
  const ta = a.meta.creationTimestamp ? Date.parse(a.meta.creationTimestamp) : 0;
  const tb = b.meta.creationTimestamp ? Date.parse(b.meta.creationTimestamp) : 0;
  if (ta !== tb) return ta - tb;
  if (a.meta.namespace !== b.meta.namespace) return a.meta.namespace < b.meta.namespace ? -1 : 1;
  return a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0;
}

export { compareByCreation as compareConfigsByCreation };

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
