// A cluster under construction: the Cluster message plus the HTTP protocol options Istio keeps
// aside until the end, because several steps (port protocol, connection pool, h2 upgrade, TLS)
// each add to them and Envoy needs one typed_extension_protocol_options entry.
import { TypeUrl, typedAny, type Cluster, type HttpProtocolOptions } from '../../../xds-api/index.js';

export interface ClusterDraft {
  cluster: Cluster;
  http?: HttpProtocolOptions;
}

export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

export function httpOptions(d: ClusterDraft): HttpProtocolOptions {
  d.http ??= {};
  return d.http;
}

/** Upstream HTTP/2 (gRPC, http2 ports, h2 upgrade). */
export function setH2(d: ClusterDraft): void {
  const o = httpOptions(d);
  // As Istio: only skipped once auto SNI/SAN options exist (TLS origination was applied first).
  if (o.upstream_http_protocol_options) return;
  delete o.use_downstream_protocol_config;
  o.explicit_http_config = { http2_protocol_options: {} };
}

/** Speak whatever the downstream spoke (sniffed ports, `useClientProtocol`). */
export function setUseDownstreamProtocol(d: ClusterDraft): void {
  const o = httpOptions(d);
  delete o.explicit_http_config;
  o.use_downstream_protocol_config = { http_protocol_options: {}, http2_protocol_options: {} };
}

export function isH2(d: ClusterDraft): boolean {
  return d.http?.explicit_http_config?.http2_protocol_options !== undefined;
}

/** Finishes the draft: protocol options become the typed extension (HTTP/1.1 when none was chosen). */
export function finish(d: ClusterDraft): Cluster {
  if (d.http) {
    if (!d.http.explicit_http_config && !d.http.use_downstream_protocol_config) d.http.explicit_http_config = { http_protocol_options: {} };
    d.cluster.typed_extension_protocol_options = { [HTTP_PROTOCOL_OPTIONS_KEY]: typedAny(TypeUrl.HttpProtocolOptions, d.http) };
  }
  return d.cluster;
}
