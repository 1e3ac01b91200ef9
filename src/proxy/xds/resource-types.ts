// One entry per xDS resource type the proxy subscribes to: how to name and decode a resource, and
// which other resources it references (RDS names from listeners, EDS names from clusters).
import { TypeUrl, decodeAny, type Any__Output } from '../../xds-api/index.js';
import type { ClusterLoadAssignment, ListenerConfig, RouteConfiguration } from '../config/types.js';
import { decodeCluster, decodeLoadAssignment, type DecodedCluster } from './decode-cluster.js';
import { decodeGuard, type Decoded } from './decode-common.js';
import { DEFAULT_FILTER_REGISTRIES, decodeListener, type FilterRegistries } from './decode-listener.js';
import { decodeRouteConfiguration } from './decode-route.js';

/**
 * A decoded resource and the bytes it came from: /config_dump re-decodes them on demand, and an
 * update carrying the same bytes skips decoding. The decoded message itself is not kept: with
 * every default filled in it is ~5× the internal config (~20 MiB for a 1,000-service sidecar).
 */
export interface DecodedResource<T> {
  readonly value: T;
  readonly any: Any__Output;
}

export interface ResourceType<T> {
  readonly typeUrl: string;
  readonly short: 'LDS' | 'RDS' | 'CDS' | 'EDS';
  /** LDS and CDS are wildcard subscriptions; RDS and EDS are named. */
  readonly wildcard: boolean;
  decode(any: Any__Output, nameHint?: string): Decoded<DecodedResource<T>>;
}

function make<T>(typeUrl: string, short: ResourceType<T>['short'], nameOf: (m: any) => string, decode: (m: any) => T): ResourceType<T> {
  return {
    typeUrl,
    short,
    wildcard: short === 'LDS' || short === 'CDS',
    decode(any, nameHint) {
      let message: any;
      try {
        message = decodeAny(any, typeUrl);
      } catch (e) {
        return { name: nameHint ?? '(undecodable)', error: (e as Error).message };
      }
      const name = nameOf(message) || nameHint || '(unnamed)';
      const r = decodeGuard(name, () => decode(message));
      // A copy: the received bytes are a view into the whole response, which would otherwise stay
      // alive as long as any one of its resources does (a full SotW response per changed resource).
      // The type URL is the shared constant, not the decoded copy each resource arrives with.
      const typeUrlOut = any.type_url === typeUrl ? typeUrl : any.type_url;
      return r.error !== undefined ? r : { name, value: { value: r.value, any: { type_url: typeUrlOut, value: Buffer.from(any.value) } } };
    },
  };
}

export interface ResourceTypes {
  readonly listener: ResourceType<ListenerConfig>;
  readonly route: ResourceType<RouteConfiguration>;
  readonly cluster: ResourceType<DecodedCluster>;
  readonly endpoints: ResourceType<ClusterLoadAssignment>;
}

export function resourceTypes(reg: FilterRegistries = DEFAULT_FILTER_REGISTRIES): ResourceTypes {
  return {
    listener: make(TypeUrl.Listener, 'LDS', (m) => m.name, (m) => decodeListener(m, reg)),
    route: make(TypeUrl.RouteConfiguration, 'RDS', (m) => m.name, (m) => decodeRouteConfiguration(m)),
    cluster: make(TypeUrl.Cluster, 'CDS', (m) => m.name, (m) => decodeCluster(m)),
    endpoints: make(TypeUrl.ClusterLoadAssignment, 'EDS', (m) => m.cluster_name, (m) => decodeLoadAssignment(m)),
  };
}

/** Route configuration names a listener's connection managers fetch over RDS. */
export function rdsNames(l: ListenerConfig): string[] {
  const out: string[] = [];
  for (const fc of [...l.filterChains, ...(l.defaultFilterChain ? [l.defaultFilterChain] : [])]) {
    const n = fc.httpConnectionManager?.routeConfigName;
    if (n !== undefined) out.push(n);
  }
  return out;
}
