// Envoy resources → the proxy's config, and the NACK message for each kind of bad resource.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, WellKnownName, encodeAny, typedAny } from '../../xds-api/index.js';
import { resourceTypes } from './resource-types.js';

const T = resourceTypes();
/** A udpa TypedStruct holding only its type_url (field 1). */
const typedStruct = (url: string) => Buffer.concat([Buffer.from([0x0a, url.length]), Buffer.from(url)]);
const ads = { ads: {}, resource_api_version: 'V3' as const };
const router = { name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) };
const hcm = (extra: object = {}, filters: object[] = [router]) => ({
  name: WellKnownName.HttpConnectionManager,
  typed_config: typedAny(TypeUrl.HttpConnectionManager, { stat_prefix: 'outbound_0.0.0.0_9080', rds: { route_config_name: '9080', config_source: ads }, http_filters: filters as never[], ...extra }),
});
const listener = (extra: object = {}, filters: object[] = [hcm()]) => encodeAny(TypeUrl.Listener, {
  name: '0.0.0.0_9080', address: { socket_address: { address: '0.0.0.0', port_value: 9080 } }, filter_chains: [{ filters: filters as never[] }], ...extra,
});

test('decodes a listener: address, chain matches, listener filters, HCM settings and RDS name', () => {
  const any = encodeAny(TypeUrl.Listener, {
    name: 'virtualInbound',
    address: { socket_address: { address: '0.0.0.0', port_value: 15006 } },
    use_original_dst: { value: true },
    listener_filters: [{ name: WellKnownName.OriginalDst, typed_config: typedAny(TypeUrl.OriginalDst, {}) }, { name: WellKnownName.TlsInspector, typed_config: typedAny(TypeUrl.TlsInspector, {}) }],
    filter_chains: [{
      name: 'inbound|9080||',
      filter_chain_match: { destination_port: { value: 9080 }, prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: { value: 8 } }], transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'], server_names: ['Reviews.Default'] },
      filters: [hcm({ use_remote_address: { value: true }, generate_request_id: { value: false }, max_request_headers_kb: { value: 96 }, server_name: 'istio-envoy', server_header_transformation: 'PASS_THROUGH', codec_type: 'HTTP1', upgrade_configs: [{ upgrade_type: 'WebSocket' }] }, [
        { name: 'istio.stats', typed_config: { type_url: 'type.googleapis.com/udpa.type.v1.TypedStruct', value: typedStruct('type.googleapis.com/stats.PluginConfig') } },
        { name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, { suppress_envoy_headers: true }) },
      ])],
    }, {
      filter_chain_match: { destination_port: { value: 3306 } },
      filters: [{ name: WellKnownName.TcpProxy, typed_config: typedAny(TypeUrl.TcpProxy, { stat_prefix: 'mysql', cluster: 'inbound|3306||', idle_timeout: { seconds: 30 } }) }],
    }],
  });
  const d = T.listener.decode(any);
  assert.equal(d.error, undefined);
  assert.deepEqual(d.value!.value, {
    name: 'virtualInbound', address: '0.0.0.0', port: 15006, useOriginalDst: true,
    listenerFilters: [WellKnownName.OriginalDst, WellKnownName.TlsInspector],
    filterChains: [{
      name: 'inbound|9080||',
      filterChainMatch: { destinationPort: 9080, prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }], transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'], serverNames: ['reviews.default'] },
      httpConnectionManager: {
        statPrefix: 'outbound_0.0.0.0_9080', routeConfigName: '9080', codecType: 'HTTP1', upgradeConfigs: [{ upgradeType: 'websocket' }],
        useRemoteAddress: true, generateRequestId: false, maxRequestHeadersKb: 96, serverName: 'istio-envoy', serverHeaderTransformation: 'PASS_THROUGH', suppressEnvoyHeaders: true,
      },
    }, {
      filterChainMatch: { destinationPort: 3306 },
      tcpProxy: { statPrefix: 'mysql', cluster: 'inbound|3306||', idleTimeoutMs: 30_000 },
    }],
  });
});

