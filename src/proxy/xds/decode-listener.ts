// Listener (LDS) → the proxy's listener config: address, filter chains and their matches,
// listener filters, and each chain's HttpConnectionManager (RDS name or inline routes, settings,
// HTTP filters). Filters are looked up by type URL in registries passed in, never by side effect.
import { TypeUrl, WellKnownName, anyTypeUrl, decodeAny } from '../../xds-api/index.js';
import type {
  CodecType, EscapedSlashesAction, FilterChain, FilterChainMatch, Http2ProtocolOptions, HttpConnectionManager, HttpFilterConfig, ListenerConfig, PathNormalization, ServerHeaderTransformation, TcpProxy, UpgradeConfig,
} from '../config/types.js';
import { at, cidr, durationMs, fail, socketAddress, wrapped } from './decode-common.js';
import { decodeRouteConfiguration } from './decode-route.js';
import { decodeFault } from './decode-route-policies.js';

/**
 * An HTTP filter's decoder: the filter the connection manager runs before its router, or
 * undefined for a filter that only observes traffic and needs nothing from the data path.
 */
export type HttpFilterDecoder = (config: any, field: string, name: string) => HttpFilterConfig | undefined;

export interface FilterRegistries {
  /** HTTP filter decoders by typed_config type URL; the router is handled apart (it must be last). */
  readonly http: ReadonlyMap<string, HttpFilterDecoder>;
  /** Listener filters the proxy understands, by type URL → Envoy name. */
  readonly listener: ReadonlyMap<string, string>;
}

const TYPED_STRUCTS = new Set(['type.googleapis.com/udpa.type.v1.TypedStruct', 'type.googleapis.com/xds.type.v3.TypedStruct']);
const observe: HttpFilterDecoder = () => undefined;

/**
 * The fault and CORS filters, and filters that only observe traffic (Istio's telemetry and ALPN
 * tagging): accepting those changes no routing. Anything else unknown NACKs its listener unless
 * marked is_optional, as in Envoy.
 */
const HTTP_FILTERS: ReadonlyMap<string, HttpFilterDecoder> = new Map<string, HttpFilterDecoder>([
  ['type.googleapis.com/io.istio.http.peer_metadata.Config', observe],
  ['type.googleapis.com/stats.PluginConfig', observe],
  ['type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig', observe],
  [TypeUrl.GrpcStats, observe],
  [TypeUrl.Fault, (cfg, field, name) => {
    const f = cfg === undefined ? {} : decodeFault(decodeAny(cfg, TypeUrl.Fault), field);
    return f.delay === undefined && f.abort === undefined ? { name, kind: 'fault' } : { name, kind: 'fault', fault: f };
  }],
  [TypeUrl.Cors, (_cfg, _field, name) => ({ name, kind: 'cors' })],
]);

export const DEFAULT_FILTER_REGISTRIES: FilterRegistries = {
  http: HTTP_FILTERS,
  listener: new Map([
    [TypeUrl.TlsInspector, WellKnownName.TlsInspector],
    [TypeUrl.HttpInspector, WellKnownName.HttpInspector],
    [TypeUrl.OriginalDst, WellKnownName.OriginalDst],
  ]),
};

