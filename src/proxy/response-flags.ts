// Envoy's response flags (the `%RESPONSE_FLAGS%` of access logs and Istio's `response_flags`
// metric label) and the local replies the proxy sends with them.

export const ResponseFlag = {
  NoRouteFound: 'NR',
  NoClusterFound: 'NC',
  UpstreamConnectionFailure: 'UF',
  NoHealthyUpstream: 'UH',
  UpstreamOverflow: 'UO',
  UpstreamRequestTimeout: 'UT',
  UpstreamConnectionTermination: 'UC',
  UpstreamRemoteReset: 'UR',
  DownstreamConnectionTermination: 'DC',
  UpstreamProtocolError: 'UPE',
  DownstreamProtocolError: 'DPE',
  DirectResponse: 'DR',
} as const;

export type ResponseFlag = (typeof ResponseFlag)[keyof typeof ResponseFlag];

export interface LocalReply {
  readonly status: number;
  readonly body: string;
  readonly flag: ResponseFlag | undefined;
  /** Envoy's response code detail, for access logs. */
  readonly detail: string;
}

export const LocalReplies = {
  noRoute: { status: 404, body: '', flag: 'NR', detail: 'route_not_found' },
  noCluster: { status: 503, body: '', flag: 'NC', detail: 'cluster_not_found' },
  noHealthyUpstream: { status: 503, body: 'no healthy upstream', flag: 'UH', detail: 'no_healthy_upstream' },
  overflow: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow', flag: 'UO', detail: 'upstream_reset_before_response_started{overflow}' },
  connectFailure: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure', flag: 'UF', detail: 'upstream_reset_before_response_started{connection_failure}' },
  connectionTermination: { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination', flag: 'UC', detail: 'upstream_reset_before_response_started{connection_termination}' },
  upstreamProtocolError: { status: 502, body: 'upstream connect error or disconnect/reset before headers. reset reason: protocol error', flag: 'UPE', detail: 'upstream_reset_before_response_started{protocol_error}' },
  timeout: { status: 504, body: 'upstream request timeout', flag: 'UT', detail: 'upstream_response_timeout' },
} as const satisfies Record<string, LocalReply>;