test('decodes a route configuration: domains, matches, weighted clusters, rewrites, redirects, direct responses, header ops', () => {
  const any = encodeAny(TypeUrl.RouteConfiguration, {
    name: '9080',
    request_headers_to_remove: ['X-Internal'],
    virtual_hosts: [{
      name: 'reviews.default.svc.cluster.local:9080', domains: ['reviews.default.svc.cluster.local', 'reviews'],
      response_headers_to_add: [{ header: { key: 'X-VH', value: '1' }, append: { value: false } }],
      routes: [
        { match: { prefix: '/api', case_sensitive: { value: false }, headers: [{ name: 'End-User', string_match: { exact: 'jason' } }, { name: 'x-debug', present_match: true, invert_match: true }], query_parameters: [{ name: 'v', string_match: { prefix: '2' } }] },
          route: { weighted_clusters: { clusters: [{ name: 'outbound|9080|v1|reviews', weight: { value: 80 } }, { name: 'outbound|9080|v2|reviews', weight: { value: 20 }, request_headers_to_add: [{ header: { key: 'x-v', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }] }] }, prefix_rewrite: '/v2', timeout: { seconds: 3, nanos: 500_000_000 } } },
        { match: { safe_regex: { regex: '/ratings/[0-9]+' } }, route: { cluster: 'ratings', regex_rewrite: { pattern: { regex: '^/ratings' }, substitution: '/r' }, host_rewrite_literal: 'ratings.internal' } },
        { match: { path: '/old' }, redirect: { path_redirect: '/new', response_code: 'FOUND', https_redirect: true } },
        { match: { path_separated_prefix: '/health' }, direct_response: { status: 200, body: { inline_string: 'ok' } } },
      ],
    }],
  });
  const d = T.route.decode(any);
  assert.equal(d.error, undefined);
  assert.deepEqual(d.value!.value, {
    name: '9080', requestHeadersToRemove: ['x-internal'],
    virtualHosts: [{
      name: 'reviews.default.svc.cluster.local:9080', domains: ['reviews.default.svc.cluster.local', 'reviews'],
      responseHeadersToAdd: [{ header: { key: 'x-vh', value: '1' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
      routes: [
        { match: { prefix: '/api', caseSensitive: false, headers: [{ name: 'end-user', stringMatch: { exact: 'jason' } }, { name: 'x-debug', invertMatch: true, presentMatch: true }], queryParameters: [{ name: 'v', stringMatch: { prefix: '2' } }] },
          route: { weightedClusters: { clusters: [{ name: 'outbound|9080|v1|reviews', weight: 80 }, { name: 'outbound|9080|v2|reviews', weight: 20, requestHeadersToAdd: [{ header: { key: 'x-v', value: '2' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }] }] }, prefixRewrite: '/v2', timeoutMs: 3500 } },
        { match: { safeRegex: { regex: '/ratings/[0-9]+' } }, route: { cluster: 'ratings', regexRewrite: { pattern: { regex: '^/ratings' }, substitution: '/r' }, hostRewriteLiteral: 'ratings.internal' } },
        { match: { path: '/old' }, redirect: { httpsRedirect: true, pathRedirect: '/new', responseCode: 'FOUND' } },
        { match: { pathSeparatedPrefix: '/health' }, directResponse: { status: 200, body: { inlineString: 'ok' } } },
      ],
    }],
  });
});

test('decodes clusters (EDS with service_name, circuit breakers, protocol options; STRICT_DNS by name) and CLAs with localities and priorities', () => {
  const eds = T.cluster.decode(encodeAny(TypeUrl.Cluster, {
    name: 'outbound|9080||reviews.default.svc.cluster.local', type: 'EDS', lb_policy: 'LEAST_REQUEST', connect_timeout: { seconds: 10 },
    eds_cluster_config: { eds_config: ads, service_name: 'reviews-eds' },
    circuit_breakers: { thresholds: [{ max_connections: { value: 100 }, max_requests: { value: 200 } }, { priority: 'HIGH', max_connections: { value: 1 } }] },
    common_lb_config: { healthy_panic_threshold: { value: 0 } },
    typed_extension_protocol_options: { [WellKnownName.HttpProtocolOptions]: typedAny(TypeUrl.HttpProtocolOptions, {
      common_http_protocol_options: { idle_timeout: { seconds: 60 }, max_requests_per_connection: { value: 1 } },
      explicit_http_config: { http2_protocol_options: { max_concurrent_streams: { value: 100 } } },
    }) as never },
  }));
  assert.equal(eds.error, undefined);
  assert.deepEqual(eds.value!.value, {
    edsServiceName: 'reviews-eds',
    config: {
      name: 'outbound|9080||reviews.default.svc.cluster.local', type: 'EDS', lbPolicy: 'LEAST_REQUEST', connectTimeoutMs: 10_000,
      circuitBreakers: { maxConnections: 100, maxRequests: 200 }, healthyPanicThresholdPercent: 0, idleTimeoutMs: 60_000, maxRequestsPerConnection: 1,
      httpProtocolOptions: { upstreamProtocol: 'HTTP2', http2ProtocolOptions: { maxConcurrentStreams: 100 } },
    },
  });
  const dns = T.cluster.decode(encodeAny(TypeUrl.Cluster, {
    name: 'outbound|443||httpbin.org', type: 'STRICT_DNS',
    load_assignment: { cluster_name: 'outbound|443||httpbin.org', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'httpbin.org', port_value: 443 } } } }] }] },
  }));
  assert.deepEqual(dns.value!.value, { config: { name: 'outbound|443||httpbin.org', type: 'STRICT_DNS', dns: {}, loadAssignment: { clusterName: 'outbound|443||httpbin.org', endpoints: [{ address: 'httpbin.org', port: 443 }] } } });
  const cla = T.endpoints.decode(encodeAny(TypeUrl.ClusterLoadAssignment, {
    cluster_name: 'reviews-eds',
    policy: { overprovisioning_factor: { value: 200 } },
    endpoints: [
      { locality: { region: 'us-east1', zone: 'us-east1-b' }, load_balancing_weight: { value: 3 }, lb_endpoints: [
        { endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 9080 } } }, health_status: 'HEALTHY', load_balancing_weight: { value: 2 } },
        { endpoint: { address: { socket_address: { address: '10.0.0.2', port_value: 9080 } } }, health_status: 'UNHEALTHY' },
      ] },
      { priority: 1, lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'fd00::3', port_value: 9080 } } } }] },
    ],
  }));
  assert.deepEqual(cla.value!.value, {
    clusterName: 'reviews-eds', overprovisioningFactor: 200,
    endpoints: [
      { address: '10.0.0.1', port: 9080, healthStatus: 'HEALTHY', weight: 2, locality: { region: 'us-east1', zone: 'us-east1-b' }, localityWeight: 3 },
      { address: '10.0.0.2', port: 9080, healthStatus: 'UNHEALTHY', locality: { region: 'us-east1', zone: 'us-east1-b' }, localityWeight: 3 },
      { address: 'fd00::3', port: 9080, priority: 1 },
    ],
  });
});

