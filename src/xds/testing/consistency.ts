// Test helper: checks that a set of generated resources hangs together the way Envoy needs —
// every RDS name an LDS HttpConnectionManager references exists, and every EDS name a CDS cluster
// of type EDS references exists. Use it on every push in tests.
import { TypeUrl, decodeAny, type Any__Output } from '../../xds-api/index.js';

export interface SnapshotResources {
  listeners: Any__Output[];
  routes: Any__Output[];
  clusters: Any__Output[];
  endpoints: Any__Output[];
}

/** Missing references as `LDS <listener> -> RDS <name>` / `CDS <cluster> -> EDS <name>`; empty when consistent. */
export function snapshotInconsistencies(s: SnapshotResources): string[] {
  const problems: string[] = [];
  const routeNames = new Set(s.routes.map((r) => decodeAny(r, TypeUrl.RouteConfiguration).name));
  const edsNames = new Set(s.endpoints.map((e) => decodeAny(e, TypeUrl.ClusterLoadAssignment).cluster_name));
  for (const any of s.listeners) {
    const l = decodeAny(any, TypeUrl.Listener);
    const chains = [...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])];
    for (const chain of chains) {
      for (const f of chain.filters) {
        if (f.typed_config?.type_url !== TypeUrl.HttpConnectionManager) continue;
        const hcm = decodeAny(f.typed_config, TypeUrl.HttpConnectionManager);
        const rds = hcm.rds?.route_config_name;
        if (rds && !routeNames.has(rds)) problems.push(`LDS ${l.name} -> RDS ${rds}`);
      }
    }
  }
  for (const any of s.clusters) {
    const c = decodeAny(any, TypeUrl.Cluster);
    if (c.type !== 'EDS') continue;
    const name = c.eds_cluster_config?.service_name || c.name;
    if (!edsNames.has(name)) problems.push(`CDS ${c.name} -> EDS ${name}`);
  }
  return problems.sort();
}
