// The MeshConfig settings the registry and PushContext read, with Istio's defaults. A structural
// subset of `src/api/mesh`'s MeshConfig so the parsed mesh config can be passed as is.
export interface MeshSettings {
  /** Where mesh-wide Sidecar, DestinationRule and policies live. Istio: `istio-system`. */
  readonly rootNamespace?: string;
  /** Trust domain of SPIFFE identities. Istio: `cluster.local`. */
  readonly trustDomain?: string;
  readonly defaultServiceExportTo?: readonly string[];
  readonly defaultVirtualServiceExportTo?: readonly string[];
  readonly defaultDestinationRuleExportTo?: readonly string[];
  readonly outboundTrafficPolicy?: { readonly mode?: 'REGISTRY_ONLY' | 'ALLOW_ANY' };
  // Read by listener translation.
  readonly proxyListenPort?: number;
  readonly proxyInboundListenPort?: number;
  readonly protocolDetectionTimeout?: string;
  readonly pathNormalization?: { readonly normalization?: string };
  /** Read by route translation: the retry policy of routes that set none (Istio's default when unset). */
  readonly defaultHttpRetryPolicy?: unknown;
}

export interface ResolvedMesh {
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly domainSuffix: string;
  readonly defaultServiceExportTo: readonly string[];
  readonly defaultVirtualServiceExportTo: readonly string[];
  readonly defaultDestinationRuleExportTo: readonly string[];
  readonly outboundTrafficPolicyMode: 'REGISTRY_ONLY' | 'ALLOW_ANY';
  /** Istio: 15001 (virtualOutbound) and 15006 (virtualInbound). */
  readonly proxyListenPort: number;
  readonly proxyInboundListenPort: number;
  /** Istio's default is `0s`: sniffing waits for the client's first bytes. */
  readonly protocolDetectionTimeout: string;
  /** MeshConfig pathNormalization.normalization; Istio's default is DEFAULT (= BASE). */
  readonly pathNormalization: string;
  /** MeshConfig defaultHttpRetryPolicy (an HTTPRetry), undefined when unset. */
  readonly defaultHttpRetryPolicy?: unknown;
}

/** MeshConfig with Istio's defaults filled in (empty lists count as unset, as in Istio). */
export function resolveMesh(m: MeshSettings = {}, domainSuffix = 'cluster.local'): ResolvedMesh {
  const list = (v: readonly string[] | undefined): readonly string[] => (v && v.length > 0 ? v : ['*']);
  return {
    rootNamespace: m.rootNamespace || 'istio-system',
    trustDomain: m.trustDomain || 'cluster.local',
    domainSuffix,
    defaultServiceExportTo: list(m.defaultServiceExportTo),
    defaultVirtualServiceExportTo: list(m.defaultVirtualServiceExportTo),
    defaultDestinationRuleExportTo: list(m.defaultDestinationRuleExportTo),
    outboundTrafficPolicyMode: m.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY',
    proxyListenPort: m.proxyListenPort || 15001,
    proxyInboundListenPort: m.proxyInboundListenPort || 15006,
    protocolDetectionTimeout: m.protocolDetectionTimeout ?? '0s',
    pathNormalization: m.pathNormalization?.normalization ?? 'DEFAULT',
    ...(m.defaultHttpRetryPolicy !== undefined ? { defaultHttpRetryPolicy: m.defaultHttpRetryPolicy } : {}),
  };
}
