// The proxy's internal config: typed, readonly, camelCase, with durations already in
// milliseconds. It mirrors the subset of Envoy's v3 resources (Listener, RouteConfiguration,
// Cluster, ClusterLoadAssignment) that the data path implements, so that xDS decoding can map
// onto it field by field; the hot path never sees protobuf or YAML.

export interface ProxyConfig {
  /** Opaque; reported by /config_dump and bumped by every applied update. */
  readonly version: string;
  readonly listeners: readonly ListenerConfig[];
  readonly routeConfigs: readonly RouteConfiguration[];
  readonly clusters: readonly ClusterConfig[];
  /** EDS: endpoints per cluster name; a STATIC cluster carries its own `loadAssignment`. */
  readonly endpoints?: readonly ClusterLoadAssignment[];
}

// ── Listeners ──────────────────────────────────────────────────────────────────────────────

export interface ListenerConfig {
  readonly name: string;
  readonly address: string;
  /** 0 binds an ephemeral port (tests); the bound port is reported by the proxy. */
  readonly port: number;
  readonly filterChains: readonly FilterChain[];
  readonly defaultFilterChain?: FilterChain;
  /** Listener filters by Envoy name (`envoy.filters.listener.tls_inspector`, ...), in order. */
  readonly listenerFilters?: readonly string[];
  /** Envoy default 15 s; 0 disables. How long listener filters may wait for connection bytes. */
  readonly listenerFiltersTimeoutMs?: number;
  /** On that timeout, match a filter chain with what was found instead of closing (Envoy default false). */
  readonly continueOnListenerFiltersTimeout?: boolean;
  /** Envoy's traffic_direction; `/drain_listeners?inboundonly` (a sidecar's SIGTERM) drains INBOUND ones. */
  readonly trafficDirection?: 'INBOUND' | 'OUTBOUND';
  /** Envoy's use_original_dst: hand connections to the listener bound to their original destination. */
  readonly useOriginalDst?: boolean;
  /** Envoy default true; false makes a virtual listener that only receives handed-off connections. */
  readonly bindToPort?: boolean;
}

export interface CidrRange {
  readonly addressPrefix: string;
  readonly prefixLen: number;
}

export interface FilterChainMatch {
  readonly destinationPort?: number;
  readonly prefixRanges?: readonly CidrRange[];
  readonly serverNames?: readonly string[];
  readonly transportProtocol?: string;
  readonly applicationProtocols?: readonly string[];
  readonly sourcePrefixRanges?: readonly CidrRange[];
  readonly sourcePorts?: readonly number[];
}

export interface FilterChain {
  readonly name?: string;
  readonly filterChainMatch?: FilterChainMatch;
  /** Exactly one terminal network filter: the HTTP connection manager or the TCP proxy. */
  readonly httpConnectionManager?: HttpConnectionManager;
  readonly tcpProxy?: TcpProxy;
}

/** `envoy.filters.network.tcp_proxy`. */
export interface TcpProxy {
  readonly statPrefix: string;
  readonly cluster?: string;
  readonly weightedClusters?: { readonly clusters: readonly { readonly name: string; readonly weight: number }[] };
  /** Envoy default 1 h; 0 disables. Reset by traffic in either direction. */
  readonly idleTimeoutMs?: number;
  /** Envoy default 1. */
  readonly maxConnectAttempts?: number;
}

/** `http2_protocol_options` (downstream in the HCM, upstream in the cluster's protocol options). */
export interface Http2ProtocolOptions {
  /** Envoy default 2147483647. */
  readonly maxConcurrentStreams?: number;
  /** Envoy default 268435456 (256 MiB). */
  readonly initialStreamWindowSize?: number;
  /** Envoy default 268435456 (256 MiB). */
  readonly initialConnectionWindowSize?: number;
  /** Flood limits; Envoy defaults 10000, 1000, 1, 100, 10. */
  readonly maxOutboundFrames?: number;
  readonly maxOutboundControlFrames?: number;
  readonly maxConsecutiveInboundFramesWithEmptyPayload?: number;
  readonly maxInboundPriorityFramesPerStream?: number;
  readonly maxInboundWindowUpdateFramesPerDataFrameSent?: number;
  /** `connection_keepalive`: PINGs, and the connection aborted when one goes unanswered. */
  readonly connectionKeepalive?: Http2Keepalive;
}

