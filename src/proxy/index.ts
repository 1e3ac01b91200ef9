// The data plane: listeners with Envoy's filter-chain match, the HTTP/1.1 connection manager
// (codec, forwarding headers, local replies with response flags), the router, clusters with
// load balancing, pools and circuit breakers, the admin API, and the static bootstrap.
export * from './config/types.js';
export { parseBootstrap, loadBootstrap, type Bootstrap } from './config/load.js';
export { Proxy, type ProxyOptions } from './proxy.js';
export type { AccessRecord } from './hcm-context.js';
export { startAdmin, type AdminOptions } from './admin/admin-server.js';
export { StatsRegistry, ClusterStats, HttpStats } from './stats.js';
export { ResponseFlag, LocalReplies } from './response-flags.js';
export { RouteTable } from './router/route-table.js';
