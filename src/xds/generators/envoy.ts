// Generators for Envoy-style proxies (sidecars and routers): adapters from pilot's LDS/RDS/CDS/EDS
// translation. Listeners and clusters are wildcard types (everything the proxy needs); routes and
// endpoints are served for the names the proxy asks for. With an XdsCache, outbound clusters,
// outbound listeners, route configurations and load assignments are translated and encoded once
// per distinct input (pilot's CacheableUnit keys) and shared by every proxy; inbound stays per proxy.
import type { MeshConfig } from '../../api/mesh/index.js';
import type { Proxy } from '../../pilot/model/proxy.js';
import type { PushContext } from '../../pilot/model/push-context.js';
import { clusterClassKey, endpointClassKey, type CacheableUnit } from '../../pilot/networking/cache-key.js';
import { clusterUnits } from '../../pilot/networking/cluster/index.js';
import { endpointUnit } from '../../pilot/networking/endpoint/index.js';
import { listenerUnits } from '../../pilot/networking/listener/index.js';
import { routeUnit } from '../../pilot/networking/route/index.js';
import { TypeUrl } from '../../xds-api/index.js';
import type { XdsCache } from '../cache.js';
import type { Generated, GeneratedResource, Generator } from '../generator.js';
import type { PushRequest } from '../push-request.js';
import { assemble, assembleWith, encodeResource, sharedPart, type SharedPart } from './encode.js';
import { encodeRouteConfiguration, VirtualHostMemo } from './route-encode.js';

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

/**
 * Whether cluster `name` (`outbound|port|subset|host`) is for one of `hosts`. Runs for every watched
 * name of every proxy on an endpoint push (~1,850 × 2,000 here): with a few hosts, compare suffixes
 * rather than slice a new string (and hash it) per name.
 */
function ofHosts(name: string, hosts: ReadonlySet<string>, few: readonly string[] | undefined): boolean {
  if (!few) return hosts.has(name.slice(name.lastIndexOf('|') + 1));
  for (const h of few) {
    const at = name.length - h.length - 1;
    if (at >= 0 && name.charCodeAt(at) === 124 /* | */ && name.endsWith(h)) return true;
  }
  return false;
}

const VIRTUAL_SERVICE_KEY = 'VirtualService.networking.istio.io/';

/** A full push whose every change is a VirtualService (add, edit or delete). */
export function virtualServicesOnly(req: PushRequest<unknown>): boolean {
  if (!req.full || req.configsUpdated.size === 0) return false;
  for (const k of req.configsUpdated) if (!k.startsWith(VIRTUAL_SERVICE_KEY)) return false;
  return true;
}

/**
 * Whether a push leaves this proxy's clusters and load assignments as they are: translation of
 * clusters and endpoints never reads VirtualServices, and a sidecar's reachable services depend on
 * them only through a Sidecar's egress hosts (which import the destinations of the VirtualServices
 * they select). Gateways are always rebuilt. Istio skips EDS for VirtualService changes likewise.
 */
function clustersUnaffected(proxy: Proxy, push: PushContext, req: PushRequest<unknown>): boolean {
  if (proxy.type !== 'sidecar' || !virtualServicesOnly(req)) return false;
  return (push.sidecarScope(proxy).sidecar?.spec.egress?.length ?? 0) === 0;
}