/** `KeepaliveSettings`: `timeoutMs` required; interval 0 sends no interval PINGs. */
export interface Http2Keepalive {
  readonly intervalMs?: number;
  readonly timeoutMs: number;
  /** Envoy default 15 (percent). */
  readonly intervalJitterPercent?: number;
  readonly connectionIdleIntervalMs?: number;
}

export type CodecType = 'AUTO' | 'HTTP1' | 'HTTP2';

export interface UpgradeConfig {
  /** Case-insensitive, e.g. "websocket". */
  readonly upgradeType: string;
  /** Envoy default true. */
  readonly enabled?: boolean;
}

export type ServerHeaderTransformation = 'OVERWRITE' | 'APPEND_IF_ABSENT' | 'PASS_THROUGH';

export interface HttpConnectionManager {
  readonly statPrefix: string;
  /** Either the name of a route configuration (RDS) or one given inline. */
  readonly routeConfigName?: string;
  readonly routeConfig?: RouteConfiguration;
  /** Envoy default false: trust x-forwarded-for instead of the peer address. */
  readonly useRemoteAddress?: boolean;
  readonly skipXffAppend?: boolean;
  /** Envoy default true. */
  readonly generateRequestId?: boolean;
  readonly preserveExternalRequestId?: boolean;
  /** Envoy default 60 (KiB). */
  readonly maxRequestHeadersKb?: number;
  /** Envoy default 100. */
  readonly maxHeadersCount?: number;
  /** Envoy default "envoy". */
  readonly serverName?: string;
  readonly serverHeaderTransformation?: ServerHeaderTransformation;
  /** Envoy's `suppress_envoy_headers` of the router filter. */
  readonly suppressEnvoyHeaders?: boolean;
  /** The HTTP filters before the router, in order; absent means the router alone. */
  readonly httpFilters?: readonly HttpFilterConfig[];
  /** Envoy default AUTO: HTTP/2 when the connection starts with its preface (or ALPN says h2), else HTTP/1.1. */
  readonly codecType?: CodecType;
  readonly http2ProtocolOptions?: Http2ProtocolOptions;
  /** Upgrades (e.g. websocket) the HCM lets through; others have their Upgrade header removed. */
  readonly upgradeConfigs?: readonly UpgradeConfig[];
  /** `normalize_path`, `merge_slashes`, `path_with_escaped_slashes_action`; absent when all are off. */
  readonly pathNormalization?: PathNormalization;
  /** `stream_idle_timeout`: Envoy default 300,000 (5 min); 0 disables (Istio's setting). */
  readonly streamIdleTimeoutMs?: number;
  /** `request_timeout`: default 0 (off). */
  readonly requestTimeoutMs?: number;
  /** `common_http_protocol_options.idle_timeout` for downstream connections: Envoy default 3,600,000 (1 h); 0 disables. */
  readonly idleTimeoutMs?: number;
  /** `request_headers_timeout`: default 0 (off). */
  readonly requestHeadersTimeoutMs?: number;
}

export type EscapedSlashesAction = 'KEEP_UNCHANGED' | 'REJECT_REQUEST' | 'UNESCAPE_AND_REDIRECT' | 'UNESCAPE_AND_FORWARD';

export interface PathNormalization {
  /** `normalize_path`: RFC 3986 normalization (Envoy's default when unset: false; Istio sets true unless pathNormalization is NONE). */
  readonly normalize: boolean;
  readonly mergeSlashes: boolean;
  /** Envoy's default (IMPLEMENTATION_SPECIFIC_DEFAULT) is KEEP_UNCHANGED. */
  readonly escapedSlashes: EscapedSlashesAction;
}

