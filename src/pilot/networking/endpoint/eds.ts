// EDS: one ClusterLoadAssignment per requested outbound cluster, from the push's endpoints alone
// (no CDS state), so an endpoint-only change regenerates EDS without touching clusters. The
// endpoints are the service port's, narrowed to the subset's labels, without unhealthy, draining
// or terminating ones, grouped by locality, and shaped by locality load balancing for this client.
import { isIP } from 'node:net';
import type { MeshConfig } from '../../../api/mesh/index.js';
import type { ClusterLoadAssignment, LocalityLbEndpoints } from '../../../xds-api/index.js';
import { localityString, type IstioEndpoint } from '../../model/endpoint.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { ANY_CONFIG, labelsKey, serviceConfigKey, type CacheableUnit } from '../cache-key.js';
import { parseSubsetKey } from '../names.js';
import { endpointWeight, groupByLocality, toLocalityLbEndpoints } from './lb-endpoints.js';
import { applyLocalityLb, effectiveLocalitySetting } from './locality-lb.js';
import { translationMesh } from './mesh-settings.js';
import { mtlsPossible } from './mtls.js';
import { proxyLocality } from './proxy-instances.js';
import { clusterTrafficPolicy, destinationRuleFor, type DestinationRuleConfig } from './traffic-policy.js';

export interface EndpointOptions {
  /** The mesh config istiod runs with; Istio's defaults when absent. */
  readonly mesh?: MeshConfig;
}

type Client = Pick<Proxy, 'type' | 'configNamespace' | 'labels' | 'ipAddresses' | 'locality'>;

export interface EndpointTarget {
  readonly service: Service;
  readonly port: number;
  /** '' for the service's default cluster. */
  readonly subset: string;
  readonly rule?: DestinationRuleConfig;
}

/**
 * The LocalityLbEndpoints of one outbound cluster for one client. `dns` keeps hostname addresses
 * (STRICT_DNS/LOGICAL_DNS load assignments inside CDS); EDS accepts only IPs and unix sockets.
 */
export function localityLbEndpoints(client: Client, push: PushContext, target: EndpointTarget, opts: EndpointOptions & { dns?: boolean } = {}): LocalityLbEndpoints[] {
  const { service, port, subset, rule } = target;
  const spec = rule?.spec;
  const labels = subset === '' ? undefined : spec?.subsets?.find((s) => s.name === subset)?.labels;
  const eps: IstioEndpoint[] = [];
  for (const inst of push.endpoints(service, port, labels)) {
    const ep = inst.endpoint;
    if (ep.healthStatus !== 'Healthy') continue;
    if (!opts.dns && ep.endpointPort !== 0 && isIP(ep.address) === 0 && !ep.address.startsWith('unix://')) continue;
    eps.push(ep);
  }
  if (eps.length === 0) return [];
  const policy = clusterTrafficPolicy(spec, subset, port);
  const mesh = translationMesh(opts.mesh);
  let groups = groupByLocality(eps);
  const setting = effectiveLocalitySetting(policy?.loadBalancer?.localityLbSetting, mesh.localityLbSetting);
  if (setting) {
    const locality = proxyLocality(client, push);
    groups = applyLocalityLb(groups, setting, { locality, labels: client.labels }, policy?.outlierDetection !== undefined, (e) => e.labels, endpointWeight);
  }
  return toLocalityLbEndpoints(groups, (ep) => mtlsPossible(policy?.tls, push, ep.namespace, ep.labels, ep.endpointPort));
}

/**
 * The assignment for one cluster name. Names that are not outbound clusters of a service this
 * proxy can see, or of a DNS/passthrough service (whose endpoints live in CDS), get an empty
 * assignment, as Istio answers them, so the client does not wait for them.
 */
export function buildClusterLoadAssignment(proxy: Client, push: PushContext, clusterName: string, opts: EndpointOptions = {}): ClusterLoadAssignment {
  const empty: ClusterLoadAssignment = { cluster_name: clusterName };
  const key = parseSubsetKey(clusterName);
  if (!key || key.direction !== 'outbound') return empty;
  const service = push.serviceForHostname(proxy, key.hostname);
  if (!service || !service.ports.some((p) => p.port === key.port)) return empty;
  const edsServed = service.resolution === 'ClientSideLB' || (service.resolution === 'Passthrough' && proxy.type === 'router');
  if (!edsServed) return empty;
  const rule = destinationRuleFor(push, proxy, service);
  const endpoints = localityLbEndpoints(proxy, push, { service, port: key.port, subset: key.subset, ...(rule ? { rule } : {}) }, opts);
  return endpoints.length === 0 ? empty : { cluster_name: clusterName, endpoints };
}

/**
 * One cluster's assignment keyed by what it reads for this client: the service the name resolves
 * to in the proxy's scope, the DestinationRule(s) it applies, the proxy type, and, when locality
 * load balancing is in force, the client's locality (and labels for failoverPriority). Endpoints
 * and the PeerAuthentication-derived tlsMode metadata are push-wide: a change to a service's
 * endpoints invalidates through its service key, policy changes invalidate everything.
 */
export function endpointUnit(proxy: Client, push: PushContext, clusterName: string, opts: EndpointOptions = {}): CacheableUnit<ClusterLoadAssignment> {
  const build = () => buildClusterLoadAssignment(proxy, push, clusterName, opts);
  const key = parseSubsetKey(clusterName);
  if (!key || key.direction !== 'outbound') return { key: `${clusterName}|`, deps: [], build };
  const service = push.serviceForHostname(proxy, key.hostname);
  if (!service) return { key: `${proxy.type}|${clusterName}|`, deps: [ANY_CONFIG], build };
  const rule = push.destinationRule(proxy, service);
  const policy = clusterTrafficPolicy(rule?.rule.spec as DestinationRuleConfig['spec'] | undefined, key.subset, key.port);
  const setting = effectiveLocalitySetting(policy?.loadBalancer?.localityLbSetting, translationMesh(opts.mesh).localityLbSetting);
  let client = '';
  if (setting) {
    client = localityString(proxyLocality(proxy, push));
    if ((setting.failoverPriority?.length ?? 0) > 0) client += `|${labelsKey(proxy.labels)}`;
  }
  const rules = rule?.from ?? [];
  return {
    key: `${proxy.type}|${clusterName}|${service.namespace}|${rules.join(',')}|${client}`,
    deps: [serviceConfigKey(service), ...rules],
    build,
  };
}

/** EDS for the cluster names a proxy subscribed to, in request order. */
export function buildEndpoints(proxy: Client, push: PushContext, clusterNames: readonly string[], opts: EndpointOptions = {}): ClusterLoadAssignment[] {
  return clusterNames.map((name) => buildClusterLoadAssignment(proxy, push, name, opts));
}