test('a resource that cannot be applied is rejected with its name and the field at fault', () => {
  const cases: Array<{ what: string; decode: () => { name: string; error?: string }; name: string; error: string | RegExp }> = [
    { what: 'unknown required HTTP filter', decode: () => T.listener.decode(listener({}, [hcm({}, [{ name: 'envoy.filters.http.jwt_authn', typed_config: typedAny(TypeUrl.JwtAuthn, {}) }, router])])),
      name: '0.0.0.0_9080', error: 'filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: unknown HTTP filter envoy.filters.http.jwt_authn (type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication)' },
    { what: 'an unknown optional HTTP filter is skipped', decode: () => T.listener.decode(listener({}, [hcm({}, [{ name: 'x', is_optional: true, typed_config: typedAny(TypeUrl.JwtAuthn, {}) }, router])])), name: '0.0.0.0_9080', error: '' },
    { what: 'router not last', decode: () => T.listener.decode(listener({}, [hcm({}, [router, { name: 'cors', typed_config: typedAny(TypeUrl.Cors, {}) }])])),
      name: '0.0.0.0_9080', error: 'filter_chains[0].filters[0].typed_config.http_filters[0]: the router must be the last HTTP filter' },
    { what: 'unknown network filter', decode: () => T.listener.decode(listener({}, [{ name: 'rbac', typed_config: typedAny(TypeUrl.NetworkRbac, { stat_prefix: 'x' }) }, hcm()])),
      name: '0.0.0.0_9080', error: 'filter_chains[0].filters[0].typed_config: network filter rbac (type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC) is not supported' },
    { what: 'missing address', decode: () => T.listener.decode(encodeAny(TypeUrl.Listener, { name: 'l', filter_chains: [{ filters: [hcm()] }] })), name: 'l', error: 'address: address is required' },
    { what: 'missing stat_prefix', decode: () => T.listener.decode(listener({}, [hcm({ stat_prefix: '' })])), name: '0.0.0.0_9080', error: 'filter_chains[0].filters[0].typed_config.stat_prefix: is required' },
    { what: 'duplicate chain match', decode: () => T.listener.decode(listener({ filter_chains: [{ filters: [hcm()] }, { filters: [hcm()] }] })), name: '0.0.0.0_9080', error: 'filter_chains[1].filter_chain_match: duplicates the match of filter_chains[0]' },
    { what: 'TLS transport socket', decode: () => T.listener.decode(listener({ filter_chains: [{ filters: [hcm()], transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: typedAny(TypeUrl.DownstreamTlsContext, {}) } }] })),
      name: '0.0.0.0_9080', error: 'filter_chains[0].transport_socket: envoy.transport_sockets.tls is not supported yet (raw_buffer only)' },
    { what: 'bad header regex', decode: () => T.route.decode(encodeAny(TypeUrl.RouteConfiguration, { name: 'r', virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/', headers: [{ name: 'x', safe_regex_match: { regex: 'a(' } }] }, route: { cluster: 'c' } }] }] })),
      name: 'r', error: /^virtual_hosts\[0\]\.routes\[0\]\.match\.headers\[0\]\.safe_regex_match\.regex: invalid RE2 regex "a\(": / },
    { what: 'route without action', decode: () => T.route.decode(encodeAny(TypeUrl.RouteConfiguration, { name: 'r', virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' } }] }] })),
      name: 'r', error: 'virtual_hosts[0].routes[0]: an action (route, redirect or direct_response) is required' },
    { what: 'duplicate domain', decode: () => T.route.decode(encodeAny(TypeUrl.RouteConfiguration, { name: 'r', virtual_hosts: [{ name: 'a', domains: ['x'] }, { name: 'b', domains: ['X'] }] })),
      name: 'r', error: 'virtual_hosts[1].domains: domain "X" is also in virtual host "a"' },
    { what: 'weights summing to 0', decode: () => T.route.decode(encodeAny(TypeUrl.RouteConfiguration, { name: 'r', virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: { value: 0 } }] } } }] }] })),
      name: 'r', error: 'virtual_hosts[0].routes[0].route.weighted_clusters.clusters: the sum of weights must be greater than 0' },
    { what: 'ORIGINAL_DST cluster', decode: () => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'PassthroughCluster', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED' })),
      name: 'PassthroughCluster', error: '' },
    { what: 'ORIGINAL_DST cluster with another lb_policy', decode: () => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'PassthroughCluster', type: 'ORIGINAL_DST', lb_policy: 'ROUND_ROBIN' })),
      name: 'PassthroughCluster', error: 'lb_policy: an ORIGINAL_DST cluster needs CLUSTER_PROVIDED (got ROUND_ROBIN)' },
    { what: 'a STATIC cluster without endpoints is a black hole', decode: () => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'BlackHoleCluster', type: 'STATIC' })), name: 'BlackHoleCluster', error: '' },
    { what: 'STRICT_DNS cluster without endpoints', decode: () => T.cluster.decode(encodeAny(TypeUrl.Cluster, { name: 'c', type: 'STRICT_DNS' })), name: 'c', error: 'load_assignment: is required for a STRICT_DNS cluster' },
    { what: 'EDS hostname', decode: () => T.endpoints.decode(encodeAny(TypeUrl.ClusterLoadAssignment, { cluster_name: 'c', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'host.example', port_value: 80 } } } }] }] })),
      name: 'c', error: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: "host.example" is not an IP address' },
    { what: 'wrong type in the Any', decode: () => T.cluster.decode(encodeAny(TypeUrl.RouteConfiguration, { name: 'x' })), name: '(undecodable)',
      error: 'expected a resource of type type.googleapis.com/envoy.config.cluster.v3.Cluster, got type.googleapis.com/envoy.config.route.v3.RouteConfiguration' },
  ];
  for (const c of cases) {
    const d = c.decode();
    assert.equal(d.name, c.name, c.what);
    if (c.error === '') assert.equal(d.error, undefined, c.what);
    else if (typeof c.error === 'string') assert.equal(d.error, c.error, c.what);
    else assert.match(d.error ?? '', c.error, c.what);
  }
});

test('ignore_port_in_host_matching (Istio sets it): the authority port is ignored when picking a virtual host', async () => {
  const { RouteTable } = await import('../router/route-table.js');
  const { RequestHeaders } = await import('../http1/headers.js');
  const rc = (ignore: boolean) => T.route.decode(encodeAny(TypeUrl.RouteConfiguration, {
    name: '8080', ignore_port_in_host_matching: ignore,
    virtual_hosts: [{ name: 'reviews', domains: ['reviews', '[fd00::1]'], routes: [{ match: { prefix: '/' }, route: { cluster: 'reviews' } }] }, { name: 'any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'passthrough' } }] }],
  })).value!.value;
  const cases: Array<[boolean, string, string]> = [
    [true, 'reviews:8080', 'reviews'], [true, 'reviews', 'reviews'], [true, '[fd00::1]:8080', 'reviews'], [true, 'reviews:x', 'any'],
    [false, 'reviews:8080', 'any'], [false, 'reviews', 'reviews'],
  ];
  for (const [ignore, authority, vh] of cases) {
    assert.equal(new RouteTable(rc(ignore)).route(authority, '/', '', new RequestHeaders())?.virtualHost, vh, `${ignore} ${authority}`);
  }
});