// ── Routes ─────────────────────────────────────────────────────────────────────────────────

export interface RouteConfiguration {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly requestHeadersToAdd?: readonly HeaderValueOption[];
  readonly requestHeadersToRemove?: readonly string[];
  readonly responseHeadersToAdd?: readonly HeaderValueOption[];
  readonly responseHeadersToRemove?: readonly string[];
  /** Envoy's ignore_port_in_host_matching: the authority's port is ignored when picking a virtual host. */
  readonly ignorePortInHostMatching?: boolean;
}

export interface HeaderOps {
  readonly requestHeadersToAdd?: readonly HeaderValueOption[];
  readonly requestHeadersToRemove?: readonly string[];
  readonly responseHeadersToAdd?: readonly HeaderValueOption[];
  readonly responseHeadersToRemove?: readonly string[];
}

export interface VirtualHost extends HeaderOps {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
  /** Used by routes that name none of their own. */
  readonly retryPolicy?: RetryPolicy;
  readonly includeRequestAttemptCount?: boolean;
  readonly includeAttemptCountInResponse?: boolean;
  readonly typedPerFilterConfig?: PerFilterConfig;
  readonly perRequestBufferLimitBytes?: number;
  /** Envoy's require_tls: plaintext requests (per x-forwarded-proto) get a 301 to https first. */
  readonly requireTls?: 'NONE' | 'EXTERNAL_ONLY' | 'ALL';
}

export type HeaderAppendAction =
  | 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';

export interface HeaderValueOption {
  readonly header: { readonly key: string; readonly value: string };
  /** Envoy default APPEND_IF_EXISTS_OR_ADD. */
  readonly appendAction?: HeaderAppendAction;
}

export interface StringMatcher {
  readonly exact?: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly contains?: string;
  readonly safeRegex?: { readonly regex: string };
  readonly ignoreCase?: boolean;
}

export interface HeaderMatcher {
  readonly name: string;
  readonly stringMatch?: StringMatcher;
  readonly presentMatch?: boolean;
  readonly invertMatch?: boolean;
  readonly treatMissingHeaderAsEmpty?: boolean;
}

export interface QueryParameterMatcher {
  readonly name: string;
  readonly stringMatch?: StringMatcher;
  readonly presentMatch?: boolean;
}

export interface RouteMatch {
  readonly prefix?: string;
  readonly path?: string;
  readonly safeRegex?: { readonly regex: string };
  readonly pathSeparatedPrefix?: string;
  /** Envoy default true; applies to prefix and path, not to regexes. */
  readonly caseSensitive?: boolean;
  readonly headers?: readonly HeaderMatcher[];
  readonly queryParameters?: readonly QueryParameterMatcher[];
}

export interface WeightedCluster extends HeaderOps {
  readonly name: string;
  readonly weight: number;
}

export interface RouteAction {
  readonly cluster?: string;
  readonly weightedClusters?: { readonly clusters: readonly WeightedCluster[] };
  readonly prefixRewrite?: string;
  readonly regexRewrite?: { readonly pattern: { readonly regex: string }; readonly substitution: string };
  readonly hostRewriteLiteral?: string;
  /** Envoy default 15 s; 0 disables the timeout. */
  readonly timeoutMs?: number;
  /** Deprecated Envoy field: when set, `grpc-timeout` replaces the route timeout, capped by this (0 = uncapped). */
  readonly maxGrpcTimeoutMs?: number;
  readonly maxStreamDuration?: {
    /** Same meaning as `maxGrpcTimeoutMs`; takes precedence over it. */
    readonly grpcTimeoutHeaderMaxMs?: number;
  };
  readonly retryPolicy?: RetryPolicy;
  readonly requestMirrorPolicies?: readonly RequestMirrorPolicy[];
  readonly hashPolicy?: readonly HashPolicy[];
}

