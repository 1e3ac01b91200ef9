// DestinationRule connectionPool → circuit breaker thresholds, connect timeout, TCP keepalive and
// HTTP protocol options, as Istio maps them. Every cluster carries Istio's default thresholds
// (all limits at 2^32-1, track_remaining) because Envoy's own defaults (e.g. 3 retries) starve
// clients during pod churn; a DestinationRule only overrides the fields it sets to positive values.
import type { ConnectionPoolSettings } from '../../../api/networking/index.js';
import { parseDuration } from '../../../shared/index.js';
import type { TranslationMesh } from '../endpoint/index.js';
import { httpOptions, setH2, setUseDownstreamProtocol, type ClusterDraft } from './draft.js';
import { duration, MAX_UINT32, u32 } from './proto.js';
import type { Protocol } from '../../model/protocol.js';
import { isHTTP } from '../../model/protocol.js';

export function defaultThresholds() {
  return {
    max_connections: u32(MAX_UINT32),
    max_pending_requests: u32(MAX_UINT32),
    max_requests: u32(MAX_UINT32),
    max_retries: u32(MAX_UINT32),
    track_remaining: true,
  };
}

const durMs = (s: string | undefined): number | undefined => (s === undefined ? undefined : parseDuration(s));

function setKeepalive(d: ClusterDraft, k: { probes?: number; timeMs?: number; intervalMs?: number } | undefined): void {
  if (!k) return;
  // An empty tcp_keepalive turns SO_KEEPALIVE on with the OS defaults.
  d.cluster.upstream_connection_options ??= { tcp_keepalive: {} };
  const t = d.cluster.upstream_connection_options.tcp_keepalive ??= {};
  if (k.probes && k.probes > 0) t.keepalive_probes = u32(k.probes);
  if (k.timeMs !== undefined) t.keepalive_time = u32(Math.trunc(k.timeMs / 1000));
  if (k.intervalMs !== undefined) t.keepalive_interval = u32(Math.trunc(k.intervalMs / 1000));
}

/** Applies a connection pool (an empty one when the rule sets none) to a draft. */
export function applyConnectionPool(d: ClusterDraft, mesh: TranslationMesh, pool: ConnectionPoolSettings = {}): void {
  const t = defaultThresholds();
  let idleMs: number | undefined;
  let maxRequestsPerConnection = 0;
  let maxConcurrentStreams = 0;
  let maxConnectionDurationMs: number | undefined;
  const http = pool.http;
  if (http) {
    if ((http.http2MaxRequests ?? 0) > 0) t.max_requests = u32(http.http2MaxRequests as number);
    if ((http.http1MaxPendingRequests ?? 0) > 0) t.max_pending_requests = u32(http.http1MaxPendingRequests as number);
    if ((http.maxRetries ?? 0) > 0) t.max_retries = u32(http.maxRetries as number);
    idleMs = durMs(http.idleTimeout);
    maxRequestsPerConnection = http.maxRequestsPerConnection ?? 0;
    maxConcurrentStreams = http.maxConcurrentStreams ?? 0;
  }
  d.cluster.connect_timeout = duration(mesh.connectTimeoutMs);
  const tcp = pool.tcp;
  if (tcp) {
    const ct = durMs(tcp.connectTimeout);
    if (ct !== undefined) d.cluster.connect_timeout = duration(ct);
    if ((tcp.maxConnections ?? 0) > 0) t.max_connections = u32(tcp.maxConnections as number);
    maxConnectionDurationMs = durMs(tcp.maxConnectionDuration);
    idleMs ??= durMs(tcp.idleTimeout);
  }
  setKeepalive(d, mesh.tcpKeepalive);
  if (tcp?.tcpKeepalive) {
    setKeepalive(d, { probes: tcp.tcpKeepalive.probes, timeMs: durMs(tcp.tcpKeepalive.time), intervalMs: durMs(tcp.tcpKeepalive.interval) });
  }
  d.cluster.circuit_breakers = { thresholds: [t] };
  if (maxConnectionDurationMs !== undefined || idleMs !== undefined || maxRequestsPerConnection > 0 || maxConcurrentStreams > 0) {
    const o = httpOptions(d);
    const common = o.common_http_protocol_options ??= {};
    if (idleMs !== undefined) common.idle_timeout = duration(idleMs);
    if (maxRequestsPerConnection > 0) common.max_requests_per_connection = u32(maxRequestsPerConnection);
    if (maxConnectionDurationMs !== undefined) common.max_connection_duration = duration(maxConnectionDurationMs);
    const h2 = o.explicit_http_config?.http2_protocol_options;
    if (h2 && maxConcurrentStreams > 0) h2.max_concurrent_streams = u32(maxConcurrentStreams);
  }
  if (http?.useClientProtocol) setUseDownstreamProtocol(d);
}

/**
 * HTTP/2 upgrade of an HTTP/1.1 port: the rule's h2UpgradePolicy wins (UPGRADE even on a port
 * not declared HTTP, since the user vouches for it); otherwise only HTTP ports follow the mesh.
 */
export function shouldUpgradeH2(protocol: Protocol, mesh: TranslationMesh, pool: ConnectionPoolSettings | undefined): boolean {
  const policy = pool?.http?.h2UpgradePolicy;
  if (policy === 'UPGRADE') return true;
  if (policy === 'DO_NOT_UPGRADE') return false;
  if (!isHTTP(protocol)) return false;
  return mesh.h2UpgradePolicy === 'UPGRADE';
}

export function applyH2Upgrade(d: ClusterDraft, protocol: Protocol, mesh: TranslationMesh, pool: ConnectionPoolSettings | undefined): void {
  if (shouldUpgradeH2(protocol, mesh, pool)) setH2(d);
}
