// The generated TypeScript shapes of the Envoy messages istio-ts uses, under their message names.
// `Foo` is the permissive input shape (what encodeAny accepts: optional fields, longs as number or
// string, nested Any as `{ '@type': url, ...fields }`); `Foo__Output` is the decoded shape (every
// scalar present with its proto3 default, unset messages `null`, longs and enums as strings, Any
// as `{ type_url, value }`). Field names are the protos' snake_case names.
export type { Any, Any__Output } from './gen/google/protobuf/Any.js';
export type { Duration, Duration__Output } from './gen/google/protobuf/Duration.js';
export type { Struct, Struct__Output } from './gen/google/protobuf/Struct.js';
export type { Status, Status__Output } from './gen/google/rpc/Status.js';
export type { Node, Node__Output } from './gen/envoy/config/core/v3/Node.js';
export type { DiscoveryRequest, DiscoveryRequest__Output } from './gen/envoy/service/discovery/v3/DiscoveryRequest.js';
export type { DiscoveryResponse, DiscoveryResponse__Output } from './gen/envoy/service/discovery/v3/DiscoveryResponse.js';
export type { DeltaDiscoveryRequest, DeltaDiscoveryRequest__Output } from './gen/envoy/service/discovery/v3/DeltaDiscoveryRequest.js';
export type { DeltaDiscoveryResponse, DeltaDiscoveryResponse__Output } from './gen/envoy/service/discovery/v3/DeltaDiscoveryResponse.js';
export type { Resource, Resource__Output } from './gen/envoy/service/discovery/v3/Resource.js';
export type {
  AggregatedDiscoveryServiceClient,
  AggregatedDiscoveryServiceHandlers,
} from './gen/envoy/service/discovery/v3/AggregatedDiscoveryService.js';
export type { Listener, Listener__Output } from './gen/envoy/config/listener/v3/Listener.js';
export type { FilterChain, FilterChain__Output } from './gen/envoy/config/listener/v3/FilterChain.js';
export type { FilterChainMatch, FilterChainMatch__Output } from './gen/envoy/config/listener/v3/FilterChainMatch.js';
export type { Filter, Filter__Output } from './gen/envoy/config/listener/v3/Filter.js';
export type { ListenerFilter, ListenerFilter__Output } from './gen/envoy/config/listener/v3/ListenerFilter.js';
export type { RouteConfiguration, RouteConfiguration__Output } from './gen/envoy/config/route/v3/RouteConfiguration.js';
export type { VirtualHost, VirtualHost__Output } from './gen/envoy/config/route/v3/VirtualHost.js';
export type { Route, Route__Output } from './gen/envoy/config/route/v3/Route.js';
export type { RouteMatch, RouteMatch__Output } from './gen/envoy/config/route/v3/RouteMatch.js';
export type { RouteAction, RouteAction__Output } from './gen/envoy/config/route/v3/RouteAction.js';
export type { WeightedCluster, WeightedCluster__Output } from './gen/envoy/config/route/v3/WeightedCluster.js';
export type { Cluster, Cluster__Output } from './gen/envoy/config/cluster/v3/Cluster.js';
export type { ClusterLoadAssignment, ClusterLoadAssignment__Output } from './gen/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
export type { LocalityLbEndpoints, LocalityLbEndpoints__Output } from './gen/envoy/config/endpoint/v3/LocalityLbEndpoints.js';
export type { LbEndpoint, LbEndpoint__Output } from './gen/envoy/config/endpoint/v3/LbEndpoint.js';
export type { Address, Address__Output } from './gen/envoy/config/core/v3/Address.js';
export type { SocketAddress, SocketAddress__Output } from './gen/envoy/config/core/v3/SocketAddress.js';
export type { TransportSocket, TransportSocket__Output } from './gen/envoy/config/core/v3/TransportSocket.js';
export type { Secret, Secret__Output } from './gen/envoy/extensions/transport_sockets/tls/v3/Secret.js';
export type { UpstreamTlsContext, UpstreamTlsContext__Output } from './gen/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.js';
export type { DownstreamTlsContext, DownstreamTlsContext__Output } from './gen/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
export type { HttpConnectionManager, HttpConnectionManager__Output } from './gen/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.js';
export type { HttpFilter, HttpFilter__Output } from './gen/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
export type { TcpProxy, TcpProxy__Output } from './gen/envoy/extensions/filters/network/tcp_proxy/v3/TcpProxy.js';
export type { RBAC as NetworkRbac, RBAC__Output as NetworkRbac__Output } from './gen/envoy/extensions/filters/network/rbac/v3/RBAC.js';
export type { RBAC as HttpRbac, RBAC__Output as HttpRbac__Output } from './gen/envoy/extensions/filters/http/rbac/v3/RBAC.js';
export type { RBACPerRoute as HttpRbacPerRoute, RBACPerRoute__Output as HttpRbacPerRoute__Output } from './gen/envoy/extensions/filters/http/rbac/v3/RBACPerRoute.js';
export type { RBAC as RbacRules, RBAC__Output as RbacRules__Output } from './gen/envoy/config/rbac/v3/RBAC.js';
export type { Router, Router__Output } from './gen/envoy/extensions/filters/http/router/v3/Router.js';
export type { HTTPFault, HTTPFault__Output } from './gen/envoy/extensions/filters/http/fault/v3/HTTPFault.js';
export type { Cors, Cors__Output } from './gen/envoy/extensions/filters/http/cors/v3/Cors.js';
export type { CorsPolicy, CorsPolicy__Output } from './gen/envoy/extensions/filters/http/cors/v3/CorsPolicy.js';
export type { JwtAuthentication, JwtAuthentication__Output } from './gen/envoy/extensions/filters/http/jwt_authn/v3/JwtAuthentication.js';
export type { LocalRateLimit, LocalRateLimit__Output } from './gen/envoy/extensions/filters/http/local_ratelimit/v3/LocalRateLimit.js';
export type { OriginalDst, OriginalDst__Output } from './gen/envoy/extensions/filters/listener/original_dst/v3/OriginalDst.js';
export type { TlsInspector, TlsInspector__Output } from './gen/envoy/extensions/filters/listener/tls_inspector/v3/TlsInspector.js';
export type { HttpInspector, HttpInspector__Output } from './gen/envoy/extensions/filters/listener/http_inspector/v3/HttpInspector.js';
export type { FileAccessLog, FileAccessLog__Output } from './gen/envoy/extensions/access_loggers/file/v3/FileAccessLog.js';
export type { HttpProtocolOptions, HttpProtocolOptions__Output } from './gen/envoy/extensions/upstreams/http/v3/HttpProtocolOptions.js';
