// CDS for proxyless gRPC clients: EDS clusters fed over ADS, one per service port and one per
// DestinationRule subset (`outbound|port|subset|host`), with the load balancer gRPC supports
// (round robin, or ring hash for consistentHash).
import type { Cluster } from '../../../xds-api/index.js';
import type { ConsolidatedDestinationRule } from '../../model/destination-rule-index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { SubsetSpec } from '../../model/specs.js';
import { clusterKey, parseClusterKey } from './names.js';
import { destinationRuleFor, serviceFor, servicesFor } from './scope.js';

export interface NamedCluster {
  readonly name: string;
  readonly cluster: Cluster;
}

interface LbSettings {
  loadBalancer?: { simple?: string; consistentHash?: { minimumRingSize?: number; ringHash?: { minimumRingSize?: number } } };
}

function edsCluster(name: string, policy: LbSettings | undefined): Cluster {
  const c: Cluster = {
    name,
    type: 'EDS',
    eds_cluster_config: { service_name: name, eds_config: { ads: {}, resource_api_version: 'V3' } },
  };
  const ch = policy?.loadBalancer?.consistentHash;
  if (ch) {
    c.lb_policy = 'RING_HASH';
    c.ring_hash_lb_config = { minimum_ring_size: { value: ch.ringHash?.minimumRingSize ?? ch.minimumRingSize ?? 1024 } };
  }
  return c;
}

function subsets(dr: ConsolidatedDestinationRule | undefined): readonly SubsetSpec[] {
  return (dr?.rule.spec as { subsets?: readonly SubsetSpec[] } | undefined)?.subsets ?? [];
}

function topPolicy(dr: ConsolidatedDestinationRule | undefined): LbSettings | undefined {
  return (dr?.rule.spec as { trafficPolicy?: LbSettings } | undefined)?.trafficPolicy;
}

/** The service port's default cluster and its subset clusters; `want` filters by name. */
function clustersForPort(proxy: Proxy, push: PushContext, hostname: string, port: number, want?: ReadonlySet<string>): NamedCluster[] {
  const svc = serviceFor(proxy, push, hostname);
  if (!svc || !svc.ports.some((p) => p.port === port)) return [];
  const dr = destinationRuleFor(proxy, push, svc);
  const out: NamedCluster[] = [];
  const base = topPolicy(dr);
  const add = (name: string, policy: LbSettings | undefined) => {
    if (!want || want.has(name)) out.push({ name, cluster: edsCluster(name, policy) });
  };
  add(clusterKey(svc.hostname, port), base);
  for (const s of subsets(dr)) {
    const sp = s.trafficPolicy as LbSettings | undefined;
    add(clusterKey(svc.hostname, port, s.name), sp?.loadBalancer ? sp : base);
  }
  return out;
}

/** Named request: exactly those clusters that exist. Wildcard: every cluster in the client's scope. */
export function buildGrpcClusters(proxy: Proxy, push: PushContext, names: readonly string[]): NamedCluster[] {
  if (names.length === 0) {
    return servicesFor(proxy, push).flatMap((svc) => svc.ports.flatMap((p) => clustersForPort(proxy, push, svc.hostname, p.port)));
  }
  const byPort = new Map<string, Set<string>>();
  for (const name of names) {
    const k = parseClusterKey(name);
    if (!k || k.direction !== 'outbound') continue;
    const id = `${k.port}|${k.hostname}`;
    const set = byPort.get(id) ?? new Set<string>();
    set.add(name);
    byPort.set(id, set);
  }
  const out: NamedCluster[] = [];
  for (const [id, want] of byPort) {
    const bar = id.indexOf('|');
    out.push(...clustersForPort(proxy, push, id.slice(bar + 1), Number(id.slice(0, bar)), want));
  }
  return out;
}
