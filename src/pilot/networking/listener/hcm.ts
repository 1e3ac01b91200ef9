// The HTTP connection manager as Istio configures it per listener class: stat prefix, RDS over
// ADS (or an inline route config on inbound chains), the HTTP filter chain (gRPC filters where the
// protocol needs them, then fault and CORS for per-route configs, then the router), websocket
// upgrades, no stream idle timeout, MeshConfig path normalization, and the remote-address and
// client-certificate settings of sidecar outbound, sidecar inbound and gateway listeners.
import type { HttpConnectionManager, HttpFilter, RouteConfiguration } from '../../../xds-api/index.js';
import { TypeUrl, WellKnownName } from '../../../xds-api/index.js';
import { isGRPC, isHTTP2, type Protocol } from '../../model/protocol.js';
import type { ResolvedMesh } from '../../model/mesh.js';
import { ZERO_DURATION } from '../route/convert.js';

export type ListenerClass = 'sidecar-outbound' | 'sidecar-inbound' | 'gateway';

export interface HcmOptions {
  statPrefix: string;
  /** RDS route configuration name, or an inline route configuration. */
  rds?: string;
  routeConfig?: RouteConfiguration;
  protocol: Protocol;
  class: ListenerClass;
  mesh: ResolvedMesh;
}

function httpFilters(protocol: Protocol): HttpFilter[] {
  const out: HttpFilter[] = [];
  if (protocol === 'GRPC-Web') out.push({ name: 'envoy.filters.http.grpc_web', typed_config: { '@type': TypeUrl.GrpcWeb } });
  if (isGRPC(protocol)) out.push({ name: 'envoy.filters.http.grpc_stats', typed_config: { '@type': TypeUrl.GrpcStats, emit_filter_state: true, stats_for_all_methods: { value: false } } as HttpFilter['typed_config'] });
  out.push(
    { name: WellKnownName.Fault, typed_config: { '@type': TypeUrl.Fault } },
    { name: WellKnownName.Cors, typed_config: { '@type': TypeUrl.Cors } },
    { name: WellKnownName.Router, typed_config: { '@type': TypeUrl.Router } },
  );
  return out;
}

/** MeshConfig pathNormalization: DEFAULT is BASE (RFC 3986 normalization, slashes kept). */
function pathNormalization(hcm: HttpConnectionManager, mode: string): void {
  switch (mode) {
    case 'NONE':
      hcm.normalize_path = { value: false };
      break;
    case 'MERGE_SLASHES':
      hcm.normalize_path = { value: true };
      hcm.merge_slashes = true;
      break;
    case 'DECODE_AND_MERGE_SLASHES':
      hcm.normalize_path = { value: true };
      hcm.merge_slashes = true;
      hcm.path_with_escaped_slashes_action = 'UNESCAPE_AND_FORWARD';
      break;
    default:
      hcm.normalize_path = { value: true };
  }
}

export function buildHcm(o: HcmOptions): HttpConnectionManager {
  const hcm: HttpConnectionManager = { stat_prefix: o.statPrefix };
  if (o.rds !== undefined) {
    hcm.rds = { config_source: { ads: {}, initial_fetch_timeout: ZERO_DURATION, resource_api_version: 'V3' }, route_config_name: o.rds };
  } else if (o.routeConfig) {
    hcm.route_config = o.routeConfig;
  }
  hcm.http_filters = httpFilters(o.protocol);
  // Sidecars never trust X-Forwarded-For from their app; gateways are the edge and use the peer address.
  hcm.use_remote_address = { value: o.class === 'gateway' };
  hcm.upgrade_configs = [{ upgrade_type: 'websocket' }];
  hcm.stream_idle_timeout = ZERO_DURATION;
  pathNormalization(hcm, o.mesh.pathNormalization);
  if (o.class !== 'sidecar-outbound') hcm.server_name = 'istio-envoy';
  if (o.class === 'sidecar-inbound') {
    hcm.forward_client_cert_details = 'APPEND_FORWARD';
    hcm.set_current_client_cert_details = { subject: { value: true }, uri: true, dns: true };
    if (isHTTP2(o.protocol)) hcm.http2_protocol_options = {};
  }
  if (o.class === 'gateway') hcm.forward_client_cert_details = 'SANITIZE_SET';
  return hcm;
}

export function hcmFilter(o: HcmOptions): { name: string; typed_config: Record<string, unknown> } {
  return { name: WellKnownName.HttpConnectionManager, typed_config: { '@type': TypeUrl.HttpConnectionManager, ...buildHcm(o) } };
}
