// Generators for Envoy-style proxies (sidecars and routers): adapters from pilot's LDS/RDS/CDS/EDS
// translation. Listeners and clusters are wildcard types (everything the proxy needs); routes and
// endpoints are served for the names the proxy asks for. With an XdsCache, outbound clusters,
// outbound listeners, route configurations and load assignments are translated and encoded once
// per distinct input (pilot's CacheableUnit keys) and shared by every proxy; inbound stays per proxy.
import type { MeshConfig } from '../../api/mesh/index.js';
import type { PushContext } from '../../pilot/model/push-context.js';
import type { CacheableUnit } from '../../pilot/networking/cache-key.js';
import { clusterUnits } from '../../pilot/networking/cluster/index.js';
import { endpointUnit } from '../../pilot/networking/endpoint/index.js';
import { listenerUnits } from '../../pilot/networking/listener/index.js';
import { routeUnit } from '../../pilot/networking/route/index.js';
import { TypeUrl } from '../../xds-api/index.js';
import type { XdsCache } from '../cache.js';
import type { GeneratedResource, Generator } from '../generator.js';
import type { PushRequest } from '../push-request.js';
import { assemble, encodeResource } from './encode.js';

type G = Generator<PushContext>;

/** A unit's encoded resources: from the cache when its key is known, else built (and stored). */
function cached<T>(cache: XdsCache | undefined, typeUrl: string, unit: CacheableUnit<T>, push: PushContext, encode: (built: T) => GeneratedResource[]): readonly GeneratedResource[] {
  if (!cache || unit.key === undefined) return encode(unit.build());
  const hit = cache.get(typeUrl, unit.key);
  if (hit) return hit;
  const out = encode(unit.build());
  cache.set(typeUrl, unit.key, unit.deps, out, push);
  return out;
}

/**
 * The hostnames an endpoint-only push changed, when it names them all (`ServiceEntry/<ns>/<host>`
 * keys only); undefined when the push may have changed anything.
 */
export function changedHosts(req: PushRequest<unknown>): Set<string> | undefined {
  if (req.full || req.configsUpdated.size === 0) return undefined;
  const hosts = new Set<string>();
  for (const k of req.configsUpdated) {
    if (!k.startsWith('ServiceEntry/')) return undefined;
    hosts.add(k.slice(k.indexOf('/', 'ServiceEntry/'.length) + 1));
  }
  return hosts;
}

export function envoyGenerators(mesh?: MeshConfig, cache?: XdsCache): ReadonlyMap<string, G> {
  const opts = mesh ? { mesh } : {};
  const lds: G = {
    generate: (proxy, _w, req) => {
      const push = req.push;
      if (!push) return undefined;
      const { outbound, own } = listenerUnits(proxy, push);
      const out = [...cached(cache, TypeUrl.Listener, outbound, push, (ls) => ls.map((l) => encodeResource(TypeUrl.Listener, l.name ?? '', l)))];
      for (const l of own) out.push(encodeResource(TypeUrl.Listener, l.name ?? '', l));
      return assemble(out);
    },
  };
  const rds: G = {
    generate: (proxy, w, req) => {
      const push = req.push;
      if (!push) return undefined;
      const out: GeneratedResource[] = [];
      for (const name of w.names) {
        out.push(...cached(cache, TypeUrl.RouteConfiguration, routeUnit(proxy, push, name), push,
          (rc) => (rc ? [encodeResource(TypeUrl.RouteConfiguration, rc.name ?? '', rc)] : [])));
      }
      return assemble(out);
    },
  };
  const cds: G = {
    generate: (proxy, _w, req) => {
      const push = req.push;
      if (!push) return undefined;
      const { outbound, own } = clusterUnits(proxy, push, opts);
      const out: GeneratedResource[] = [];
      // Names are unique; on a conflict (two services, one hostname) the first wins, as buildClusters.
      const seen = new Set<string>();
      const add = (r: GeneratedResource) => {
        if (seen.has(r.name)) return;
        seen.add(r.name);
        out.push(r);
      };
      for (const u of outbound) {
        for (const r of cached(cache, TypeUrl.Cluster, u, push, (cs) => cs.map((c) => encodeResource(TypeUrl.Cluster, c.name ?? '', c)))) add(r);
      }
      for (const c of own) add(encodeResource(TypeUrl.Cluster, c.name ?? '', c));
      return assemble(out);
    },
  };
  const eds: G = {
    generate: (proxy, w, req) => {
      const push = req.push;
      if (!push) return undefined;
      // Incremental EDS: a delta stream gets only the assignments of the services the push changed.
      const hosts = w.incremental ? changedHosts(req) : undefined;
      const out: GeneratedResource[] = [];
      for (const name of w.names) {
        if (hosts && !hosts.has(name.slice(name.lastIndexOf('|') + 1))) continue;
        out.push(...cached(cache, TypeUrl.ClusterLoadAssignment, endpointUnit(proxy, push, name, opts), push,
          (cla) => [encodeResource(TypeUrl.ClusterLoadAssignment, cla.cluster_name ?? name, cla)]));
      }
      return assemble(out, hosts !== undefined);
    },
  };
  return new Map([[TypeUrl.Listener, lds], [TypeUrl.RouteConfiguration, rds], [TypeUrl.Cluster, cds], [TypeUrl.ClusterLoadAssignment, eds]]);
}
