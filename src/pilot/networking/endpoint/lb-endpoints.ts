// Istio endpoints → Envoy LbEndpoints grouped by locality: address (IP, hostname for DNS
// clusters, or unix socket), weight, health, and the metadata Envoy and Istio's telemetry read
// (`envoy.transport_socket_match.tlsMode` for auto mTLS, `istio.workload` for metric labels).
import { jsonToStruct, type Address, type LbEndpoint, type LocalityLbEndpoints } from '../../../xds-api/index.js';
import type { IstioEndpoint, Locality } from '../../model/endpoint.js';
import { localityString } from '../../model/endpoint.js';
import type { Labels } from '../../model/labels.js';
import type { LocalityGroup } from './locality-lb.js';

export const TRANSPORT_SOCKET_MATCH_KEY = 'envoy.transport_socket_match';
export const ISTIO_METADATA_KEY = 'istio';
const UNIX_PREFIX = 'unix://';
const CLUSTER_LABEL = 'topology.istio.io/cluster';

/** A socket address, or a pipe for `unix://` paths (and port 0 with a path). */
export function envoyAddress(address: string, port: number): Address {
  if (address.startsWith(UNIX_PREFIX)) return { pipe: { path: address.slice(UNIX_PREFIX.length) } };
  if (address.startsWith('/') && port === 0) return { pipe: { path: address } };
  return { socket_address: { address, port_value: port } };
}

/**
 * Istio's canonical service of a workload: `service.istio.io/canonical-name`, else
 * `app.kubernetes.io/name`, else `app`, else the workload name; the revision likewise from
 * `service.istio.io/canonical-revision`, `app.kubernetes.io/version`, `version`, else `latest`.
 */
export function canonicalService(labels: Labels, workloadName: string): { name: string; revision: string } {
  return {
    name: labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? workloadName,
    revision: labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest',
  };
}

/** `workload;namespace;canonical-name;canonical-revision;cluster`, the revision left empty when `latest`. */
export function workloadMetadata(ep: IstioEndpoint): string {
  const c = canonicalService(ep.labels, ep.workloadName);
  return [ep.workloadName, ep.namespace, c.name, c.revision === 'latest' ? '' : c.revision, ep.labels[CLUSTER_LABEL] ?? ''].join(';');
}

export function endpointWeight(ep: IstioEndpoint): number {
  return ep.weight > 0 ? ep.weight : 1;
}

/** `mtls`: whether this endpoint may be sent Istio mTLS (keeps its `tlsMode: istio`). */
export function lbEndpoint(ep: IstioEndpoint, mtls: boolean): LbEndpoint {
  const filter: Record<string, ReturnType<typeof jsonToStruct>> = {};
  if (mtls && ep.tlsMode === 'istio') filter[TRANSPORT_SOCKET_MATCH_KEY] = jsonToStruct({ tlsMode: 'istio' });
  filter[ISTIO_METADATA_KEY] = jsonToStruct({ workload: workloadMetadata(ep) });
  return {
    endpoint: { address: envoyAddress(ep.address, ep.endpointPort) },
    health_status: ep.healthStatus === 'Draining' ? 'DRAINING' : 'HEALTHY',
    metadata: { filter_metadata: filter },
    load_balancing_weight: { value: endpointWeight(ep) },
  };
}

/** Groups endpoints by locality, sorted by locality string as Istio does for stable output. */
export function groupByLocality(eps: readonly IstioEndpoint[]): LocalityGroup<IstioEndpoint>[] {
  const m = new Map<string, LocalityGroup<IstioEndpoint>>();
  for (const ep of eps) {
    const key = localityString(ep.locality);
    let g = m.get(key);
    if (!g) m.set(key, (g = { locality: ep.locality, endpoints: [], weight: 0, priority: 0 }));
    g.endpoints.push(ep);
    g.weight = Math.min(4294967295, g.weight + endpointWeight(ep));
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

export function envoyLocality(l: Locality): LocalityLbEndpoints['locality'] {
  return {
    ...(l.region ? { region: l.region } : {}),
    ...(l.zone ? { zone: l.zone } : {}),
    ...(l.subzone ? { sub_zone: l.subzone } : {}),
  };
}

export function toLocalityLbEndpoints(groups: readonly LocalityGroup<IstioEndpoint>[], mtls: (ep: IstioEndpoint) => boolean): LocalityLbEndpoints[] {
  return groups.map((g) => ({
    locality: envoyLocality(g.locality),
    lb_endpoints: g.endpoints.map((ep) => lbEndpoint(ep, mtls(ep))),
    load_balancing_weight: { value: g.weight },
    ...(g.priority > 0 ? { priority: g.priority } : {}),
  }));
}
