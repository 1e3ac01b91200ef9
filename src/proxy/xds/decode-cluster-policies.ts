// A cluster's traffic policies: load-balancer settings (ring hash, Maglev, least request and
// round robin with slow start, locality weighting, panic threshold), outlier detection, circuit
// breakers with retry limits, and the ORIGINAL_DST cluster's settings. Values Envoy would reject
// NACK here with the field named.
import type {
  CircuitBreakerThresholds, ClusterConfig, OriginalDstLbConfig, OutlierDetectionConfig, SlowStartConfig,
} from '../config/types.js';
import { at, durationMs, fail, wrapped } from './decode-common.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type LbFields = Pick<ClusterConfig, 'ringHashLbConfig' | 'maglevLbConfig' | 'roundRobinLbConfig' | 'leastRequestLbConfig' | 'localityWeightedLb' | 'healthyPanicThresholdPercent' | 'originalDstLbConfig'>;

/** Envoy's bounds: a ring of at most 8M entries, a Maglev table that is a prime below 5,000,011. */
const MAX_RING_SIZE = 8_388_608;
const MAX_MAGLEV_TABLE = 5_000_011;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

function percent(p: any, field: string): number | undefined {
  if (p === null || p === undefined) return undefined;
  const v = Number(p.value ?? 0);
  if (!(v >= 0 && v <= 100)) fail(field, `must be in [0, 100], got ${v}`);
  return v;
}

function slowStart(s: any, field: string): SlowStartConfig | undefined {
  if (s === null || s === undefined) return undefined;
  const window = durationMs(s.slow_start_window);
  if (window === undefined || window <= 0) fail(at(field, 'slow_start_window'), 'is required and must be greater than 0');
  const out: Mutable<SlowStartConfig> = { slowStartWindowMs: window };
  const aggression = s.aggression?.default_value;
  if (aggression !== undefined && aggression !== null) {
    if (!(aggression > 0)) fail(at(field, 'aggression.default_value'), `must be greater than 0, got ${aggression}`);
    if (aggression !== 1) out.aggression = aggression;
  }
  const minWeight = percent(s.min_weight_percent, at(field, 'min_weight_percent'));
  if (minWeight !== undefined) out.minWeightPercent = minWeight;
  return out;
}

