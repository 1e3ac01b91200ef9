// Consistent hashing is configured on the cluster (RING_HASH / MAGLEV) but its key is chosen per
// route: Envoy hashes on the route's hash_policy. This is the one place that maps a
// DestinationRule's consistentHash (header, cookie, source IP, query parameter) to a route hash
// policy; the route generator (VirtualService destinations and default routes) calls it.
//
// The precedence is Istio's route-side one, which differs from the cluster-side traffic-policy
// merge: each level only counts when it names a consistentHash, so a port-level setting without a
// load balancer does not drop the rule's hash key. A port-level setting is looked up only for a
// port the destination names (default routes pass the listener port).
import type { ConsistentHashLB, DestinationRuleSpec, TrafficPolicy } from '../../../api/networking/index.js';
import { parseDuration } from '../../../shared/index.js';
import type { RouteAction } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { destinationRuleFor } from '../endpoint/index.js';
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

function portLevelHash(policy: TrafficPolicy | undefined, port: number | undefined): ConsistentHashLB | undefined {
  if (port === undefined) return undefined;
  return policy?.portLevelSettings?.find((s) => s.port?.number === port)?.loadBalancer?.consistentHash;
}

/**
 * The consistentHash for traffic to (`subset`, `port`) under `rule`: the subset's port-level
 * setting, else the subset's, else the rule's port-level setting, else the rule's.
 */
export function consistentHashForDestination(rule: DestinationRuleSpec | undefined, subset: string, port: number | undefined): ConsistentHashLB | undefined {
  if (!rule) return undefined;
  const top = rule.trafficPolicy;
  const sub = subset ? rule.subsets?.find((s) => s.name === subset)?.trafficPolicy : undefined;
  return portLevelHash(sub, port) ?? sub?.loadBalancer?.consistentHash ?? portLevelHash(top, port) ?? top?.loadBalancer?.consistentHash;
}

/**
 * The hash policy for a route destination (`service`, optional explicit `port`, optional
 * `subset`) as seen by `proxy`, through the DestinationRule the proxy applies to the service.
 */
export function hashPolicyForDestination(
  push: PushContext, proxy: Pick<Proxy, 'type' | 'configNamespace' | 'labels'>, service: Pick<Service, 'hostname' | 'namespace'>,
  port: number | undefined, subset = '',
): HashPolicy | undefined {
  const rule = destinationRuleFor(push, proxy, service);
  return consistentHashToHashPolicy(consistentHashForDestination(rule?.spec, subset, port));
}