export function decodeListener(l: any, reg: FilterRegistries = DEFAULT_FILTER_REGISTRIES): ListenerConfig {
  if (typeof l.name !== 'string' || l.name === '') fail('name', 'is required');
  if (l.api_listener) fail('api_listener', 'is not supported by a proxy');
  if (l.internal_listener) fail('internal_listener', 'is not supported');
  if ((l.additional_addresses ?? []).length > 0) fail('additional_addresses', 'is not supported');
  if (l.filter_chain_matcher) fail('filter_chain_matcher', 'is not supported; use filter_chain_match');
  const { address, port } = socketAddress(l.address, 'address');
  const out: { -readonly [K in keyof ListenerConfig]: ListenerConfig[K] } = {
    name: l.name,
    address,
    port,
    filterChains: (l.filter_chains ?? []).map((fc: any, i: number) => decodeFilterChain(fc, `filter_chains[${i}]`, reg)),
  };
  if (out.filterChains.length === 0 && !l.default_filter_chain) fail('filter_chains', 'at least one filter chain or a default_filter_chain is required');
  if (l.default_filter_chain) out.defaultFilterChain = decodeFilterChain(l.default_filter_chain, 'default_filter_chain', reg);
  const names = (l.listener_filters ?? []).map((lf: any, i: number) => listenerFilter(lf, `listener_filters[${i}]`, reg));
  const lfs = names.filter((n: string | undefined): n is string => n !== undefined);
  if (lfs.length > 0) out.listenerFilters = lfs;
  if (wrapped<boolean>(l.use_original_dst) === true) out.useOriginalDst = true;
  const lft = durationMs(l.listener_filters_timeout);
  if (lft !== undefined) out.listenerFiltersTimeoutMs = lft;
  if (l.continue_on_listener_filters_timeout === true) out.continueOnListenerFiltersTimeout = true;
  if (l.traffic_direction === 'INBOUND' || l.traffic_direction === 'OUTBOUND') out.trafficDirection = l.traffic_direction;
  if (wrapped<boolean>(l.bind_to_port) === false) out.bindToPort = false;
  // Envoy rejects two chains with the same match: a connection could not pick between them.
  const seen = new Map<string, number>();
  out.filterChains.forEach((fc, i) => {
    const key = JSON.stringify(fc.filterChainMatch ?? {});
    const prev = seen.get(key);
    if (prev !== undefined) fail(`filter_chains[${i}].filter_chain_match`, `duplicates the match of filter_chains[${prev}]`);
    seen.set(key, i);
  });
  return out;
}

function listenerFilter(lf: any, field: string, reg: FilterRegistries): string | undefined {
  const url = lf.typed_config ? anyTypeUrl(lf.typed_config) : '';
  const name = reg.listener.get(url);
  if (name !== undefined) return name;
  if (lf.config_type === 'config_discovery') fail(at(field, 'config_discovery'), 'ECDS is not supported');
  return fail(at(field, 'typed_config'), `unknown listener filter ${lf.name || '(unnamed)'} (${url || 'no typed_config'})`);
}

