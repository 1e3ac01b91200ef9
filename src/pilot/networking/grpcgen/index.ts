// Proxyless gRPC (node metadata GENERATOR=grpc): the LDS/RDS/CDS/EDS Istio serves to gRPC's own
// xDS clients — `api_listener`s named `host:port`, per-service route configurations, EDS clusters
// per subset, endpoints by locality. Pure functions of (proxy, push, requested names).
export { buildGrpcListeners, ROUTER_FILTER, type NamedListener } from './lds.js';
export { buildGrpcRoutes, buildGrpcRoute, virtualHostDomains, type NamedRouteConfiguration } from './rds.js';
export { buildGrpcInboundListeners } from './inbound.js';
export { buildGrpcClusters, type NamedCluster } from './cds.js';
export { buildGrpcEndpoints, buildGrpcEndpoint, loadAssignment, type NamedLoadAssignment } from './eds.js';
export { translateHttpRoutes, translateHttpRoute, defaultRoute, FAULT_FILTER, DEFAULT_RETRY_ON, DEFAULT_RETRY_ATTEMPTS } from './routes.js';
export { clusterKey, parseClusterKey, listenerSelections, expandShortName, splitHostPort, joinHostPort, GRPC_SERVER_LISTENER_PREFIX } from './names.js';
export type { ClusterKey, ListenerSelection } from './names.js';
export { grpcStatusCode, GRPC_STATUS_CODES } from './grpc-status.js';