export interface RetryPolicy {
  /** Envoy's comma-separated conditions: 5xx, gateway-error, reset, connect-failure, retriable-4xx, ... */
  readonly retryOn: string;
  /** Envoy default 1. */
  readonly numRetries?: number;
  /** Absent or 0: each try may use what is left of the route timeout. */
  readonly perTryTimeoutMs?: number;
  readonly retriableStatusCodes?: readonly number[];
  /** Envoy defaults: 25 ms base, 10× base max. */
  readonly retryBackOff?: { readonly baseIntervalMs: number; readonly maxIntervalMs?: number };
  /** Only `envoy.retry_host_predicates.previous_hosts` is implemented (as in Istio's config). */
  readonly retryHostPredicate?: readonly { readonly name: string }[];
  /** Envoy default 1. */
  readonly hostSelectionRetryMaxAttempts?: number;
}

export interface RequestMirrorPolicy {
  readonly cluster: string;
  /** Envoy default 100 %. */
  readonly runtimeFraction?: FractionalPercent;
  /** Envoy default false: the mirrored Host gets a `-shadow` suffix. */
  readonly disableShadowHostSuffixAppend?: boolean;
}

export type HashPolicy = (
  | { readonly header: { readonly headerName: string } }
  | { readonly cookie: { readonly name: string; readonly ttlMs?: number; readonly path?: string } }
  | { readonly connectionProperties: { readonly sourceIp: boolean } }
  | { readonly queryParameter: { readonly name: string } }
) & { readonly terminal?: boolean };

/** Envoy's FractionalPercent. */
export interface FractionalPercent {
  readonly numerator: number;
  /** Envoy default HUNDRED. */
  readonly denominator?: 'HUNDRED' | 'TEN_THOUSAND' | 'MILLION';
}

/** envoy.extensions.filters.http.fault.v3.HTTPFault. */
export interface HttpFaultConfig {
  readonly delay?: {
    readonly fixedDelayMs?: number;
    /** Take the delay from the `x-envoy-fault-delay-request` header. */
    readonly headerDelay?: boolean;
    readonly percentage?: FractionalPercent;
  };
  readonly abort?: {
    readonly httpStatus?: number;
    readonly grpcStatus?: number;
    /** Take the status from `x-envoy-fault-abort-request` / `x-envoy-fault-abort-grpc-request`. */
    readonly headerAbort?: boolean;
    readonly percentage?: FractionalPercent;
  };
  /** Envoy default unlimited. */
  readonly maxActiveFaults?: number;
}

/** envoy.extensions.filters.http.cors.v3.CorsPolicy. */
export interface CorsPolicy {
  readonly allowOriginStringMatch?: readonly StringMatcher[];
  /** Comma-separated, as Envoy takes them. */
  readonly allowMethods?: string;
  readonly allowHeaders?: string;
  readonly exposeHeaders?: string;
  /** Seconds, as a string (Envoy's type). */
  readonly maxAge?: string;
  readonly allowCredentials?: boolean;
  readonly allowPrivateNetworkAccess?: boolean;
  /** Envoy default 100 %. */
  readonly filterEnabled?: FractionalPercent;
  /** Envoy default true: a preflight from an origin not allowed goes on to the upstream. */
  readonly forwardNotMatchingPreflights?: boolean;
}

/** `typed_per_filter_config` by filter: a route's fault config replaces the listener's; CORS is the policy. */
export interface PerFilterConfig {
  readonly fault?: HttpFaultConfig;
  readonly cors?: CorsPolicy;
}

/** An HTTP filter of the connection manager (the router is implied last). */
export type HttpFilterConfig =
  | { readonly name: string; readonly kind: 'fault'; readonly fault?: HttpFaultConfig }
  | { readonly name: string; readonly kind: 'cors' }
  | { readonly name: string; readonly kind: 'router' };

export type RedirectResponseCode = 'MOVED_PERMANENTLY' | 'FOUND' | 'SEE_OTHER' | 'TEMPORARY_REDIRECT' | 'PERMANENT_REDIRECT';