function decodeFilterChain(fc: any, field: string, reg: FilterRegistries): FilterChain {
  if (fc.transport_socket) {
    const url = fc.transport_socket.typed_config ? anyTypeUrl(fc.transport_socket.typed_config) : '';
    if (url !== TypeUrl.RawBuffer) fail(at(field, 'transport_socket'), `${fc.transport_socket.name || url} is not supported yet (raw_buffer only)`);
  }
  const filters: any[] = fc.filters ?? [];
  if (filters.length === 0) fail(at(field, 'filters'), 'at least one network filter is required');
  let hcm: HttpConnectionManager | undefined;
  let tcp: TcpProxy | undefined;
  filters.forEach((f, i) => {
    const ff = at(field, `filters[${i}]`);
    const url = f.typed_config ? anyTypeUrl(f.typed_config) : '';
    if (url === TypeUrl.HttpConnectionManager) {
      if (i !== filters.length - 1) fail(ff, 'http_connection_manager must be the last (terminal) filter');
      hcm = decodeHcm(decodeAny(f.typed_config, TypeUrl.HttpConnectionManager), at(ff, 'typed_config'), reg);
      return;
    }
    if (url === TypeUrl.TcpProxy) {
      if (i !== filters.length - 1) fail(ff, 'tcp_proxy must be the last (terminal) filter');
      tcp = decodeTcpProxy(decodeAny(f.typed_config, TypeUrl.TcpProxy), at(ff, 'typed_config'));
      return;
    }
    if (url === 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange') return; // Istio's mTLS peer metadata: observe-only
    fail(at(ff, 'typed_config'), `network filter ${f.name || '(unnamed)'} (${url || 'no typed_config'}) is not supported`);
  });
  if (hcm === undefined && tcp === undefined) fail(at(field, 'filters'), 'a terminal http_connection_manager or tcp_proxy filter is required');
  const out: { -readonly [K in keyof FilterChain]: FilterChain[K] } = hcm !== undefined ? { httpConnectionManager: hcm } : { tcpProxy: tcp };
  if (fc.name) out.name = fc.name;
  if (fc.filter_chain_match) out.filterChainMatch = decodeChainMatch(fc.filter_chain_match, at(field, 'filter_chain_match'));
  return out;
}

function decodeChainMatch(m: any, field: string): FilterChainMatch {
  if (m.source_type !== undefined && m.source_type !== 'ANY') fail(at(field, 'source_type'), `${m.source_type} is not supported`);
  if ((m.direct_source_prefix_ranges ?? []).length > 0) fail(at(field, 'direct_source_prefix_ranges'), 'is not supported');
  const out: { -readonly [K in keyof FilterChainMatch]: FilterChainMatch[K] } = {};
  const dp = wrapped<number>(m.destination_port);
  if (dp !== undefined) {
    if (dp < 1 || dp > 65535) fail(at(field, 'destination_port'), `invalid port ${dp}`);
    out.destinationPort = dp;
  }
  if ((m.prefix_ranges ?? []).length > 0) out.prefixRanges = m.prefix_ranges.map((c: any, i: number) => cidr(c, at(field, `prefix_ranges[${i}]`)));
  if ((m.server_names ?? []).length > 0) out.serverNames = m.server_names.map((s: string) => s.toLowerCase());
  if (m.transport_protocol) out.transportProtocol = m.transport_protocol;
  if ((m.application_protocols ?? []).length > 0) out.applicationProtocols = m.application_protocols;
  if ((m.source_prefix_ranges ?? []).length > 0) out.sourcePrefixRanges = m.source_prefix_ranges.map((c: any, i: number) => cidr(c, at(field, `source_prefix_ranges[${i}]`)));
  if ((m.source_ports ?? []).length > 0) out.sourcePorts = m.source_ports;
  return out;
}

const SERVER_HEADER: ReadonlySet<string> = new Set(['OVERWRITE', 'APPEND_IF_ABSENT', 'PASS_THROUGH']);

export function decodeHcm(h: any, field: string, reg: FilterRegistries = DEFAULT_FILTER_REGISTRIES): HttpConnectionManager {
  if (typeof h.stat_prefix !== 'string' || h.stat_prefix === '') fail(at(field, 'stat_prefix'), 'is required');
  const codec: string = h.codec_type ?? 'AUTO';
  if (codec !== 'AUTO' && codec !== 'HTTP1' && codec !== 'HTTP2') fail(at(field, 'codec_type'), `${codec} is not supported`);
  const out: { -readonly [K in keyof HttpConnectionManager]: HttpConnectionManager[K] } = { statPrefix: h.stat_prefix };
  if (codec !== 'AUTO') out.codecType = codec as CodecType;
  const h2 = http2Options(h.http2_protocol_options);
  if (h2 !== undefined) out.http2ProtocolOptions = h2;
  if ((h.upgrade_configs ?? []).length > 0) {
    out.upgradeConfigs = h.upgrade_configs.map((u: any, i: number): UpgradeConfig => {
      if (!u.upgrade_type) fail(at(field, `upgrade_configs[${i}].upgrade_type`), 'is required');
      if ((u.filters ?? []).length > 0) fail(at(field, `upgrade_configs[${i}].filters`), 'upgrade-specific filter chains are not supported');
      const enabled = wrapped<boolean>(u.enabled);
      return { upgradeType: u.upgrade_type.toLowerCase(), ...(enabled === false ? { enabled: false } : {}) };
    });
  }
  switch (h.route_specifier) {
    case 'rds': {
      const rds = h.rds;
      if (!rds?.route_config_name) fail(at(field, 'rds.route_config_name'), 'is required');
      const src = rds.config_source?.config_source_specifier;
      if (src !== undefined && src !== 'ads' && src !== 'self') fail(at(field, 'rds.config_source'), `only ads and self config sources are supported (got ${src})`);
      out.routeConfigName = rds.route_config_name;
      break;
    }
    case 'route_config':
      out.routeConfig = decodeRouteConfiguration(h.route_config, at(field, 'route_config'));
      break;
    case undefined: fail(field, 'rds or route_config is required'); break;
    default: fail(at(field, h.route_specifier), 'is not supported');
  }
  const bool = (k: string): boolean | undefined => wrapped<boolean>(h[k]);
  if (bool('use_remote_address') === true) out.useRemoteAddress = true;
  if (h.skip_xff_append === true) out.skipXffAppend = true;
  if (bool('generate_request_id') === false) out.generateRequestId = false;
  if (h.preserve_external_request_id === true) out.preserveExternalRequestId = true;
  const kb = wrapped<number>(h.max_request_headers_kb);
  if (kb !== undefined) {
    if (kb < 1 || kb > 8192) fail(at(field, 'max_request_headers_kb'), `must be in [1, 8192], got ${kb}`);
    out.maxRequestHeadersKb = kb;
  }
  const headersTimeout = durationMs(h.request_headers_timeout);
  if (headersTimeout !== undefined && headersTimeout > 0) out.requestHeadersTimeoutMs = headersTimeout;
  const connIdle = durationMs(h.common_http_protocol_options?.idle_timeout);
  if (connIdle !== undefined) out.idleTimeoutMs = connIdle;
  const count = wrapped<number>(h.common_http_protocol_options?.max_headers_count);
  if (count !== undefined) out.maxHeadersCount = count;
  if (h.server_name) out.serverName = h.server_name;
  const sht: string = h.server_header_transformation ?? 'OVERWRITE';
  if (!SERVER_HEADER.has(sht)) fail(at(field, 'server_header_transformation'), `unknown value ${sht}`);
  if (sht !== 'OVERWRITE') out.serverHeaderTransformation = sht as ServerHeaderTransformation;
  const paths = pathNormalization(h, field);
  if (paths !== undefined) out.pathNormalization = paths;
  const idle = durationMs(h.stream_idle_timeout);
  if (idle !== undefined) out.streamIdleTimeoutMs = idle;
  const requestTimeout = durationMs(h.request_timeout);
  if (requestTimeout !== undefined && requestTimeout > 0) out.requestTimeoutMs = requestTimeout;
  Object.assign(out, decodeHttpFilters(h.http_filters ?? [], at(field, 'http_filters'), reg));
  return out;
}

const ESCAPED_SLASHES: ReadonlySet<string> = new Set(['IMPLEMENTATION_SPECIFIC_DEFAULT', 'KEEP_UNCHANGED', 'REJECT_REQUEST', 'UNESCAPE_AND_REDIRECT', 'UNESCAPE_AND_FORWARD']);

/** The HCM's path transformations; undefined when none is on (Envoy's defaults). */
function pathNormalization(h: any, field: string): PathNormalization | undefined {
  const normalize = wrapped<boolean>(h.normalize_path) === true;
  const mergeSlashes = h.merge_slashes === true;
  const action: string = h.path_with_escaped_slashes_action ?? 'IMPLEMENTATION_SPECIFIC_DEFAULT';
  if (!ESCAPED_SLASHES.has(action)) fail(at(field, 'path_with_escaped_slashes_action'), `unknown value ${action}`);
  const escapedSlashes = action === 'IMPLEMENTATION_SPECIFIC_DEFAULT' ? 'KEEP_UNCHANGED' : (action as EscapedSlashesAction);
  if (!normalize && !mergeSlashes && escapedSlashes === 'KEEP_UNCHANGED') return undefined;
  return { normalize, mergeSlashes, escapedSlashes };
}

function decodeHttpFilters(filters: readonly any[], field: string, reg: FilterRegistries): Partial<HttpConnectionManager> {
  if (filters.length === 0) fail(field, 'the router filter is required');
  const out: { -readonly [K in keyof HttpConnectionManager]?: HttpConnectionManager[K] } = {};
  const chain: HttpFilterConfig[] = [];
  filters.forEach((f, i) => {
    const ff = at(field, i);
    if (f.disabled) return;
    if (f.config_type === 'config_discovery') fail(at(ff, 'config_discovery'), 'ECDS is not supported');
    if (!f.typed_config) fail(at(ff, 'typed_config'), `filter ${f.name || '(unnamed)'} has no typed_config`);
    let url = anyTypeUrl(f.typed_config);
    if (url === TypeUrl.Router) {
      if (i !== filters.length - 1) fail(ff, 'the router must be the last HTTP filter');
      const r = decodeAny(f.typed_config, TypeUrl.Router);
      if (r.suppress_envoy_headers) out.suppressEnvoyHeaders = true;
      return;
    }
    let config: unknown = f.typed_config;
    if (TYPED_STRUCTS.has(url)) {
      url = typedStructTypeUrl(f.typed_config);
      config = undefined;
    }
    const dec = reg.http.get(url);
    if (dec !== undefined) {
      const filter = dec(config, at(ff, 'typed_config'), f.name || url);
      if (filter !== undefined) chain.push(filter);
      return;
    }
    if (f.is_optional) return; // Envoy skips an unknown optional filter
    fail(at(ff, 'typed_config'), `unknown HTTP filter ${f.name || '(unnamed)'} (${url})`);
  });
  const last = filters[filters.length - 1];
  if (!last.typed_config || anyTypeUrl(last.typed_config) !== TypeUrl.Router) fail(field, 'the last HTTP filter must be the router (envoy.filters.http.router)');
  if (chain.length > 0) out.httpFilters = chain;
  return out;
}

/**
 * The inner type URL of a udpa/xds TypedStruct (field 1, a string). The protos bundled here do not
 * include TypedStruct, and only the type URL is needed to look the filter up.
 */
export function typedStructTypeUrl(any: any): string {
  if (!(any.value instanceof Uint8Array)) return String(any.type_url ?? '');
  const b: Uint8Array = any.value;
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (i >= b.length) return -1;
      const x = b[i++];
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return v;
      shift += 7;
    }
  };
  while (i < b.length) {
    const tag = varint();
    if (tag < 0) break;
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      if (len < 0) break;
      if (tag >>> 3 === 1) return Buffer.from(b.subarray(i, i + len)).toString('utf8');
      i += len;
    } else break;
  }
  return '';
}

