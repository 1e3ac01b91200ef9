// Cluster (CDS) and ClusterLoadAssignment (EDS) → the proxy's cluster config. STRICT_DNS and
// LOGICAL_DNS clusters keep their endpoints' hostnames plus how to resolve them (`dns`): the
// cluster resolves them off the request path (upstream/dns-hosts.ts).
import { TypeUrl, decodeAny } from '../../xds-api/index.js';
import type {
  ClusterConfig, ClusterLoadAssignment, DnsConfig, DnsLookupFamily, HealthStatus, Http2ProtocolOptions, LbEndpoint, LbPolicy, UpstreamHttpProtocolOptions,
} from '../config/types.js';
import { at, durationMs, fail, socketAddress, wrapped } from './decode-common.js';
import { http2Options } from './decode-listener.js';
import { circuitBreakers, lbFields, outlierDetection } from './decode-cluster-policies.js';

const opt = (h: Http2ProtocolOptions | undefined): { http2ProtocolOptions?: Http2ProtocolOptions } => (h === undefined ? {} : { http2ProtocolOptions: h });

/** A decoded cluster plus the EDS name it waits for (its `service_name`, else its own name). */
export interface DecodedCluster {
  readonly config: ClusterConfig;
  readonly edsServiceName?: string;
}

const LB_POLICIES: ReadonlySet<string> = new Set(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV', 'CLUSTER_PROVIDED']);
/** Envoy's cleanup_interval default for ORIGINAL_DST hosts. */
const DEFAULT_CLEANUP_INTERVAL_MS = 5000;
const HEALTH: ReadonlySet<string> = new Set(['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED']);

export function decodeCluster(c: any): DecodedCluster {
  if (typeof c.name !== 'string' || c.name === '') fail('name', 'is required');
  if (c.cluster_discovery_type === 'cluster_type') fail('cluster_type', `custom cluster type ${c.cluster_type?.name ?? ''} is not supported`);
  const type: string = c.type ?? 'STATIC';
  const lbPolicy: string = c.lb_policy ?? 'ROUND_ROBIN';
  if (!LB_POLICIES.has(lbPolicy)) fail('lb_policy', `${lbPolicy} is not supported (ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, CLUSTER_PROVIDED)`);
  if (c.load_balancing_policy !== null && c.load_balancing_policy !== undefined) fail('load_balancing_policy', 'is not supported; use lb_policy');
  if (c.transport_socket !== null && c.transport_socket !== undefined) {
    const ts = c.transport_socket;
    if (ts.typed_config?.type_url !== TypeUrl.RawBuffer) fail('transport_socket', `${ts.name || ts.typed_config?.type_url} is not supported yet (raw_buffer only)`);
  }
  const out: { -readonly [K in keyof ClusterConfig]: ClusterConfig[K] } = { name: c.name, type: 'STATIC' };
  if (lbPolicy !== 'ROUND_ROBIN' && lbPolicy !== 'CLUSTER_PROVIDED') out.lbPolicy = lbPolicy as LbPolicy;
  Object.assign(out, lbFields(c, lbPolicy, type));
  const connectTimeout = durationMs(c.connect_timeout);
  if (connectTimeout !== undefined) out.connectTimeoutMs = connectTimeout;
  const cb = circuitBreakers(c.circuit_breakers);
  if (cb !== undefined) out.circuitBreakers = cb;
  const od = outlierDetection(c.outlier_detection);
  if (od !== undefined) out.outlierDetection = od;
  const bind = c.upstream_bind_config;
  if (bind !== null && bind !== undefined) {
    if (bind.source_address === null || bind.source_address === undefined) fail('upstream_bind_config.source_address', 'is required');
    if ((bind.source_address.port_value ?? 0) !== 0) fail('upstream_bind_config.source_address.port_value', 'only 0 (any port) is supported');
    if (!isIp(bind.source_address.address ?? '')) fail('upstream_bind_config.source_address.address', `"${bind.source_address.address}" is not an IP address`);
    out.upstreamBindAddress = bind.source_address.address;
  }
  const proto = protocolOptions(c);
  if (proto.idleTimeoutMs !== undefined) out.idleTimeoutMs = proto.idleTimeoutMs;
  if (proto.maxRequestsPerConnection !== undefined) out.maxRequestsPerConnection = proto.maxRequestsPerConnection;
  if (proto.upstream !== undefined) out.httpProtocolOptions = proto.upstream;

  switch (type) {
    case 'EDS': {
      const eds = c.eds_cluster_config;
      const source = eds?.eds_config;
      if (source !== null && source !== undefined && source.config_source_specifier !== 'ads' && source.config_source_specifier !== 'self') {
        fail('eds_cluster_config.eds_config', `only ads and self config sources are supported (got ${source.config_source_specifier ?? 'none'})`);
      }
      out.type = 'EDS';
      return { config: out, edsServiceName: eds?.service_name || c.name };
    }
    case 'STATIC':
    case 'STRICT_DNS':
    case 'LOGICAL_DNS': {
      // A STATIC cluster may have no endpoints at all (Istio's BlackHoleCluster): every request gets 503 UH.
      if ((c.load_assignment === null || c.load_assignment === undefined) && type !== 'STATIC') fail('load_assignment', `is required for a ${type} cluster`);
      const la = decodeLoadAssignment(c.load_assignment ?? { cluster_name: c.name, endpoints: [] }, 'load_assignment', type !== 'STATIC');
      if (type === 'STATIC') return { config: { ...out, loadAssignment: { ...la, clusterName: c.name } } };
      if (type === 'LOGICAL_DNS') {
        const locs: any[] = c.load_assignment.endpoints ?? [];
        if (locs.length !== 1 || (locs[0].lb_endpoints ?? []).length !== 1) fail('load_assignment', 'a LOGICAL_DNS cluster must have a single locality_lb_endpoint and a single lb_endpoint');
      }
      return { config: { ...out, type, loadAssignment: { ...la, clusterName: c.name }, dns: dnsConfig(c) } };
    }
    case 'ORIGINAL_DST': {
      // Hosts come from each downstream connection's original destination, never from config.
      if (c.load_assignment !== null && c.load_assignment !== undefined && (c.load_assignment.endpoints ?? []).length > 0) fail('load_assignment', 'must be empty for an ORIGINAL_DST cluster');
      out.type = 'ORIGINAL_DST';
      const cleanup = durationMs(c.cleanup_interval) ?? DEFAULT_CLEANUP_INTERVAL_MS;
      if (cleanup <= 0) fail('cleanup_interval', 'must be greater than 0');
      out.cleanupIntervalMs = cleanup;
      return { config: out };
    }
    default:
      return fail('type', `${type} clusters are not supported yet`);
  }
}

const LOOKUP_FAMILIES: ReadonlySet<string> = new Set(['AUTO', 'V4_ONLY', 'V6_ONLY', 'V4_PREFERRED', 'ALL']);

/** The cluster's DNS fields with Envoy's bounds; what Node's c-ares binding cannot do NACKs. */
function dnsConfig(c: any): DnsConfig {
  const out: { -readonly [K in keyof DnsConfig]: DnsConfig[K] } = {};
  const family: string = c.dns_lookup_family ?? 'AUTO';
  if (!LOOKUP_FAMILIES.has(family)) fail('dns_lookup_family', `${family} is not supported`);
  if (family !== 'AUTO') out.lookupFamily = family as DnsLookupFamily;
  const refresh = durationMs(c.dns_refresh_rate);
  if (refresh !== undefined) {
    if (refresh <= 1) fail('dns_refresh_rate', 'must be greater than 1ms');
    out.refreshRateMs = refresh;
  }
  if (c.respect_dns_ttl === true) out.respectDnsTtl = true;
  const f = c.dns_failure_refresh_rate;
  if (f !== null && f !== undefined) {
    const base = durationMs(f.base_interval);
    if (base === undefined) fail('dns_failure_refresh_rate.base_interval', 'is required');
    if (base <= 1) fail('dns_failure_refresh_rate.base_interval', 'must be greater than 1ms');
    const max = durationMs(f.max_interval) ?? base * 10;
    if (max < base) fail('dns_failure_refresh_rate.max_interval', 'must be greater than or equal to base_interval');
    out.failureRefresh = { baseIntervalMs: base, maxIntervalMs: max };
  }
  if (c.use_tcp_for_dns_lookups === true) fail('use_tcp_for_dns_lookups', 'is not supported (UDP only)');
  if (c.typed_dns_resolver_config !== null && c.typed_dns_resolver_config !== undefined) fail('typed_dns_resolver_config', 'is not supported; use dns_resolvers');
  const rc = c.dns_resolution_config;
  if (rc?.dns_resolver_options?.use_tcp_for_dns_lookups === true) fail('dns_resolution_config.dns_resolver_options.use_tcp_for_dns_lookups', 'is not supported (UDP only)');
  const [field, list]: [string, any[]] = (rc?.resolvers ?? []).length > 0 ? ['dns_resolution_config.resolvers', rc.resolvers] : ['dns_resolvers', c.dns_resolvers ?? []];
  const servers = list.map((a: any, i: number) => {
    const { address, port } = socketAddress(a, `${field}[${i}]`);
    if (!isIp(address)) fail(`${field}[${i}].socket_address.address`, `"${address}" is not an IP address`);
    const p = port === 0 ? 53 : port;
    return address.includes(':') ? `[${address}]:${p}` : `${address}:${p}`;
  });
  if (servers.length > 0) out.resolvers = servers;
  return out;
}

/** idle_timeout and max_requests_per_connection, from HttpProtocolOptions (Istio's way) or the deprecated cluster fields. */
function protocolOptions(c: any): { idleTimeoutMs?: number; maxRequestsPerConnection?: number; upstream?: UpstreamHttpProtocolOptions } {
  let common = c.common_http_protocol_options;
  let maxRq = wrapped<number>(c.max_requests_per_connection);
  const typed = c.typed_extension_protocol_options?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
  let upstream: UpstreamHttpProtocolOptions | undefined;
  if (typed !== undefined) {
    const f = 'typed_extension_protocol_options[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]';
    if (typed.type_url !== TypeUrl.HttpProtocolOptions) fail(f, `unexpected type ${typed.type_url}`);
    const hpo: any = decodeAny(typed, TypeUrl.HttpProtocolOptions);
    if (hpo.common_http_protocol_options) common = hpo.common_http_protocol_options;
    switch (hpo.upstream_protocol_options) {
      case 'explicit_http_config': {
        const e = hpo.explicit_http_config;
        if (e.protocol_config === 'http2_protocol_options') upstream = { upstreamProtocol: 'HTTP2', ...opt(http2Options(e.http2_protocol_options)) };
        else if (e.protocol_config === 'http_protocol_options') upstream = { upstreamProtocol: 'HTTP1' };
        else fail(at(f, `explicit_http_config.${e.protocol_config ?? 'protocol_config'}`), 'is not supported');
        break;
      }
      case 'use_downstream_protocol_config':
        upstream = { upstreamProtocol: 'USE_DOWNSTREAM', ...opt(http2Options(hpo.use_downstream_protocol_config.http2_protocol_options)) };
        break;
      case undefined: break;
      default: fail(at(f, hpo.upstream_protocol_options), 'is not supported');
    }
  }
  const perConn = wrapped<number>(common?.max_requests_per_connection);
  if (perConn !== undefined) maxRq = perConn;
  return { idleTimeoutMs: durationMs(common?.idle_timeout), maxRequestsPerConnection: maxRq, upstream };
}

/** EDS: endpoints flattened with their locality, priority and weights; named endpoints are not supported. */
export function decodeLoadAssignment(cla: any, field = '', allowHostnames = false): ClusterLoadAssignment {
  if (typeof cla.cluster_name !== 'string' || (cla.cluster_name === '' && field === '')) fail(at(field, 'cluster_name'), 'is required');
  const endpoints: LbEndpoint[] = [];
  (cla.endpoints ?? []).forEach((loc: any, i: number) => {
    const lf = at(field, `endpoints[${i}]`);
    if (loc.lb_config !== undefined) fail(at(lf, loc.lb_config), 'is not supported');
    const priority: number = loc.priority ?? 0;
    const localityWeight = wrapped<number>(loc.load_balancing_weight);
    const l = loc.locality;
    const locality = l && (l.region || l.zone || l.sub_zone)
      ? { ...(l.region ? { region: l.region } : {}), ...(l.zone ? { zone: l.zone } : {}), ...(l.sub_zone ? { subZone: l.sub_zone } : {}) }
      : undefined;
    (loc.lb_endpoints ?? []).forEach((ep: any, j: number) => {
      const ef = at(lf, `lb_endpoints[${j}]`);
      if (ep.host_identifier !== 'endpoint' || !ep.endpoint) fail(ef, 'endpoint is required (endpoint_name is not supported)');
      const { address, port } = socketAddress(ep.endpoint.address, at(ef, 'endpoint.address'));
      if (!allowHostnames && !isIp(address)) fail(at(ef, 'endpoint.address.socket_address.address'), `"${address}" is not an IP address`);
      if (port === 0) fail(at(ef, 'endpoint.address.socket_address.port_value'), 'must not be 0');
      const health: string = ep.health_status ?? 'UNKNOWN';
      if (!HEALTH.has(health)) fail(at(ef, 'health_status'), `unknown status ${health}`);
      const weight = wrapped<number>(ep.load_balancing_weight);
      if (weight === 0) fail(at(ef, 'load_balancing_weight'), 'must be at least 1');
      const out: { -readonly [K in keyof LbEndpoint]: LbEndpoint[K] } = { address, port };
      if (health !== 'UNKNOWN') out.healthStatus = health as HealthStatus;
      if (weight !== undefined) out.weight = weight;
      if (priority !== 0) out.priority = priority;
      if (locality !== undefined) out.locality = locality;
      if (localityWeight !== undefined) out.localityWeight = localityWeight;
      endpoints.push(out);
    });
  });
  const op = wrapped<number>(cla.policy?.overprovisioning_factor);
  return { clusterName: cla.cluster_name, endpoints, ...(op !== undefined ? { overprovisioningFactor: op } : {}) };
}

function isIp(a: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(a) || a.includes(':');
}
