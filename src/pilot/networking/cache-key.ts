// What a generated xDS resource depends on, so that istiod can translate and encode it once per
// push for every proxy that would get the same bytes (Istio's XdsCache keys). Translation owns the
// keys because only it knows which inputs it reads; the cache (src/xds) owns storage and
// invalidation. A key must name every input that can differ between two proxies in one push;
// `deps` name the configs whose change invalidates the entry across pushes.
import type { Config } from '../../api/config.js';
import type { Labels } from '../model/labels.js';
import type { Proxy } from '../model/proxy.js';
import { KINDS, type PushContext } from '../model/push-context.js';
import type { Service } from '../model/service.js';
import { localityString } from '../model/endpoint.js';
import type { MeshConfig } from '../../api/mesh/index.js';
import { hostsMatch } from '../model/host.js';
import { resolveVirtualService, type VirtualServiceConfig } from '../model/virtual-service-index.js';
import { destinationHosts } from '../model/sidecar-scope.js';
import { translationMesh } from './endpoint/mesh-settings.js';
import { proxyLocality } from './endpoint/proxy-instances.js';

/** One resource (or a small group built together) with the identity of its inputs. */
export interface CacheableUnit<T> {
  /** The exact inputs within one push; undefined: never shared (built for this proxy alone). */
  readonly key: string | undefined;
  /** Config keys (`serviceConfigKey`, `configKey`) or ANY_CONFIG whose change invalidates the entry. */
  readonly deps: readonly string[];
  build(): T;
}

/**
 * The dependency of an entry that reads config beyond what its deps list: dropped on every full
 * push, kept over endpoint-only pushes (it must not read endpoints).
 */
export const ANY_CONFIG = '*';

/**
 * The dependency of an entry that reads every config except VirtualServices, whose effect it names
 * through narrower deps (route configurations: `routePortDep`, `ALL_ROUTES`): dropped on every full
 * push that changes anything else.
 */
export const CONFIG_BUT_VIRTUAL_SERVICES = '*!VirtualService';

/** Every sidecar route configuration (a VirtualService change whose reach cannot be bounded). */
export const ALL_ROUTES = 'routes/*';

/** Sidecar route configurations of one port (`80`, and sniffed `host:80`). */
export function routePortDep(port: number): string {
  return `routes/${port}`;
}

/** Outbound listeners: VirtualServices reach them only through their tcp and tls routes. */
export const L4_VIRTUAL_SERVICES = 'listeners/l4-routes';

const VIRTUAL_SERVICE_PREFIX = 'VirtualService.networking.istio.io/';

/**
 * The deps a change of VirtualService `key` invalidates, from the snapshots before and after.
 * Route configurations: the ports of every service its hosts (old and new) match, plus 80, where a
 * sidecar's route configuration carries every VirtualService's hosts outside the registry; a
 * delegate (no hosts; it changes its roots' routes) cannot be bounded: ALL_ROUTES. Outbound
 * listeners (L4_VIRTUAL_SERVICES) only when the old or new VirtualService has tcp or tls routes.
 */
export function virtualServiceDeps(key: string, push: PushContext, previous: PushContext | undefined): string[] {
  if (!key.startsWith(VIRTUAL_SERVICE_PREFIX)) return [ALL_ROUTES, L4_VIRTUAL_SERVICES];
  const hosts: string[] = [];
  let l4 = false;
  let delegate = false;
  for (const p of [previous, push]) {
    const vs = p?.snapshot.getByKey(key) as VirtualServiceConfig | undefined;
    if (!vs) continue;
    const resolved = resolveVirtualService(vs, p!.mesh.domainSuffix);
    l4 ||= (resolved.spec.tcp?.length ?? 0) > 0 || (resolved.spec.tls?.length ?? 0) > 0;
    if ((resolved.spec.hosts ?? []).length === 0) delegate = true;
    // Its destinations too: under a Sidecar's egress hosts they join the scope's services (and
    // so that port's route configuration) when the VirtualService is selected.
    hosts.push(...(resolved.spec.hosts ?? []), ...destinationHosts(resolved));
  }
  const listeners = l4 ? [L4_VIRTUAL_SERVICES] : [];
  if (delegate) return [ALL_ROUTES, ...listeners];
  const ports = new Set<number>([80]);
  for (const p of [previous, push]) {
    for (const s of p?.services.all ?? []) {
      if (hosts.some((h) => hostsMatch(h, s.hostname))) for (const port of s.ports) ports.add(port.port);
    }
  }
  return [...[...ports].sort((a, b) => a - b).map(routePortDep), ...listeners];
}