/** HTTP/2 settings shared by the connection manager and clusters' upstream options. */
export function http2Options(o: any): Http2ProtocolOptions | undefined {
  if (o === null || o === undefined) return undefined;
  const out: { -readonly [K in keyof Http2ProtocolOptions]: Http2ProtocolOptions[K] } = {};
  const mcs = wrapped<number>(o.max_concurrent_streams);
  const isw = wrapped<number>(o.initial_stream_window_size);
  const icw = wrapped<number>(o.initial_connection_window_size);
  if (mcs !== undefined) out.maxConcurrentStreams = mcs;
  if (isw !== undefined) out.initialStreamWindowSize = isw;
  if (icw !== undefined) out.initialConnectionWindowSize = icw;
  const limits = [
    ['max_outbound_frames', 'maxOutboundFrames'],
    ['max_outbound_control_frames', 'maxOutboundControlFrames'],
    ['max_consecutive_inbound_frames_with_empty_payload', 'maxConsecutiveInboundFramesWithEmptyPayload'],
    ['max_inbound_priority_frames_per_stream', 'maxInboundPriorityFramesPerStream'],
    ['max_inbound_window_update_frames_per_data_frame_sent', 'maxInboundWindowUpdateFramesPerDataFrameSent'],
  ] as const;
  for (const [wire, key] of limits) {
    const v = wrapped<number>(o[wire]);
    if (v !== undefined) out[key] = v;
  }
  const ka = o.connection_keepalive;
  if (ka !== null && ka !== undefined) {
    const timeoutMs = durationMs(ka.timeout);
    if (timeoutMs === undefined || timeoutMs < 1) fail('http2_protocol_options.connection_keepalive.timeout', 'is required (at least 1ms)');
    const intervalMs = durationMs(ka.interval);
    const idle = durationMs(ka.connection_idle_interval);
    const jitter = ka.interval_jitter?.value;
    out.connectionKeepalive = {
      timeoutMs,
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(idle !== undefined ? { connectionIdleIntervalMs: idle } : {}),
      ...(typeof jitter === 'number' ? { intervalJitterPercent: jitter } : {}),
    };
  }
  return out;
}

