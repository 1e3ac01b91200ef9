// Maps type URLs (and message names) to their generated input/output shapes, so that
// `decodeAny(any, TypeUrl.Listener)` is typed as `Listener__Output` without casts.
import type { TypeUrl } from './type-urls.js';
import type * as T from './types.js';

type Pair<I, O> = { input: I; output: O };

export interface MessageTypeMap {
  [TypeUrl.Listener]: Pair<T.Listener, T.Listener__Output>;
  [TypeUrl.RouteConfiguration]: Pair<T.RouteConfiguration, T.RouteConfiguration__Output>;
  [TypeUrl.Cluster]: Pair<T.Cluster, T.Cluster__Output>;
  [TypeUrl.ClusterLoadAssignment]: Pair<T.ClusterLoadAssignment, T.ClusterLoadAssignment__Output>;
  [TypeUrl.Secret]: Pair<T.Secret, T.Secret__Output>;
  [TypeUrl.HttpConnectionManager]: Pair<T.HttpConnectionManager, T.HttpConnectionManager__Output>;
  [TypeUrl.TcpProxy]: Pair<T.TcpProxy, T.TcpProxy__Output>;
  [TypeUrl.NetworkRbac]: Pair<T.NetworkRbac, T.NetworkRbac__Output>;
  [TypeUrl.Router]: Pair<T.Router, T.Router__Output>;
  [TypeUrl.HttpRbac]: Pair<T.HttpRbac, T.HttpRbac__Output>;
  [TypeUrl.HttpRbacPerRoute]: Pair<T.HttpRbacPerRoute, T.HttpRbacPerRoute__Output>;
  [TypeUrl.Fault]: Pair<T.HTTPFault, T.HTTPFault__Output>;
  [TypeUrl.Cors]: Pair<T.Cors, T.Cors__Output>;
  [TypeUrl.CorsPolicy]: Pair<T.CorsPolicy, T.CorsPolicy__Output>;
  [TypeUrl.JwtAuthn]: Pair<T.JwtAuthentication, T.JwtAuthentication__Output>;
  [TypeUrl.LocalRateLimit]: Pair<T.LocalRateLimit, T.LocalRateLimit__Output>;
  [TypeUrl.OriginalDst]: Pair<T.OriginalDst, T.OriginalDst__Output>;
  [TypeUrl.TlsInspector]: Pair<T.TlsInspector, T.TlsInspector__Output>;
  [TypeUrl.HttpInspector]: Pair<T.HttpInspector, T.HttpInspector__Output>;
  [TypeUrl.UpstreamTlsContext]: Pair<T.UpstreamTlsContext, T.UpstreamTlsContext__Output>;
  [TypeUrl.DownstreamTlsContext]: Pair<T.DownstreamTlsContext, T.DownstreamTlsContext__Output>;
  [TypeUrl.FileAccessLog]: Pair<T.FileAccessLog, T.FileAccessLog__Output>;
  [TypeUrl.HttpProtocolOptions]: Pair<T.HttpProtocolOptions, T.HttpProtocolOptions__Output>;
  'envoy.service.discovery.v3.DiscoveryRequest': Pair<T.DiscoveryRequest, T.DiscoveryRequest__Output>;
  'envoy.service.discovery.v3.DiscoveryResponse': Pair<T.DiscoveryResponse, T.DiscoveryResponse__Output>;
  'envoy.service.discovery.v3.DeltaDiscoveryRequest': Pair<T.DeltaDiscoveryRequest, T.DeltaDiscoveryRequest__Output>;
  'envoy.service.discovery.v3.DeltaDiscoveryResponse': Pair<T.DeltaDiscoveryResponse, T.DeltaDiscoveryResponse__Output>;
  'envoy.config.core.v3.Node': Pair<T.Node, T.Node__Output>;
}

/** The input shape for a known type URL or message name; a plain record otherwise. */
export type MessageInput<U extends string> = U extends keyof MessageTypeMap ? MessageTypeMap[U]['input'] : Record<string, unknown>;
/** The decoded shape for a known type URL or message name; a plain record otherwise. */
export type MessageOutput<U extends string> = U extends keyof MessageTypeMap ? MessageTypeMap[U]['output'] : Record<string, unknown>;