/** lb_policy and its lb_config oneof, plus common_lb_config. `type` checks ORIGINAL_DST's pairing. */
export function lbFields(c: any, lbPolicy: string, type: string): LbFields {
  const out: Mutable<LbFields> = {};
  const cfg: string | undefined = c.lb_config;
  const expect: Record<string, string> = {
    ring_hash_lb_config: 'RING_HASH', maglev_lb_config: 'MAGLEV', least_request_lb_config: 'LEAST_REQUEST',
    round_robin_lb_config: 'ROUND_ROBIN', original_dst_lb_config: 'CLUSTER_PROVIDED',
  };
  // Envoy accepts a config of another policy and ignores it; only the matching one is read.
  if (cfg !== undefined && expect[cfg] === undefined) fail(cfg, 'is not supported');
  const mine = cfg !== undefined && expect[cfg] === lbPolicy ? c[cfg] : undefined;
  switch (lbPolicy) {
    case 'RING_HASH': {
      const f = 'ring_hash_lb_config';
      const min = wrapped<string>(mine?.minimum_ring_size);
      const max = wrapped<string>(mine?.maximum_ring_size);
      const r: Mutable<NonNullable<ClusterConfig['ringHashLbConfig']>> = {};
      if (min !== undefined) r.minimumRingSize = Number(min);
      if (max !== undefined) r.maximumRingSize = Number(max);
      if ((r.maximumRingSize ?? 0) > MAX_RING_SIZE) fail(at(f, 'maximum_ring_size'), `must be at most ${MAX_RING_SIZE}`);
      if ((r.minimumRingSize ?? 0) > MAX_RING_SIZE) fail(at(f, 'minimum_ring_size'), `must be at most ${MAX_RING_SIZE}`);
      if ((r.minimumRingSize ?? 1024) > (r.maximumRingSize ?? MAX_RING_SIZE)) fail(at(f, 'minimum_ring_size'), 'must not exceed maximum_ring_size');
      if (mine?.hash_function !== undefined && mine.hash_function !== 'XX_HASH') fail(at(f, 'hash_function'), `${mine.hash_function} is not supported (XX_HASH only)`);
      out.ringHashLbConfig = r;
      break;
    }
    case 'MAGLEV': {
      const size = wrapped<string>(mine?.table_size);
      if (size !== undefined) {
        const n = Number(size);
        if (n > MAX_MAGLEV_TABLE || !isPrime(n)) fail('maglev_lb_config.table_size', `must be a prime number no larger than ${MAX_MAGLEV_TABLE}, got ${n}`);
        out.maglevLbConfig = { tableSize: n };
      } else {
        out.maglevLbConfig = {};
      }
      break;
    }
    case 'LEAST_REQUEST': {
      if (mine === undefined) break;
      const choice = wrapped<number>(mine.choice_count);
      if (choice !== undefined && choice < 2) fail('least_request_lb_config.choice_count', `must be at least 2, got ${choice}`);
      if (mine.active_request_bias && mine.active_request_bias.default_value !== 1) fail('least_request_lb_config.active_request_bias', 'is not supported');
      const ss = slowStart(mine.slow_start_config, 'least_request_lb_config.slow_start_config');
      if (choice !== undefined || ss !== undefined) out.leastRequestLbConfig = { ...(choice !== undefined ? { choiceCount: choice } : {}), ...(ss !== undefined ? { slowStartConfig: ss } : {}) };
      break;
    }
    case 'ROUND_ROBIN': {
      const ss = slowStart(mine?.slow_start_config, 'round_robin_lb_config.slow_start_config');
      if (ss !== undefined) out.roundRobinLbConfig = { slowStartConfig: ss };
      break;
    }
    case 'CLUSTER_PROVIDED':
      if (type !== 'ORIGINAL_DST') fail('lb_policy', `CLUSTER_PROVIDED is only supported with an ORIGINAL_DST cluster (type is ${type})`);
      break;
    default: break;
  }
  if (type === 'ORIGINAL_DST') {
    if (lbPolicy !== 'CLUSTER_PROVIDED') fail('lb_policy', `an ORIGINAL_DST cluster needs CLUSTER_PROVIDED (got ${lbPolicy})`);
    const od = originalDst(mine);
    if (od !== undefined) out.originalDstLbConfig = od;
  }
  const common = c.common_lb_config;
  if (common !== null && common !== undefined) {
    const panic = percent(common.healthy_panic_threshold, 'common_lb_config.healthy_panic_threshold');
    if (panic !== undefined) out.healthyPanicThresholdPercent = panic;
    if (common.locality_config_specifier === 'locality_weighted_lb_config') out.localityWeightedLb = true;
    // Zone-aware routing needs the local cluster (cluster_manager.local_cluster_name), which Istio never sets; Envoy then ignores it too.
    if (common.consistent_hashing_lb_config?.use_hostname_for_hashing === true) fail('common_lb_config.consistent_hashing_lb_config.use_hostname_for_hashing', 'is not supported');
  }
  return out;
}

