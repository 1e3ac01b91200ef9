// Decode tables for the traffic policies Istio sends: retries, mirrors, hash policies, fault and
// CORS (per route, per virtual host, and as HCM filters), load balancers, outlier detection,
// circuit breakers and ORIGINAL_DST clusters — each good shape and each NACK with its field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, WellKnownName, encodeAny, typedAny } from '../../xds-api/index.js';
import { resourceTypes } from './resource-types.js';

const T = resourceTypes();
const ads = { ads: {}, resource_api_version: 'V3' as const };
const router = { name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) };
const rds = (route: object, vh: object = {}, routeExtra: object = {}) => T.route.decode(encodeAny(TypeUrl.RouteConfiguration, {
  name: 'r', virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c', ...route }, ...routeExtra }], ...vh }],
}));
const cds = (c: object) => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'c', type: 'EDS', eds_cluster_config: { eds_config: ads }, ...c }));
const lds = (filters: object[]) => T.listener.decode(encodeAny(TypeUrl.Listener, {
  name: 'l', address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
  filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, { stat_prefix: 's', rds: { route_config_name: 'r', config_source: ads }, http_filters: filters as never[] }) }] }],
}));
const previousHosts = { name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { type_url: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate', value: Buffer.alloc(0) } };
const fault = { delay: { fixed_delay: { seconds: 2 }, percentage: { numerator: 125000, denominator: 'MILLION' as const } }, abort: { grpc_status: 14, percentage: { numerator: 10 } }, max_active_faults: { value: 3 } };
const cors = {
  allow_origin_string_match: [{ exact: 'https://a.example.com' }, { safe_regex: { regex: 'https://.*\\.b\\.com' } }], allow_methods: 'GET,POST', allow_headers: 'x-a', expose_headers: 'x-c', max_age: '86400',
  allow_credentials: { value: true }, filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' as const } }, forward_not_matching_preflights: { value: false },
};

test('route policies decode into the router config', () => {
  const d = rds({
    retry_policy: {
      retry_on: 'gateway-error,connect-failure,retriable-status-codes', num_retries: { value: 3 }, per_try_timeout: { nanos: 500_000_000 }, retriable_status_codes: [503],
      retry_host_predicate: [previousHosts], host_selection_retry_max_attempts: '5', retry_back_off: { base_interval: { nanos: 25_000_000 }, max_interval: { seconds: 1 } },
      retry_priority: { name: 'envoy.retry_priorities.previous_priorities', typed_config: { type_url: 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig', value: Buffer.alloc(0) } },
    },
    request_mirror_policies: [{ cluster: 'mirror', runtime_fraction: { default_value: { numerator: 500000, denominator: 'MILLION' } } }, { cluster: 'm2', disable_shadow_host_suffix_append: true }],
    hash_policy: [{ header: { header_name: 'X-User' } }, { cookie: { name: 'user', ttl: { seconds: 10 }, path: '/' }, terminal: true }, { connection_properties: { source_ip: true } }, { query_parameter: { name: 'q' } }],
  }, { include_request_attempt_count: true, retry_policy: { retry_on: '5xx' }, typed_per_filter_config: { [WellKnownName.Cors]: typedAny(TypeUrl.CorsPolicy, cors) }, per_request_buffer_limit_bytes: { value: 4096 } },
  { typed_per_filter_config: { [WellKnownName.Fault]: typedAny(TypeUrl.Fault, fault) } });
  assert.equal(d.error, undefined);
  const vh = d.value!.value.virtualHosts[0];
  assert.deepEqual(vh.retryPolicy, { retryOn: '5xx' });
  assert.equal(vh.includeRequestAttemptCount, true);
  assert.equal(vh.perRequestBufferLimitBytes, 4096);
  assert.deepEqual(vh.typedPerFilterConfig, { cors: {
    allowOriginStringMatch: [{ exact: 'https://a.example.com' }, { safeRegex: { regex: 'https://.*\\.b\\.com' } }], allowMethods: 'GET,POST', allowHeaders: 'x-a', exposeHeaders: 'x-c', maxAge: '86400',
    allowCredentials: true, filterEnabled: { numerator: 100 }, forwardNotMatchingPreflights: false,
  } });
  const r = vh.routes[0];
  assert.deepEqual(r.typedPerFilterConfig, { fault: {
    delay: { fixedDelayMs: 2000, percentage: { numerator: 125000, denominator: 'MILLION' } }, abort: { grpcStatus: 14, percentage: { numerator: 10 } }, maxActiveFaults: 3,
  } });
  assert.deepEqual(r.route!.retryPolicy, {
    retryOn: 'gateway-error,connect-failure,retriable-status-codes', numRetries: 3, perTryTimeoutMs: 500, retriableStatusCodes: [503],
    retryBackOff: { baseIntervalMs: 25, maxIntervalMs: 1000 }, retryHostPredicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }], hostSelectionRetryMaxAttempts: 5,
  });
  assert.deepEqual(r.route!.requestMirrorPolicies, [{ cluster: 'mirror', runtimeFraction: { numerator: 500000, denominator: 'MILLION' } }, { cluster: 'm2', disableShadowHostSuffixAppend: true }]);
  assert.deepEqual(r.route!.hashPolicy, [
    { header: { headerName: 'x-user' } }, { cookie: { name: 'user', ttlMs: 10_000, path: '/' }, terminal: true }, { connectionProperties: { sourceIp: true } }, { queryParameter: { name: 'q' } },
  ]);
});

test('HCM http_filters: fault (with and without HCM-level faults), CORS, router; observe-only and optional filters add nothing', () => {
  const d = lds([
    { name: 'istio.metadata_exchange', typed_config: { type_url: 'type.googleapis.com/io.istio.http.peer_metadata.Config', value: Buffer.alloc(0) } },
    { name: WellKnownName.Fault, typed_config: typedAny(TypeUrl.Fault, {}) },
    { name: 'fault2', typed_config: typedAny(TypeUrl.Fault, { abort: { http_status: 418 } }) },
    { name: WellKnownName.Cors, typed_config: typedAny(TypeUrl.Cors, {}) },
    { name: 'jwt', is_optional: true, typed_config: typedAny(TypeUrl.JwtAuthn, {}) },
    router,
  ]);
  assert.equal(d.error, undefined);
  assert.deepEqual(d.value!.value.filterChains[0].httpConnectionManager!.httpFilters, [
    { name: WellKnownName.Fault, kind: 'fault' }, { name: 'fault2', kind: 'fault', fault: { abort: { httpStatus: 418 } } }, { name: WellKnownName.Cors, kind: 'cors' },
  ]);
  assert.equal(lds([router]).value!.value.filterChains[0].httpConnectionManager!.httpFilters, undefined);
});

test('cluster policies decode: ring hash, maglev, slow start, locality weighting, panic, outlier detection, retry limits, ORIGINAL_DST', () => {
  const cb = { thresholds: [{ priority: 'HIGH', max_retries: { value: 9 } }, { max_connections: { value: 10 }, max_retries: { value: 4 }, retry_budget: { budget_percent: { value: 25 }, min_retry_concurrency: { value: 2 } } }] };
  const cases: Array<[string, object, object]> = [
    ['ring hash', { lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: { value: '2048' }, maximum_ring_size: { value: '4096' } } }, { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: 2048, maximumRingSize: 4096 } }],
    ['ring hash defaults', { lb_policy: 'RING_HASH' }, { lbPolicy: 'RING_HASH', ringHashLbConfig: {} }],
    ['maglev', { lb_policy: 'MAGLEV', maglev_lb_config: { table_size: { value: '65537' } } }, { lbPolicy: 'MAGLEV', maglevLbConfig: { tableSize: 65537 } }],
    ['least request slow start', { lb_policy: 'LEAST_REQUEST', least_request_lb_config: { choice_count: { value: 3 }, slow_start_config: { slow_start_window: { seconds: 30 }, aggression: { default_value: 2, runtime_key: 'k' }, min_weight_percent: { value: 20 } } } },
      { lbPolicy: 'LEAST_REQUEST', leastRequestLbConfig: { choiceCount: 3, slowStartConfig: { slowStartWindowMs: 30_000, aggression: 2, minWeightPercent: 20 } } }],
    ['round robin slow start', { round_robin_lb_config: { slow_start_config: { slow_start_window: { seconds: 10 } } } }, { roundRobinLbConfig: { slowStartConfig: { slowStartWindowMs: 10_000 } } }],
    ['locality weighted, panic 0', { common_lb_config: { healthy_panic_threshold: { value: 0 }, locality_weighted_lb_config: {} } }, { healthyPanicThresholdPercent: 0, localityWeightedLb: true }],
    ['outlier detection', { outlier_detection: {
      consecutive_5xx: { value: 3 }, interval: { seconds: 5 }, base_ejection_time: { seconds: 30 }, max_ejection_percent: { value: 50 }, enforcing_consecutive_5xx: { value: 100 },
      consecutive_gateway_failure: { value: 2 }, enforcing_consecutive_gateway_failure: { value: 100 }, split_external_local_origin_errors: true, consecutive_local_origin_failure: { value: 4 },
      max_ejection_time: { seconds: 300 }, always_eject_one_host: { value: true },
    } }, { outlierDetection: {
      consecutive5xx: 3, intervalMs: 5000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50, enforcingConsecutive5xx: 100, consecutiveGatewayFailure: 2, enforcingConsecutiveGatewayFailure: 100,
      splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 4, maxEjectionTimeMs: 300_000, alwaysEjectOneHost: true,
    } }],
    ['circuit breakers with retries', { circuit_breakers: cb }, { circuitBreakers: { maxConnections: 10, maxRetries: 4, retryBudget: { budgetPercent: 25, minRetryConcurrency: 2 } } }],
  ];
  for (const [what, c, want] of cases) {
    const d = cds(c);
    assert.equal(d.error, undefined, what);
    assert.deepEqual(d.value!.value.config, { name: 'c', type: 'EDS', ...want }, what);
  }
  const od = T.cluster.decode(encodeAny(TypeUrl.Cluster, {
    name: 'inbound|9080||', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', cleanup_interval: { seconds: 60 },
    upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } },
    original_dst_lb_config: { use_http_header: true, http_header_name: 'X-Dst', upstream_port_override: { value: 8080 } },
  }));
  assert.equal(od.error, undefined);
  assert.deepEqual(od.value!.value.config, {
    name: 'inbound|9080||', type: 'ORIGINAL_DST', cleanupIntervalMs: 60_000, upstreamBindAddress: '127.0.0.6',
    originalDstLbConfig: { useHttpHeader: true, httpHeaderName: 'x-dst', upstreamPortOverride: 8080 },
  });
  const dflt = T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'PassthroughCluster', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED' }));
  assert.deepEqual(dflt.value!.value.config, { name: 'PassthroughCluster', type: 'ORIGINAL_DST', cleanupIntervalMs: 5000 });
});

