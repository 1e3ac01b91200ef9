// The data plane: listeners with Envoy's filter-chain match, the HTTP connection manager
// (HTTP/1.1, h2c, gRPC, upgrades; forwarding headers, local replies with response flags), the
// TCP proxy, the router, clusters with load balancing, HTTP/1.1 and HTTP/2 pools and circuit
// breakers, the admin API, and the static bootstrap.
export * from './config/types.js';
export { parseBootstrap, loadBootstrap, type Bootstrap } from './config/load.js';
export { Proxy, type ProxyOptions } from './proxy.js';
export type { AccessRecord } from './hcm-context.js';
export { startAdmin, type AdminOptions } from './admin/admin-server.js';
export { StatsRegistry, ClusterStats, HttpStats, TcpStats } from './stats.js';
export { serveConnection, looksLikeH2Preface, type ChainRuntime, type DownstreamHandle } from './listener/dispatch.js';
export { httpToGrpcStatus, GrpcStatus } from './http2/grpc.js';
export { ResponseFlag, LocalReplies } from './response-flags.js';
export { RouteTable } from './router/route-table.js';
