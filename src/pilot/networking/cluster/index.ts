// Cluster translation (CDS): every Envoy cluster a proxy needs, as Istio generates them —
// outbound per service port and DestinationRule subset, inbound per workload port, and the fixed
// PassthroughCluster / BlackHoleCluster / InboundPassthroughCluster. Pure: (proxy, push) → clusters.
import type { Cluster } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { translationMesh } from '../endpoint/index.js';
import { blackHoleCluster, inboundPassthroughCluster, passthroughCluster } from './fixed.js';
import { buildInboundClusters } from './inbound.js';
import type { ClusterOptions } from './options.js';
import { buildOutboundClusters, outboundClusterUnits } from './outbound.js';
import type { CacheableUnit } from '../cache-key.js';

export type { ClusterOptions } from './options.js';
export { consistentHashToHashPolicy, hashPolicyForDestination } from './hash-policy.js';
export type { HashPolicy } from './hash-policy.js';
export { discoveryType, dnsLookupFamily } from './outbound.js';
export { defaultThresholds, shouldUpgradeH2 } from './connection-pool.js';
export { istioMutualTlsContext, agentSdsSecret, adsSdsSecret, ALPN_IN_MESH, ALPN_IN_MESH_H2 } from './tls.js';

type Client = Pick<Proxy, 'type' | 'configNamespace' | 'labels' | 'ipAddresses' | 'locality' | 'interceptionMode'>;

/**
 * CDS for one proxy. Sidecars: outbound clusters, BlackHoleCluster, PassthroughCluster, inbound
 * clusters and InboundPassthroughCluster. Gateways (routers): outbound clusters and
 * BlackHoleCluster. Names are unique: on a conflict (two services, one hostname) the first wins.
 */
export function buildClusters(proxy: Client, push: PushContext, opts: ClusterOptions = {}): Cluster[] {
  const mesh = translationMesh(opts.mesh);
  return uniqueByName([...buildOutboundClusters(proxy, push, mesh, opts), ...proxyOwnClusters(proxy, push, opts)]);
}

/**
 * CDS in cacheable pieces: the outbound units (shared between proxies with the same inputs) and
 * the clusters that are this proxy's own (inbound, passthrough). Flattened in order and deduplicated
 * by name (first wins) they equal buildClusters.
 */
export function clusterUnits(proxy: Client, push: PushContext, opts: ClusterOptions = {}): { outbound: () => CacheableUnit<Cluster[]>[]; own: Cluster[] } {
  const mesh = translationMesh(opts.mesh);
  return { outbound: () => outboundClusterUnits(proxy, push, mesh, opts), own: proxyOwnClusters(proxy, push, opts) };
}

function proxyOwnClusters(proxy: Client, push: PushContext, opts: ClusterOptions): Cluster[] {
  const mesh = translationMesh(opts.mesh);
  const all: Cluster[] = [blackHoleCluster(mesh)];
  if (proxy.type === 'sidecar') {
    all.push(passthroughCluster(mesh), ...buildInboundClusters(proxy, push, mesh), inboundPassthroughCluster(proxy, mesh));
  }
  return all;
}

function uniqueByName(all: Cluster[]): Cluster[] {
  const seen = new Set<string>();
  return all.filter((c) => {
    const name = c.name ?? '';
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}
