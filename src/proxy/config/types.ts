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
  readonly httpConnectionManager: HttpConnectionManager;
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
}

// ── Routes ─────────────────────────────────────────────────────────────────────────────────

export interface RouteConfiguration {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly requestHeadersToAdd?: readonly HeaderValueOption[];
  readonly requestHeadersToRemove?: readonly string[];
  readonly responseHeadersToAdd?: readonly HeaderValueOption[];
  readonly responseHeadersToRemove?: readonly string[];
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
}

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
}

// ── Clusters ───────────────────────────────────────────────────────────────────────────────

export type DiscoveryType = 'STATIC' | 'EDS';
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM';
export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';

export interface CircuitBreakerThresholds {
  /** Envoy defaults: 1024 each. */
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
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
}

export interface ClusterLoadAssignment {
  readonly clusterName: string;
  readonly endpoints: readonly LbEndpoint[];
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
