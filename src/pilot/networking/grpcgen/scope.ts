// What a proxyless gRPC client can see. Istio treats these clients as sidecars (node type
// `sidecar`, metadata GENERATOR=grpc), so the Sidecar resource and exportTo scope them as they
// scope an Envoy sidecar.
import type { ConsolidatedDestinationRule } from '../../model/destination-rule-index.js';
import { hostsMatch, MESH_GATEWAY } from '../../model/host.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext, ProxyView } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import type { SubsetSpec } from '../../model/specs.js';
import type { VirtualServiceConfig } from '../../model/virtual-service-index.js';

export function grpcProxyView(proxy: Proxy): ProxyView {
  return { type: 'sidecar', configNamespace: proxy.configNamespace, labels: proxy.labels };
}

export function serviceFor(proxy: Proxy, push: PushContext, hostname: string): Service | undefined {
  return push.serviceForHostname(grpcProxyView(proxy), hostname);
}

export function servicesFor(proxy: Proxy, push: PushContext): readonly Service[] {
  return push.servicesForProxy(grpcProxyView(proxy));
}

export function destinationRuleFor(proxy: Proxy, push: PushContext, service: Service): ConsolidatedDestinationRule | undefined {
  return push.destinationRule(grpcProxyView(proxy), service);
}

export function subsetOf(dr: ConsolidatedDestinationRule | undefined, name: string): SubsetSpec | undefined {
  if (!dr || name === '') return undefined;
  const spec = dr.rule.spec as { subsets?: readonly SubsetSpec[] };
  return spec.subsets?.find((s) => s.name === name);
}

/**
 * The VirtualService that routes `hostname` for this client: the oldest mesh-bound one in its
 * scope whose hosts name it (Istio lets the first claim a host for sidecars).
 */
export function virtualServiceFor(proxy: Proxy, push: PushContext, hostname: string): VirtualServiceConfig | undefined {
  const scope = push.sidecarScope(grpcProxyView(proxy));
  return scope.virtualServices.find((vs) => {
    const gateways = vs.spec.gateways ?? [];
    if (gateways.length > 0 && !gateways.includes(MESH_GATEWAY)) return false;
    return (vs.spec.hosts ?? []).some((h) => hostsMatch(h, hostname));
  });
}
