// /debug/config_dump?proxyID=: what istiod would send one connected proxy now, per type it
// watches, in Envoy's admin ConfigDump shape (so tools reading Envoy's dump read this one too).
import { TypeUrl } from '../../xds-api/index.js';
import type { Generated } from '../generator.js';
import { xdsToJson } from './any-json.js';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

export function configDump(byType: ReadonlyMap<string, Generated>): { configs: object[] } {
  const configs: object[] = [];
  const each = (typeUrl: string, f: (version: string, resource: unknown) => object) => {
    const g = byType.get(typeUrl);
    return g ? g.resources.map((r) => f(g.version, xdsToJson(r.resource))) : [];
  };
  const clusters = each(TypeUrl.Cluster, (version_info, cluster) => ({ version_info, cluster }));
  if (byType.has(TypeUrl.Cluster)) configs.push({ '@type': `${ADMIN}ClustersConfigDump`, dynamic_active_clusters: clusters });
  const listeners = each(TypeUrl.Listener, (version_info, listener) => ({ name: (listener as { name?: string }).name, active_state: { version_info, listener } }));
  if (byType.has(TypeUrl.Listener)) configs.push({ '@type': `${ADMIN}ListenersConfigDump`, dynamic_listeners: listeners });
  const routes = each(TypeUrl.RouteConfiguration, (version_info, route_config) => ({ version_info, route_config }));
  if (byType.has(TypeUrl.RouteConfiguration)) configs.push({ '@type': `${ADMIN}RoutesConfigDump`, dynamic_route_configs: routes });
  const endpoints = each(TypeUrl.ClusterLoadAssignment, (version_info, endpoint_config) => ({ version_info, endpoint_config }));
  if (byType.has(TypeUrl.ClusterLoadAssignment)) configs.push({ '@type': `${ADMIN}EndpointsConfigDump`, dynamic_endpoint_configs: endpoints });
  return { configs };
}
