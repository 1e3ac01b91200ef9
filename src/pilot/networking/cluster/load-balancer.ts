// DestinationRule loadBalancer → lb_policy and its config, as Istio maps it: LEAST_REQUEST by
// default (Istio's default since 1.14), ROUND_ROBIN / RANDOM / LEAST_REQUEST (LEAST_CONN is its
// deprecated alias), PASSTHROUGH as an ORIGINAL_DST cluster, consistentHash as RING_HASH (1024
// entries unless set) or MAGLEV, warmup as slow start, and locality-weighted balancing switched on
// when `distribute` is set or failover can happen (failover needs outlier detection).
import type { LoadBalancerSettings } from '../../../api/networking/index.js';
import { parseDuration } from '../../../shared/index.js';
import type { LocalitySetting } from '../endpoint/index.js';
import type { ClusterDraft } from './draft.js';
import { duration } from './proto.js';

type SlowStart = NonNullable<NonNullable<ClusterDraft['cluster']['round_robin_lb_config']>['slow_start_config']>;

/** Envoy's slow start from `warmup` (duration, minimumPercent, aggression) or `warmupDurationSecs`. */
export function slowStartConfig(lb: LoadBalancerSettings | undefined): SlowStart | undefined {
  const text = lb?.warmup?.duration ?? lb?.warmupDurationSecs;
  const ms = text === undefined ? undefined : parseDuration(text);
  if (ms === undefined) return undefined;
  const out: SlowStart = { slow_start_window: duration(ms) };
  if (lb?.warmup?.aggression !== undefined) {
    out.aggression = { default_value: lb.warmup.aggression, runtime_key: 'upstream.slow_start.aggression' };
  }
  if (lb?.warmup?.minimumPercent !== undefined) out.min_weight_percent = { value: lb.warmup.minimumPercent };
  return out;
}

function roundRobin(d: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  d.cluster.lb_policy = 'ROUND_ROBIN';
  const ss = slowStartConfig(lb);
  if (ss) d.cluster.round_robin_lb_config = { slow_start_config: ss };
}

function leastRequest(d: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  d.cluster.lb_policy = 'LEAST_REQUEST';
  const ss = slowStartConfig(lb);
  if (ss) d.cluster.least_request_lb_config = { slow_start_config: ss };
}

function applyConsistentHash(d: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  const ch = lb?.consistentHash;
  if (!ch) return;
  const c = d.cluster;
  delete c.round_robin_lb_config;
  delete c.least_request_lb_config;
  if (ch.maglev) {
    c.lb_policy = 'MAGLEV';
    if (ch.maglev.tableSize !== undefined && Number(ch.maglev.tableSize) !== 0) c.maglev_lb_config = { table_size: { value: ch.maglev.tableSize } };
  } else if (ch.ringHash) {
    c.lb_policy = 'RING_HASH';
    if (ch.ringHash.minimumRingSize !== undefined && Number(ch.ringHash.minimumRingSize) !== 0) {
      c.ring_hash_lb_config = { minimum_ring_size: { value: ch.ringHash.minimumRingSize } };
    }
  } else {
    c.lb_policy = 'RING_HASH';
    const size = ch.minimumRingSize !== undefined && Number(ch.minimumRingSize) !== 0 ? ch.minimumRingSize : 1024;
    c.ring_hash_lb_config = { minimum_ring_size: { value: size } };
  }
}

/**
 * `locality` is the effective locality setting (rule's or mesh's); apply after outlier detection,
 * whose presence enables failover.
 */
export function applyLoadBalancer(d: ClusterDraft, lb: LoadBalancerSettings | undefined, locality: LocalitySetting | undefined): void {
  const c = d.cluster;
  const failover = c.outlier_detection !== undefined;
  if (locality && ((locality.distribute?.length ?? 0) > 0 || (failover && ((locality.failover?.length ?? 0) > 0 || (locality.failoverPriority?.length ?? 0) > 0)))) {
    c.common_lb_config ??= {};
    c.common_lb_config.locality_weighted_lb_config = {};
  }
  if (c.type === 'ORIGINAL_DST') {
    c.lb_policy = 'CLUSTER_PROVIDED';
    return;
  }
  switch (lb?.simple) {
    case 'LEAST_CONN':
    case 'LEAST_REQUEST': leastRequest(d, lb); break;
    case 'RANDOM': c.lb_policy = 'RANDOM'; break;
    case 'ROUND_ROBIN': roundRobin(d, lb); break;
    case 'PASSTHROUGH':
      c.lb_policy = 'CLUSTER_PROVIDED';
      c.type = 'ORIGINAL_DST';
      // A STATIC or DNS service with a PASSTHROUGH policy dials the original destination instead.
      delete c.load_assignment;
      break;
    default: leastRequest(d, lb);
  }
  applyConsistentHash(d, lb);
}
