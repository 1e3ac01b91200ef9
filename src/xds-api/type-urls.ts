// Type URLs of the xDS resources and of the typed_config messages Istio puts in them, plus the
// well-known filter names Istio uses. One place so that the server, the translators and the proxy
// agree on spelling.

const PREFIX = 'type.googleapis.com/';

export const TypeUrl = {
  // xDS resource types (one per discovery service).
  Listener: `${PREFIX}envoy.config.listener.v3.Listener`,
  RouteConfiguration: `${PREFIX}envoy.config.route.v3.RouteConfiguration`,
  Cluster: `${PREFIX}envoy.config.cluster.v3.Cluster`,
  ClusterLoadAssignment: `${PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  Secret: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`,
  // Network filters.
  HttpConnectionManager: `${PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  TcpProxy: `${PREFIX}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  NetworkRbac: `${PREFIX}envoy.extensions.filters.network.rbac.v3.RBAC`,
  NetworkExtAuthz: `${PREFIX}envoy.extensions.filters.network.ext_authz.v3.ExtAuthz`,
  // HTTP filters (and their per-route configs).
  Router: `${PREFIX}envoy.extensions.filters.http.router.v3.Router`,
  HttpRbac: `${PREFIX}envoy.extensions.filters.http.rbac.v3.RBAC`,
  HttpRbacPerRoute: `${PREFIX}envoy.extensions.filters.http.rbac.v3.RBACPerRoute`,
  Fault: `${PREFIX}envoy.extensions.filters.http.fault.v3.HTTPFault`,
  Cors: `${PREFIX}envoy.extensions.filters.http.cors.v3.Cors`,
  CorsPolicy: `${PREFIX}envoy.extensions.filters.http.cors.v3.CorsPolicy`,
  JwtAuthn: `${PREFIX}envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication`,
  LocalRateLimit: `${PREFIX}envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit`,
  HttpExtAuthz: `${PREFIX}envoy.extensions.filters.http.ext_authz.v3.ExtAuthz`,
  GrpcWeb: `${PREFIX}envoy.extensions.filters.http.grpc_web.v3.GrpcWeb`,
  GrpcStats: `${PREFIX}envoy.extensions.filters.http.grpc_stats.v3.FilterConfig`,
  // Listener filters.
  OriginalDst: `${PREFIX}envoy.extensions.filters.listener.original_dst.v3.OriginalDst`,
  TlsInspector: `${PREFIX}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector`,
  HttpInspector: `${PREFIX}envoy.extensions.filters.listener.http_inspector.v3.HttpInspector`,
  ProxyProtocol: `${PREFIX}envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol`,
  // Transport sockets, access logs, upstream protocol options.
  UpstreamTlsContext: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  DownstreamTlsContext: `${PREFIX}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
  RawBuffer: `${PREFIX}envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer`,
  FileAccessLog: `${PREFIX}envoy.extensions.access_loggers.file.v3.FileAccessLog`,
  HttpProtocolOptions: `${PREFIX}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
} as const;

export type TypeUrlName = keyof typeof TypeUrl;

/** The five resource types served over ADS, in the order Envoy requests them (CDS, EDS, LDS, RDS, SDS). */
export const XDS_RESOURCE_TYPES = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
  TypeUrl.Secret,
] as const;

export type XdsResourceTypeUrl = (typeof XDS_RESOURCE_TYPES)[number];

const SHORT: Record<string, string> = {
  [TypeUrl.Listener]: 'LDS',
  [TypeUrl.RouteConfiguration]: 'RDS',
  [TypeUrl.Cluster]: 'CDS',
  [TypeUrl.ClusterLoadAssignment]: 'EDS',
  [TypeUrl.Secret]: 'SDS',
};

/** `LDS`, `RDS`, `CDS`, `EDS`, `SDS` for the resource types, else the message name (for logs and /debug). */
export function shortTypeName(typeUrl: string): string {
  return SHORT[typeUrl] ?? messageName(typeUrl);
}

/** The fully qualified message name of a type URL (`envoy.config.listener.v3.Listener`). */
export function messageName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/**
 * Wildcard semantics (xDS protocol): LDS and CDS are wildcard when a client names no resources,
 * and the server then sends the full state; RDS, EDS and SDS are always requested by name.
 */
export function isWildcardType(typeUrl: string): boolean {
  return typeUrl === TypeUrl.Listener || typeUrl === TypeUrl.Cluster;
}

/** Filter and transport-socket names as Istio writes them in `name:` fields. */
export const WellKnownName = {
  HttpConnectionManager: 'envoy.filters.network.http_connection_manager',
  TcpProxy: 'envoy.filters.network.tcp_proxy',
  NetworkRbac: 'envoy.filters.network.rbac',
  NetworkExtAuthz: 'envoy.filters.network.ext_authz',
  Router: 'envoy.filters.http.router',
  HttpRbac: 'envoy.filters.http.rbac',
  Fault: 'envoy.filters.http.fault',
  Cors: 'envoy.filters.http.cors',
  JwtAuthn: 'envoy.filters.http.jwt_authn',
  LocalRateLimit: 'envoy.filters.http.local_ratelimit',
  HttpExtAuthz: 'envoy.filters.http.ext_authz',
  GrpcWeb: 'envoy.filters.http.grpc_web',
  GrpcStats: 'envoy.filters.http.grpc_stats',
  OriginalDst: 'envoy.filters.listener.original_dst',
  TlsInspector: 'envoy.filters.listener.tls_inspector',
  HttpInspector: 'envoy.filters.listener.http_inspector',
  ProxyProtocol: 'envoy.filters.listener.proxy_protocol',
  TransportSocketTls: 'envoy.transport_sockets.tls',
  TransportSocketRawBuffer: 'envoy.transport_sockets.raw_buffer',
  FileAccessLog: 'envoy.access_loggers.file',
  HttpProtocolOptions: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
} as const;
