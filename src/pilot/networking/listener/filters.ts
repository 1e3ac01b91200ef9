// The building blocks every listener uses: addresses, listener filters (original_dst, the TLS and
// HTTP inspectors), tcp_proxy network filters and filter-chain matches, named and shaped as Istio
// writes them.
import type { FilterChainMatch, ListenerFilter } from '../../../xds-api/index.js';
import { TypeUrl, WellKnownName } from '../../../xds-api/index.js';
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.js';

export const WILDCARD = '0.0.0.0';
export const WILDCARD_V6 = '::';
export const LOCALHOST = '127.0.0.1';
export const PLAINTEXT_HTTP_ALPNS = ['http/1.1', 'h2c'] as const;
export const PASSTHROUGH_FILTER_CHAIN = 'PassthroughFilterChain';

export function socketAddress(address: string, port: number): { socket_address: { address: string; port_value: number } } {
  return { socket_address: { address, port_value: port } };
}

/** `<bind>_<port>` (Istio's listener and chain names); an empty bind is the IPv4 wildcard. */
export function listenerName(bind: string, port: number): string {
  return `${bind || WILDCARD}_${port}`;
}

export const ORIGINAL_DST: ListenerFilter = { name: 'envoy.filters.listener.original_dst', typed_config: { '@type': TypeUrl.OriginalDst } };
export const TLS_INSPECTOR: ListenerFilter = { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': TypeUrl.TlsInspector } };
export const HTTP_INSPECTOR: ListenerFilter = { name: 'envoy.filters.listener.http_inspector', typed_config: { '@type': TypeUrl.HttpInspector } };

/** A listener filter that runs except on `ports` (Envoy's destination_port_range is [start, end)). */
export function disabledOnPorts(filter: ListenerFilter, ports: readonly number[]): ListenerFilter {
  if (ports.length === 0) return filter;
  const rules = ports.map((p) => ({ destination_port_range: { start: p, end: p + 1 } }));
  return { ...filter, filter_disabled: rules.length === 1 ? rules[0] : { or_match: { rules } } };
}

export interface TcpProxyFilter { name: string; typed_config: Record<string, unknown> }

export function tcpProxy(statPrefix: string, cluster: string): TcpProxyFilter {
  return { name: WellKnownName.TcpProxy, typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: statPrefix, cluster } };
}

export function weightedTcpProxy(statPrefix: string, clusters: readonly { name: string; weight: number }[]): TcpProxyFilter {
  return { name: WellKnownName.TcpProxy, typed_config: { '@type': TypeUrl.TcpProxy, stat_prefix: statPrefix, weighted_clusters: { clusters } } };
}

/** Unmatched outbound TCP: PassthroughCluster under ALLOW_ANY, BlackHoleCluster under REGISTRY_ONLY. */
export function catchAllTcp(mode: 'ALLOW_ANY' | 'REGISTRY_ONLY'): TcpProxyFilter {
  const cluster = mode === 'ALLOW_ANY' ? PASSTHROUGH_CLUSTER : BLACKHOLE_CLUSTER;
  return tcpProxy(cluster, cluster);
}

export interface ChainMatchOptions {
  sniHosts?: readonly string[];
  destinationCidrs?: readonly string[];
  applicationProtocols?: readonly string[];
  transportProtocol?: string;
}

export function isMatchAll(o: ChainMatchOptions): boolean {
  return (!o.sniHosts?.length || o.sniHosts.includes('*')) && !o.applicationProtocols?.length && !o.transportProtocol && !o.destinationCidrs?.length;
}

function cidr(text: string): { address_prefix: string; prefix_len: { value: number } } {
  const [addr, len] = text.split('/');
  return { address_prefix: addr, prefix_len: { value: len === undefined ? (addr.includes(':') ? 128 : 32) : Number(len) } };
}

export function filterChainMatch(o: ChainMatchOptions): FilterChainMatch | undefined {
  if (isMatchAll(o)) return undefined;
  const m: FilterChainMatch = {};
  if (o.applicationProtocols?.length) m.application_protocols = [...o.applicationProtocols];
  if (o.transportProtocol) m.transport_protocol = o.transportProtocol;
  if (o.sniHosts?.length && !o.sniHosts.includes('*')) m.server_names = [...o.sniHosts].sort();
  const ranges = [...(o.destinationCidrs ?? [])].sort().map(cidr).filter((c) => c.address_prefix !== WILDCARD);
  if (ranges.length) m.prefix_ranges = ranges;
  return m;
}