test('bad policies NACK with the field at fault', () => {
  const cases: Array<[string, () => { error?: string }, string]> = [
    ['unknown retry_on', () => rds({ retry_policy: { retry_on: '5xx,sometimes' } }), 'virtual_hosts[0].routes[0].route.retry_policy.retry_on: unknown retryOn condition "sometimes"'],
    ['zero back-off', () => rds({ retry_policy: { retry_on: '5xx', retry_back_off: { base_interval: {} } } }), 'virtual_hosts[0].routes[0].route.retry_policy.retry_back_off.base_interval: must be greater than 0'],
    ['max below base', () => rds({ retry_policy: { retry_on: '5xx', retry_back_off: { base_interval: { seconds: 1 }, max_interval: { nanos: 1000 } } } }), 'virtual_hosts[0].routes[0].route.retry_policy.retry_back_off.max_interval: must be at least base_interval'],
    ['other host predicate', () => rds({ retry_policy: { retry_on: '5xx', retry_host_predicate: [{ name: 'envoy.retry_host_predicates.omit_canary_hosts' }] } }), 'virtual_hosts[0].routes[0].route.retry_policy.retry_host_predicate[0]: envoy.retry_host_predicates.omit_canary_hosts is not supported (envoy.retry_host_predicates.previous_hosts only)'],
    ['bad retriable status', () => rds({ retry_policy: { retry_on: 'retriable-status-codes', retriable_status_codes: [99] } }), 'virtual_hosts[0].routes[0].route.retry_policy.retriable_status_codes[0]: 99 is not an HTTP status'],
    ['vhost retry policy', () => rds({}, { retry_policy: { retry_on: 'nope' } }), 'virtual_hosts[0].retry_policy.retry_on: unknown retryOn condition "nope"'],
    ['mirror without cluster', () => rds({ request_mirror_policies: [{ cluster: '' }] }), 'virtual_hosts[0].routes[0].route.request_mirror_policies[0].cluster: is required'],
    ['mirror by header', () => rds({ request_mirror_policies: [{ cluster_header: 'x-mirror' }] }), 'virtual_hosts[0].routes[0].route.request_mirror_policies[0].cluster_header: is not supported'],
    ['hash by filter state', () => rds({ hash_policy: [{ filter_state: { key: 'k' } }] }), 'virtual_hosts[0].routes[0].route.hash_policy[0].filter_state: is not supported'],
    ['hash header without name', () => rds({ hash_policy: [{ header: { header_name: '' } }] }), 'virtual_hosts[0].routes[0].route.hash_policy[0].header.header_name: is required'],
    ['hedging', () => rds({ hedge_policy: { hedge_on_per_try_timeout: true } }), 'virtual_hosts[0].routes[0].route.hedge_policy: is not supported'],
    ['fault abort status', () => rds({}, {}, { typed_per_filter_config: { [WellKnownName.Fault]: typedAny(TypeUrl.Fault, { abort: { http_status: 100 } }) } }),
      'virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.fault].abort.http_status: must be in [200, 600), got 100'],
    ['fault by header match', () => rds({}, {}, { typed_per_filter_config: { [WellKnownName.Fault]: typedAny(TypeUrl.Fault, { headers: [{ name: 'x', present_match: true }] }) } }),
      'virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.fault].headers: is not supported'],
    ['CORS bad regex', () => rds({}, { typed_per_filter_config: { [WellKnownName.Cors]: typedAny(TypeUrl.CorsPolicy, { allow_origin_string_match: [{ safe_regex: { regex: '(' } }] }) } }),
      'virtual_hosts[0].typed_per_filter_config[envoy.filters.http.cors].allow_origin_string_match[0].safe_regex.regex: invalid RE2 regex "(": missing ): ('],
    ['unknown per-route config', () => rds({}, {}, { typed_per_filter_config: { 'envoy.filters.http.rbac': typedAny(TypeUrl.HttpRbac, {}) } }),
      'virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.rbac]: per-route config type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC is not supported'],
    ['HCM fault filter with a bad delay', () => lds([{ name: WellKnownName.Fault, typed_config: typedAny(TypeUrl.Fault, { delay: { percentage: { numerator: 1 } } }) }, router]),
      'filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.delay: fixed_delay or header_delay is required'],
    ['ring sizes crossed', () => cds({ lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: { value: '4096' }, maximum_ring_size: { value: '1024' } } }), 'ring_hash_lb_config.minimum_ring_size: must not exceed maximum_ring_size'],
    ['murmur', () => cds({ lb_policy: 'RING_HASH', ring_hash_lb_config: { hash_function: 'MURMUR_HASH_2' } }), 'ring_hash_lb_config.hash_function: MURMUR_HASH_2 is not supported (XX_HASH only)'],
    ['maglev table not prime', () => cds({ lb_policy: 'MAGLEV', maglev_lb_config: { table_size: { value: '65536' } } }), 'maglev_lb_config.table_size: must be a prime number no larger than 5000011, got 65536'],
    ['choice count 1', () => cds({ lb_policy: 'LEAST_REQUEST', least_request_lb_config: { choice_count: { value: 1 } } }), 'least_request_lb_config.choice_count: must be at least 2, got 1'],
    ['slow start without window', () => cds({ round_robin_lb_config: { slow_start_config: {} } }), 'round_robin_lb_config.slow_start_config.slow_start_window: is required and must be greater than 0'],
    ['panic over 100', () => cds({ common_lb_config: { healthy_panic_threshold: { value: 150 } } }), 'common_lb_config.healthy_panic_threshold: must be in [0, 100], got 150'],
    ['ejection percent over 100', () => cds({ outlier_detection: { max_ejection_percent: { value: 101 } } }), 'outlier_detection.max_ejection_percent: must be at most 100, got 101'],
    ['failure percentage', () => cds({ outlier_detection: { enforcing_failure_percentage: { value: 100 } } }), 'outlier_detection.enforcing_failure_percentage: failure-percentage ejection is not supported'],
    ['retry budget over 100', () => cds({ circuit_breakers: { thresholds: [{ retry_budget: { budget_percent: { value: 120 } } }] } }), 'circuit_breakers.thresholds[0].retry_budget.budget_percent: must be in [0, 100], got 120'],
    ['CLUSTER_PROVIDED on EDS', () => cds({ lb_policy: 'CLUSTER_PROVIDED' }), 'lb_policy: CLUSTER_PROVIDED is only supported with an ORIGINAL_DST cluster (type is EDS)'],
    ['ORIGINAL_DST with endpoints', () => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'o', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', load_assignment: { cluster_name: 'o', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '1.2.3.4', port_value: 1 } } } }] }] } })),
      'load_assignment: must be empty for an ORIGINAL_DST cluster'],
    ['bind to a hostname', () => cds({ upstream_bind_config: { source_address: { address: 'localhost', port_value: 0 } } }), 'upstream_bind_config.source_address.address: "localhost" is not an IP address'],
  ];
  for (const [what, decode, error] of cases) assert.equal(decode().error, error, what);
});