function decodeTcpProxy(t: any, field: string): TcpProxy {
  if (!t.stat_prefix) fail(at(field, 'stat_prefix'), 'is required');
  const out: { -readonly [K in keyof TcpProxy]: TcpProxy[K] } = { statPrefix: t.stat_prefix };
  switch (t.cluster_specifier) {
    case 'cluster':
      if (!t.cluster) fail(at(field, 'cluster'), 'must not be empty');
      out.cluster = t.cluster;
      break;
    case 'weighted_clusters': {
      const cs = t.weighted_clusters?.clusters ?? [];
      if (cs.length === 0) fail(at(field, 'weighted_clusters.clusters'), 'at least one cluster is required');
      out.weightedClusters = {
        clusters: cs.map((c: any, i: number) => {
          if (!c.name) fail(at(field, `weighted_clusters.clusters[${i}].name`), 'is required');
          return { name: c.name, weight: c.weight ?? 0 };
        }),
      };
      break;
    }
    default: fail(field, 'cluster or weighted_clusters is required');
  }
  const idle = durationMs(t.idle_timeout);
  if (idle !== undefined) out.idleTimeoutMs = idle;
  const attempts = wrapped<number>(t.max_connect_attempts);
  if (attempts !== undefined) out.maxConnectAttempts = attempts;
  return out;
}