export interface RedirectAction {
  readonly schemeRedirect?: string;
  readonly httpsRedirect?: boolean;
  readonly hostRedirect?: string;
  readonly portRedirect?: number;
  readonly pathRedirect?: string;
  readonly prefixRewrite?: string;
  /** Envoy default MOVED_PERMANENTLY (301). */
  readonly responseCode?: RedirectResponseCode;
  readonly stripQuery?: boolean;
}

export interface DirectResponseAction {
  readonly status: number;
  readonly body?: { readonly inlineString: string };
}

export interface Route extends HeaderOps {
  readonly name?: string;
  readonly match: RouteMatch;
  readonly route?: RouteAction;
  readonly redirect?: RedirectAction;
  readonly directResponse?: DirectResponseAction;
  readonly typedPerFilterConfig?: PerFilterConfig;
  /** Bounds the request body held for retries and mirrors; Envoy default: the listener's 1 MiB. */
  readonly perRequestBufferLimitBytes?: number;
}

// ── Clusters ───────────────────────────────────────────────────────────────────────────────

export type DiscoveryType = 'STATIC' | 'EDS' | 'ORIGINAL_DST' | 'STRICT_DNS' | 'LOGICAL_DNS';
/** Envoy's Cluster.DnsLookupFamily (default AUTO: IPv6, falling back to IPv4). */
export type DnsLookupFamily = 'AUTO' | 'V4_ONLY' | 'V6_ONLY' | 'V4_PREFERRED' | 'ALL';

/** STRICT_DNS / LOGICAL_DNS resolution, durations in ms; Envoy's defaults in the comments. */
export interface DnsConfig {
  /** AUTO */ readonly lookupFamily?: DnsLookupFamily;
  /** 5 s */ readonly refreshRateMs?: number;
  /** false: when true, a successful answer's (lowest) record TTL sets the next refresh. */
  readonly respectDnsTtl?: boolean;
  /** dns_failure_refresh_rate: jittered exponential back-off after a failed resolution; absent: refreshRateMs. */
  readonly failureRefresh?: { readonly baseIntervalMs: number; readonly maxIntervalMs: number };
  /** dns_resolvers / dns_resolution_config.resolvers as `ip:port`; absent: the system's servers. */
  readonly resolvers?: readonly string[];
}
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV';
export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';

export interface CircuitBreakerThresholds {
  /** Envoy defaults: 1024 each. */
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  /** Envoy default 3: retries in flight across the cluster. */
  readonly maxRetries?: number;
  /** When set, replaces maxRetries: a share of active requests (Envoy defaults 20 %, at least 3). */
  readonly retryBudget?: { readonly budgetPercent?: number; readonly minRetryConcurrency?: number };
}

/** config.cluster.v3.OutlierDetection, durations in ms; Envoy's defaults in the comments. */
export interface OutlierDetectionConfig {
  /** 5 */ readonly consecutive5xx?: number;
  /** 10 s */ readonly intervalMs?: number;
  /** 30 s */ readonly baseEjectionTimeMs?: number;
  /** 300 s */ readonly maxEjectionTimeMs?: number;
  /** 10; one host may always be ejected */ readonly maxEjectionPercent?: number;
  /** 100 */ readonly enforcingConsecutive5xx?: number;
  /** 5 */ readonly consecutiveGatewayFailure?: number;
  /** 0 */ readonly enforcingConsecutiveGatewayFailure?: number;
  /** false */ readonly splitExternalLocalOriginErrors?: boolean;
  /** 5 */ readonly consecutiveLocalOriginFailure?: number;
  /** 100 */ readonly enforcingConsecutiveLocalOriginFailure?: number;
  /** false: eject one host even when max_ejection_percent allows none */ readonly alwaysEjectOneHost?: boolean;
}

export interface SlowStartConfig {
  readonly slowStartWindowMs: number;
  /** Envoy default 1.0. */
  readonly aggression?: number;
  /** Envoy default 10. */
  readonly minWeightPercent?: number;
}

