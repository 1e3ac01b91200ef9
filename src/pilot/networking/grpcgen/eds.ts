// EDS for proxyless gRPC clients: a ClusterLoadAssignment per requested cluster, endpoints
// grouped by locality. gRPC ignores a locality without a weight, so each carries the sum of its
// endpoints' weights, as Istio sets it.
import type { ClusterLoadAssignment } from '../../../xds-api/index.js';
import type { HealthStatus, ServiceInstance } from '../../model/endpoint.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { parseClusterKey } from './names.js';
import { destinationRuleFor, serviceFor, subsetOf } from './scope.js';

export interface NamedLoadAssignment {
  readonly name: string;
  readonly loadAssignment: ClusterLoadAssignment;
}

const HEALTH: Record<HealthStatus, 'HEALTHY' | 'UNHEALTHY' | 'DRAINING'> = {
  Healthy: 'HEALTHY', UnHealthy: 'UNHEALTHY', Draining: 'DRAINING', Terminating: 'UNHEALTHY',
};

export function loadAssignment(name: string, instances: readonly ServiceInstance[]): ClusterLoadAssignment {
  const byLocality = new Map<string, ServiceInstance[]>();
  for (const i of instances) {
    const l = i.endpoint.locality;
    const key = `${l.region}/${l.zone}/${l.subzone}`;
    const list = byLocality.get(key);
    if (list) list.push(i);
    else byLocality.set(key, [i]);
  }
  const endpoints = [...byLocality.keys()].sort().map((key) => {
    const list = byLocality.get(key)!;
    const l = list[0].endpoint.locality;
    let total = 0;
    const lbEndpoints = list.map((i) => {
      const weight = i.endpoint.weight > 0 ? i.endpoint.weight : 1;
      total += weight;
      return {
        endpoint: { address: { socket_address: { address: i.endpoint.address, port_value: i.endpoint.endpointPort } } },
        health_status: HEALTH[i.endpoint.healthStatus],
        load_balancing_weight: { value: weight },
      };
    });
    return {
      locality: { region: l.region, zone: l.zone, sub_zone: l.subzone },
      lb_endpoints: lbEndpoints,
      load_balancing_weight: { value: total },
    };
  });
  return { cluster_name: name, endpoints };
}

export function buildGrpcEndpoint(proxy: Proxy, push: PushContext, name: string): ClusterLoadAssignment | undefined {
  const k = parseClusterKey(name);
  if (!k || k.direction !== 'outbound') return undefined;
  const svc = serviceFor(proxy, push, k.hostname);
  if (!svc || !svc.ports.some((p) => p.port === k.port)) return undefined;
  let selector;
  if (k.subset !== '') {
    const subset = subsetOf(destinationRuleFor(proxy, push, svc), k.subset);
    // A subset no DestinationRule defines has no endpoints (Istio sends an empty assignment).
    if (!subset) return { cluster_name: name, endpoints: [] };
    selector = subset.labels ?? {};
  }
  const instances = push.endpoints(svc, k.port, selector).filter((i) => i.endpoint.address !== '' && !i.endpoint.address.startsWith('unix://'));
  return loadAssignment(name, instances);
}

export function buildGrpcEndpoints(proxy: Proxy, push: PushContext, names: readonly string[]): NamedLoadAssignment[] {
  const out: NamedLoadAssignment[] = [];
  for (const name of names) {
    const la = buildGrpcEndpoint(proxy, push, name);
    if (la) out.push({ name, loadAssignment: la });
  }
  return out;
}
