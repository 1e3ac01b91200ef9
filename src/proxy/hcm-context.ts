// What a downstream connection needs from the HTTP connection manager's config and the proxy's
// current state, resolved per request so that a route or cluster update applies to connections
// already open (as RDS and CDS updates do in Envoy).
import type { PathNormalization, ServerHeaderTransformation } from './config/types.js';
import type { CoarseTimers } from './coarse-timers.js';
import type { ForwardingOptions } from './request-headers.js';
import type { RouteTable } from './router/route-table.js';
import type { HttpFilterChain } from './filters/http-filters.js';
import type { HttpStats } from './stats.js';
import type { Cluster } from './upstream/cluster.js';

export interface AccessRecord {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly status: number;
  readonly responseFlags: string;
  readonly detail: string;
  readonly cluster: string;
  readonly upstreamHost: string;
  readonly durationMs: number;
}

export interface HcmContext {
  readonly statPrefix: string;
  readonly stats: HttpStats;
  readonly forwarding: ForwardingOptions;
  readonly maxHeadBytes: number;
  readonly maxHeaders: number;
  readonly serverName: string;
  readonly serverHeaderTransformation: ServerHeaderTransformation;
  readonly suppressEnvoyHeaders: boolean;
  readonly scheme: 'http' | 'https';
  readonly timers: CoarseTimers;
  routeTable(): RouteTable | undefined;
  cluster(name: string): Cluster | undefined;
  /** Called once per finished request when someone listens (access log, tests); undefined otherwise. */
  readonly onAccess: ((r: AccessRecord) => void) | undefined;
  /** Enabled `upgrade_configs` types, lowercase (e.g. "websocket"). */
  readonly upgrades: ReadonlySet<string>;
  /** The fault/CORS filters before the router; undefined when the router runs alone. */
  readonly httpFilters: HttpFilterChain | undefined;
  /** The path transformations applied before routing; undefined when none is configured. */
  readonly pathNormalization: PathNormalization | undefined;
  /** `stream_idle_timeout` and `request_timeout` in ms; 0 = off. */
  readonly streamIdleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Downstream connection idle timeout in ms; 0 = off. */
  readonly idleTimeoutMs: number;
  /** `request_headers_timeout` in ms (HTTP/1.1: from a head's first byte to its end); 0 = off. */
  readonly requestHeadersTimeoutMs: number;
}