export function envoyGenerators(mesh?: MeshConfig, cache?: XdsCache): ReadonlyMap<string, G> {
  const opts = mesh ? { mesh } : {};
  const lastInbound = new WeakMap<Proxy, { epoch: number; resources: readonly GeneratedResource[] }>();
  const lds: G = {
    generate: (proxy, _w, req) => {
      const push = req.push;
      if (!push) return undefined;
      const { outbound, own } = listenerUnits(proxy, push);
      const out = [...cached(cache, TypeUrl.Listener, outbound, push, (ls) => ls.map((l) => encodeResource(TypeUrl.Listener, l.name ?? '', l)))];
      // Only VirtualService pushes since this proxy's inbound listeners were built: they cannot
      // have changed (the cache's epoch says so; without a cache everything is rebuilt).
      const epoch = cache?.epochOf(push);
      const last = lastInbound.get(proxy);
      let inbound = epoch !== undefined && last?.epoch === epoch ? last.resources : undefined;
      if (!inbound) {
        inbound = own().map((l) => encodeResource(TypeUrl.Listener, l.name ?? '', l));
        if (epoch !== undefined) lastInbound.set(proxy, { epoch, resources: inbound });
      }
      out.push(...inbound);
      return assemble(out);
    },
  };
  // With a cache, route configurations are assembled from encoded virtual hosts: a VirtualService
  // edit re-encodes the hosts it changed, not every host of every scope (route-encode.ts).
  const vhosts = cache ? new VirtualHostMemo() : undefined;
  const rds: G = {
    generate: (proxy, w, req) => {
      const push = req.push;
      if (!push) return undefined;
      const out: GeneratedResource[] = [];
      for (const name of w.names) {
        out.push(...cached(cache, TypeUrl.RouteConfiguration, routeUnit(proxy, push, name), push,
          (rc) => (!rc ? [] : vhosts ? [encodeRouteConfiguration(rc, vhosts)] : [encodeResource(TypeUrl.RouteConfiguration, rc.name ?? '', rc)])));
      }
      return assemble(out);
    },
  };
  // Per push, proxies of one class share their outbound clusters and load assignments outright,
  // so the per-proxy work is a lookup instead of one cache key per service (pilot's class keys).
  const clusterClasses = new WeakMap<PushContext, Map<string, SharedPart>>();
  const endpointClasses = new WeakMap<PushContext, Map<string, Map<string, readonly GeneratedResource[]>>>();
  // A class's complete EDS answer per subscribed-name set (sets are shared between streams, so
  // proxies of one class watching the same clusters get one assembled answer).
  const endpointAnswers = new WeakMap<PushContext, Map<string, WeakMap<ReadonlySet<string>, Generated>>>();
  const cds: G = {
    generate: (proxy, _w, req) => {
      const push = req.push;
      if (!push || clustersUnaffected(proxy, push, req)) return undefined;
      const { outbound, own } = clusterUnits(proxy, push, opts);
      let classes = clusterClasses.get(push);
      if (!classes && cache) clusterClasses.set(push, (classes = new Map()));
      const classKey = classes && clusterClassKey(proxy, push);
      let shared = classKey === undefined ? undefined : classes?.get(classKey);
      if (!shared) {
        const list: GeneratedResource[] = [];
        for (const u of outbound()) {
          list.push(...cached(cache, TypeUrl.Cluster, u, push, (cs) => cs.map((c) => encodeResource(TypeUrl.Cluster, c.name ?? '', c))));
        }
        shared = sharedPart(list);
        if (classKey !== undefined) classes?.set(classKey, shared);
      }
      // Names are unique; on a conflict (two services, one hostname) the first wins, as buildClusters.
      return assembleWith(shared, own.map((c) => encodeResource(TypeUrl.Cluster, c.name ?? '', c)));
    },
  };
  const eds: G = {
    generate: (proxy, w, req) => {
      const push = req.push;
      if (!push || clustersUnaffected(proxy, push, req)) return undefined;
      // Incremental EDS: a delta stream gets only the assignments of the services the push changed.
      const hosts = w.incremental ? changedHosts(req) : undefined;
      const hostList = hosts && hosts.size <= 8 ? [...hosts] : undefined;
      let classes = endpointClasses.get(push);
      if (!classes && cache) endpointClasses.set(push, (classes = new Map()));
      let byName: Map<string, readonly GeneratedResource[]> | undefined;
      let answers: WeakMap<ReadonlySet<string>, Generated> | undefined;
      if (classes) {
        const classKey = endpointClassKey(proxy, push, mesh);
        byName = classes.get(classKey);
        if (!byName) classes.set(classKey, (byName = new Map()));
        if (!hosts) {
          let perClass = endpointAnswers.get(push);
          if (!perClass) endpointAnswers.set(push, (perClass = new Map()));
          answers = perClass.get(classKey);
          if (!answers) perClass.set(classKey, (answers = new WeakMap()));
          const answer = answers.get(w.names);
          if (answer) return answer;
        }
      }
      const out: GeneratedResource[] = [];
      for (const name of w.names) {
        if (hosts && !ofHosts(name, hosts, hostList)) continue;
        let rs = byName?.get(name);
        if (!rs) {
          rs = cached(cache, TypeUrl.ClusterLoadAssignment, endpointUnit(proxy, push, name, opts), push,
            (cla) => [encodeResource(TypeUrl.ClusterLoadAssignment, cla.cluster_name ?? name, cla)]);
          byName?.set(name, rs);
        }
        out.push(...rs);
      }
      const answer = assemble(out, hosts !== undefined);
      answers?.set(w.names, answer);
      return answer;
    },
  };
  return new Map([[TypeUrl.Listener, lds], [TypeUrl.RouteConfiguration, rds], [TypeUrl.Cluster, cds], [TypeUrl.ClusterLoadAssignment, eds]]);
}
