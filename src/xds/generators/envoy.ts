// Generators for Envoy-style proxies (sidecars and routers): adapters from pilot's LDS/RDS/CDS/EDS
// translation. Listeners and clusters are wildcard types (everything the proxy needs); routes and
// endpoints are served for the names the proxy asks for.
import type { MeshConfig } from '../../api/mesh/index.js';
import type { PushContext } from '../../pilot/model/push-context.js';
import { buildClusters } from '../../pilot/networking/cluster/index.js';
import { buildEndpoints } from '../../pilot/networking/endpoint/index.js';
import { buildListeners } from '../../pilot/networking/listener/index.js';
import { buildRoutes } from '../../pilot/networking/route/index.js';
import { TypeUrl } from '../../xds-api/index.js';
import type { Generator } from '../generator.js';
import { encodeResources } from './encode.js';

type G = Generator<PushContext>;

export function envoyGenerators(mesh?: MeshConfig): ReadonlyMap<string, G> {
  const opts = mesh ? { mesh } : {};
  const lds: G = {
    generate: (proxy, _w, req) => req.push && encodeResources(TypeUrl.Listener,
      buildListeners(proxy, req.push).map((l) => ({ name: l.name ?? '', message: l }))),
  };
  const rds: G = {
    generate: (proxy, w, req) => req.push && encodeResources(TypeUrl.RouteConfiguration,
      buildRoutes(proxy, req.push, [...w.names]).map((r) => ({ name: r.name ?? '', message: r }))),
  };
  const cds: G = {
    generate: (proxy, _w, req) => req.push && encodeResources(TypeUrl.Cluster,
      buildClusters(proxy, req.push, opts).map((c) => ({ name: c.name ?? '', message: c }))),
  };
  const eds: G = {
    generate: (proxy, w, req) => req.push && encodeResources(TypeUrl.ClusterLoadAssignment,
      buildEndpoints(proxy, req.push, [...w.names], opts).map((e) => ({ name: e.cluster_name ?? '', message: e }))),
  };
  return new Map([[TypeUrl.Listener, lds], [TypeUrl.RouteConfiguration, rds], [TypeUrl.Cluster, cds], [TypeUrl.ClusterLoadAssignment, eds]]);
}
