// Consistent hashing is configured on the cluster (RING_HASH / MAGLEV) but its key is chosen per
// route: Envoy hashes on the route's hash_policy. The route generator calls these helpers so that
// a DestinationRule's consistentHash (header, cookie, source IP, query parameter) reaches the route
// with the same port-level and subset precedence the cluster uses.
import type { ConsistentHashLB } from '../../../api/networking/index.js';
import { parseDuration } from '../../../shared/index.js';
import type { RouteAction } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { clusterTrafficPolicy, destinationRuleFor } from '../endpoint/index.js';
import { duration } from './proto.js';

export type HashPolicy = NonNullable<RouteAction['hash_policy']>[number];

/** Istio's mapping of consistentHash to one route hash policy; undefined when it names no key. */
export function consistentHashToHashPolicy(ch: ConsistentHashLB | undefined): HashPolicy | undefined {
  if (!ch) return undefined;
  if (ch.httpHeaderName) return { header: { header_name: ch.httpHeaderName } };
  if (ch.httpCookie) {
    const c = ch.httpCookie;
    const ttl = c.ttl === undefined ? undefined : parseDuration(c.ttl);
    return {
      cookie: {
        name: c.name ?? '',
        ...(ttl !== undefined ? { ttl: duration(ttl) } : {}),
        ...(c.path ? { path: c.path } : {}),
        ...(c.attributes?.length ? { attributes: c.attributes.map((a) => ({ name: a.name, value: a.value ?? '' })) } : {}),
      },
    };
  }
  if (ch.useSourceIp) return { connection_properties: { source_ip: true } };
  if (ch.httpQueryParameterName) return { query_parameter: { name: ch.httpQueryParameterName } };
  return undefined;
}

/**
 * The hash policy for a route destination (`service`, `port`, optional `subset`) as seen by
 * `proxy`: the DestinationRule's consistentHash after port-level and subset overrides.
 */
export function hashPolicyForDestination(
  push: PushContext, proxy: Pick<Proxy, 'type' | 'configNamespace' | 'labels'>, service: Pick<Service, 'hostname' | 'namespace'>, port: number, subset = '',
): HashPolicy | undefined {
  const rule = destinationRuleFor(push, proxy, service);
  if (!rule) return undefined;
  return consistentHashToHashPolicy(clusterTrafficPolicy(rule.spec, subset, port)?.loadBalancer?.consistentHash);
}