/**
 * The key a service's change travels under in a PushRequest's configsUpdated (Istio's
 * `ServiceEntry/<namespace>/<hostname>`, for Kubernetes Services too): its definition or endpoints.
 */
export function serviceConfigKey(service: Pick<Service, 'namespace' | 'hostname'>): string {
  return `ServiceEntry/${service.namespace}/${service.hostname}`;
}

/** Labels in a canonical order, for keys. */
export function labelsKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

const sourceLabelled = new WeakMap<object, boolean>();

/** Whether any of these VirtualServices matches on sourceLabels (so the client's labels shape the output). */
export function anySourceLabels(vss: readonly { readonly spec: unknown }[]): boolean {
  return vss.some((vs) => {
    let v = sourceLabelled.get(vs);
    if (v === undefined) sourceLabelled.set(vs, (v = JSON.stringify(vs.spec).includes('"sourceLabels"')));
    return v;
  });
}

interface RuleFacts {
  /** Namespaces with a DestinationRule that has a workload selector (honoured only there). */
  readonly selectorNamespaces: ReadonlySet<string>;
  readonly failoverPriority: boolean;
}
const rulesByPush = new WeakMap<PushContext, RuleFacts>();

function ruleFacts(push: PushContext): RuleFacts {
  let f = rulesByPush.get(push);
  if (f) return f;
  const selectorNamespaces = new Set<string>();
  let failoverPriority = false;
  for (const dr of push.snapshot.list(KINDS.destinationRule) as readonly Config<{ workloadSelector?: unknown }>[]) {
    if (dr.spec.workloadSelector !== undefined) selectorNamespaces.add(dr.meta.namespace);
    failoverPriority ||= JSON.stringify(dr.spec).includes('"failoverPriority"');
  }
  rulesByPush.set(push, (f = { selectorNamespaces, failoverPriority }));
  return f;
}

/** Namespaces where a DestinationRule's workload selector makes the client's labels matter. */
export function selectorRuleNamespaces(push: PushContext): ReadonlySet<string> {
  return ruleFacts(push).selectorNamespaces;
}

type ClassProxy = Pick<Proxy, 'type' | 'configNamespace' | 'labels' | 'ipAddresses' | 'locality'>;

/**
 * Proxies with equal class keys get the same outbound clusters from one push: same type and
 * Sidecar scope, same labels where a selector DestinationRule in their namespace could pick by
 * them, and, when DNS clusters (endpoints inline) are in scope, the same IP family, locality and labels.
 */
export function clusterClassKey(proxy: ClassProxy, push: PushContext): string {
  const scope = push.sidecarScope(proxy);
  const sidecar = scope.sidecar ? `${scope.sidecar.meta.namespace}/${scope.sidecar.meta.name}` : '';
  const dns = scope.services.some((s) => s.resolution === 'DNSLB' || s.resolution === 'DNSRoundRobinLB');
  const labels = dns || ruleFacts(push).selectorNamespaces.has(proxy.configNamespace) ? labelsKey(proxy.labels) : '';
  const client = dns ? `${proxy.ipAddresses.join(',')}|${localityString(proxyLocality(proxy, push))}` : '';
  return `${proxy.type}|${proxy.configNamespace}|${scope.namespace}|${sidecar}|${labels}|${client}`;
}

/**
 * Proxies with equal class keys get the same assignment for every cluster name from one push:
 * as clusterClassKey, plus the locality (locality load balancing) and the labels wherever a
 * failoverPriority setting exists.
 */
export function endpointClassKey(proxy: ClassProxy, push: PushContext, mesh?: MeshConfig): string {
  const scope = push.sidecarScope(proxy);
  const sidecar = scope.sidecar ? `${scope.sidecar.meta.namespace}/${scope.sidecar.meta.name}` : '';
  const f = ruleFacts(push);
  const meshFailoverPriority = (translationMesh(mesh).localityLbSetting?.failoverPriority?.length ?? 0) > 0;
  const labels = meshFailoverPriority || f.failoverPriority || f.selectorNamespaces.has(proxy.configNamespace) ? labelsKey(proxy.labels) : '';
  return `${proxy.type}|${proxy.configNamespace}|${scope.namespace}|${sidecar}|${labels}|${localityString(proxyLocality(proxy, push))}`;
}
