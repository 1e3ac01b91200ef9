// DestinationRule consistentHash → Envoy route hash policies. The hash key is chosen the way
// Istio does for a route destination: the subset's port-level setting, then the subset's, then
// the rule's port-level setting, then the rule's traffic policy.
import type { ConsistentHashLB } from '../../../api/networking/traffic-policy-schema.js';
import type { RouteAction } from '../../../xds-api/index.js';
import type { ConsolidatedDestinationRule } from '../../model/destination-rule-index.js';
import { protoDuration } from './convert.js';

type HashPolicy = NonNullable<RouteAction['hash_policy']>[number];

interface PolicyLike {
  loadBalancer?: { consistentHash?: ConsistentHashLB };
  portLevelSettings?: readonly { port?: { number?: number }; loadBalancer?: { consistentHash?: ConsistentHashLB } }[];
}

function portLevel(p: PolicyLike | undefined, port: number | undefined): ConsistentHashLB | undefined {
  if (port === undefined) return undefined;
  return p?.portLevelSettings?.find((s) => s.port?.number === port)?.loadBalancer?.consistentHash;
}

/** The consistent hash for traffic to `subset` on `port` (a destination's explicit port, or the service port). */
export function consistentHashFor(dr: ConsolidatedDestinationRule | undefined, subset: string | undefined, port: number | undefined): ConsistentHashLB | undefined {
  if (!dr) return undefined;
  const top = dr.rule.spec.trafficPolicy as PolicyLike | undefined;
  const sub = subset ? (dr.rule.spec.subsets?.find((s) => s.name === subset)?.trafficPolicy as PolicyLike | undefined) : undefined;
  return portLevel(sub, port) ?? sub?.loadBalancer?.consistentHash ?? portLevel(top, port) ?? top?.loadBalancer?.consistentHash;
}

export function hashPolicy(h: ConsistentHashLB | undefined): HashPolicy | undefined {
  if (!h) return undefined;
  if (h.httpHeaderName) return { header: { header_name: h.httpHeaderName } };
  if (h.httpCookie) {
    const ttl = protoDuration(h.httpCookie.ttl);
    return { cookie: { name: h.httpCookie.name, ...(ttl ? { ttl } : {}), ...(h.httpCookie.path ? { path: h.httpCookie.path } : {}) } };
  }
  if (h.useSourceIp) return { connection_properties: { source_ip: true } };
  if (h.httpQueryParameterName) return { query_parameter: { name: h.httpQueryParameterName } };
  return undefined;
}