function originalDst(o: any): OriginalDstLbConfig | undefined {
  if (o === undefined || o === null) return undefined;
  const f = 'original_dst_lb_config';
  if (o.metadata_key) fail(at(f, 'metadata_key'), 'is not supported');
  const out: Mutable<OriginalDstLbConfig> = {};
  if (o.use_http_header === true) out.useHttpHeader = true;
  if (o.http_header_name) out.httpHeaderName = o.http_header_name.toLowerCase();
  const port = wrapped<number>(o.upstream_port_override);
  if (port !== undefined) {
    if (port < 1 || port > 65535) fail(at(f, 'upstream_port_override'), `invalid port ${port}`);
    out.upstreamPortOverride = port;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function circuitBreakers(cb: any): CircuitBreakerThresholds | undefined {
  // Only the DEFAULT priority's thresholds apply: the router never sends HIGH-priority requests.
  const list: any[] = cb?.thresholds ?? [];
  const i = list.findIndex((x: any) => (x.priority ?? 'DEFAULT') === 'DEFAULT');
  if (i < 0) return undefined;
  const t = list[i];
  const f = `circuit_breakers.thresholds[${i}]`;
  const out: Mutable<CircuitBreakerThresholds> = {};
  const mc = wrapped<number>(t.max_connections);
  const mp = wrapped<number>(t.max_pending_requests);
  const mr = wrapped<number>(t.max_requests);
  const mrt = wrapped<number>(t.max_retries);
  if (mc !== undefined) out.maxConnections = mc;
  if (mp !== undefined) out.maxPendingRequests = mp;
  if (mr !== undefined) out.maxRequests = mr;
  if (mrt !== undefined) out.maxRetries = mrt;
  const rb = t.retry_budget;
  if (rb !== null && rb !== undefined) {
    const budget = percent(rb.budget_percent, at(f, 'retry_budget.budget_percent'));
    const min = wrapped<number>(rb.min_retry_concurrency);
    out.retryBudget = { ...(budget !== undefined ? { budgetPercent: budget } : {}), ...(min !== undefined ? { minRetryConcurrency: min } : {}) };
  }
  return out;
}

export function outlierDetection(o: any): OutlierDetectionConfig | undefined {
  if (o === null || o === undefined) return undefined;
  const f = 'outlier_detection';
  const out: Mutable<OutlierDetectionConfig> = {};
  const num = (k: string): number | undefined => wrapped<number>(o[k]);
  const pct = (k: string): number | undefined => {
    const v = num(k);
    if (v !== undefined && v > 100) fail(at(f, k), `must be at most 100, got ${v}`);
    return v;
  };
  const set = <K extends keyof OutlierDetectionConfig>(k: K, v: OutlierDetectionConfig[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('consecutive5xx', num('consecutive_5xx'));
  const interval = durationMs(o.interval);
  if (interval !== undefined && interval <= 0) fail(at(f, 'interval'), 'must be greater than 0');
  set('intervalMs', interval);
  const base = durationMs(o.base_ejection_time);
  if (base !== undefined && base <= 0) fail(at(f, 'base_ejection_time'), 'must be greater than 0');
  set('baseEjectionTimeMs', base);
  set('maxEjectionTimeMs', durationMs(o.max_ejection_time));
  set('maxEjectionPercent', pct('max_ejection_percent'));
  set('enforcingConsecutive5xx', pct('enforcing_consecutive_5xx'));
  set('consecutiveGatewayFailure', num('consecutive_gateway_failure'));
  set('enforcingConsecutiveGatewayFailure', pct('enforcing_consecutive_gateway_failure'));
  if (o.split_external_local_origin_errors === true) out.splitExternalLocalOriginErrors = true;
  set('consecutiveLocalOriginFailure', num('consecutive_local_origin_failure'));
  set('enforcingConsecutiveLocalOriginFailure', pct('enforcing_consecutive_local_origin_failure'));
  if (wrapped<boolean>(o.always_eject_one_host) === true) out.alwaysEjectOneHost = true;
  // Success-rate and failure-percentage ejection are not implemented; they are only active when enforced.
  for (const k of ['enforcing_success_rate', 'enforcing_failure_percentage', 'enforcing_failure_percentage_local_origin', 'enforcing_local_origin_success_rate']) {
    const v = num(k);
    // Envoy's defaults: 100 for success rate (which still needs success_rate_request_volume requests per host), 0 for the rest.
    if (v !== undefined && v > 0 && k !== 'enforcing_success_rate') fail(at(f, k), 'failure-percentage ejection is not supported');
  }
  if ((o.monitors ?? []).length > 0) fail(at(f, 'monitors'), 'is not supported');
  return out;
}