export interface ClusterConfig {
  readonly name: string;
  readonly type: DiscoveryType;
  /** Envoy default ROUND_ROBIN. */
  readonly lbPolicy?: LbPolicy;
  /** Envoy default 5 s. */
  readonly connectTimeoutMs?: number;
  readonly circuitBreakers?: CircuitBreakerThresholds;
  /** Envoy default 1 h; how long an unused upstream connection stays pooled. */
  readonly idleTimeoutMs?: number;
  /** 0 or absent: unlimited. */
  readonly maxRequestsPerConnection?: number;
  /** Envoy default 50: below this share of healthy hosts, balance over all hosts (panic mode). */
  readonly healthyPanicThresholdPercent?: number;
  readonly loadAssignment?: ClusterLoadAssignment;
  readonly outlierDetection?: OutlierDetectionConfig;
  /** Envoy defaults: 1024 minimum, 8M maximum entries. */
  readonly ringHashLbConfig?: { readonly minimumRingSize?: number; readonly maximumRingSize?: number };
  /** Envoy default 65537 (a prime). */
  readonly maglevLbConfig?: { readonly tableSize?: number };
  readonly roundRobinLbConfig?: { readonly slowStartConfig?: SlowStartConfig };
  readonly leastRequestLbConfig?: { readonly choiceCount?: number; readonly slowStartConfig?: SlowStartConfig };
  /** common_lb_config.locality_weighted_lb_config: pick a locality by weight, then a host in it. */
  readonly localityWeightedLb?: boolean;
  /**
   * `typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]`:
   * `explicit_http_config` (HTTP1 or HTTP2) or `use_downstream_protocol_config` (USE_DOWNSTREAM).
   * Absent: HTTP/1.1, as Envoy.
   */
  readonly httpProtocolOptions?: UpstreamHttpProtocolOptions;
  /** ORIGINAL_DST: where the upstream host comes from besides the downstream's original destination. */
  readonly originalDstLbConfig?: OriginalDstLbConfig;
  /** ORIGINAL_DST: how often hosts unused since the previous sweep are removed (Envoy default 5 s). */
  readonly cleanupIntervalMs?: number;
  /** upstream_bind_config.source_address: the local address upstream connections bind to (Istio: 127.0.0.6 inbound). */
  readonly upstreamBindAddress?: string;
  /** STRICT_DNS / LOGICAL_DNS: how `loadAssignment`'s hostnames are resolved. */
  readonly dns?: DnsConfig;
}

export interface OriginalDstLbConfig {
  /** Take the host from `httpHeaderName` (default `x-envoy-original-dst-host`) when the request carries it. */
  readonly useHttpHeader?: boolean;
  readonly httpHeaderName?: string;
  /** Replaces the original destination's port. */
  readonly upstreamPortOverride?: number;
}

export interface UpstreamHttpProtocolOptions {
  readonly upstreamProtocol: 'HTTP1' | 'HTTP2' | 'USE_DOWNSTREAM';
  readonly http2ProtocolOptions?: Http2ProtocolOptions;
}

export interface ClusterLoadAssignment {
  readonly clusterName: string;
  readonly endpoints: readonly LbEndpoint[];
  /** policy.overprovisioning_factor, Envoy default 140 (1.4×): a priority's health is inflated by it before load spills to the next. */
  readonly overprovisioningFactor?: number;
}

export interface LbEndpoint {
  readonly address: string;
  readonly port: number;
  /** Envoy default UNKNOWN, which counts as healthy. */
  readonly healthStatus?: HealthStatus;
  readonly weight?: number;
  /** From the endpoint's LocalityLbEndpoints: 0 is the highest priority (Envoy default 0). */
  readonly priority?: number;
  readonly locality?: Locality;
  /** The locality's load_balancing_weight (locality-weighted balancing); absent when unset. */
  readonly localityWeight?: number;
}

export interface Locality {
  readonly region?: string;
  readonly zone?: string;
  readonly subZone?: string;
}
