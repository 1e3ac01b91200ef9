// LDS translation: one proxy's Envoy listeners from the PushContext. Sidecars get their inbound
// side (virtualInbound 15006 or Sidecar ingress listeners), outbound per-port/per-VIP listeners and
// virtualOutbound (15001); gateways (routers) get a listener per Gateway server port.
import type { Listener } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { UNSPECIFIED_IP, type Service } from '../../model/service.js';
import type { SidecarScope } from '../../model/sidecar-scope.js';
import {
  ANY_CONFIG, CONFIG_BUT_VIRTUAL_SERVICES, L4_VIRTUAL_SERVICES, anySourceLabels, labelsKey, serviceConfigKey, type CacheableUnit,
} from '../cache-key.js';
import { buildGatewayListeners } from './gateway.js';
import { buildSidecarInboundListeners } from './inbound.js';
import { buildSidecarOutboundListeners, buildVirtualOutboundListener } from './outbound.js';

export { buildGatewayListeners } from './gateway.js';
export { buildSidecarInboundListeners, serviceTargets } from './inbound.js';
export { buildSidecarOutboundListeners, buildVirtualOutboundListener } from './outbound.js';
export { buildHcm, type HcmOptions, type ListenerClass } from './hcm.js';

/**
 * Every listener for `proxy`, in Istio's order (inbound, outbound, virtualOutbound). Pure: the
 * same proxy and push give the same listeners. Route names the HCMs reference (`9080`,
 * `http.80`, ...) are served by `buildRoutes` in `../route`.
 */
export function buildListeners(proxy: Proxy, push: PushContext): Listener[] {
  if (proxy.type === 'router') return buildGatewayListeners(proxy, push);
  const out = [...buildSidecarInboundListeners(proxy, push), ...buildSidecarOutboundListeners(proxy, push)];
  const vo = buildVirtualOutboundListener(proxy, push);
  if (vo) out.push(vo);
  return out;
}

/**
 * What a scope's outbound listener key needs, once per scope (scopes are shared per namespace and
 * PushContext): scanning ~1,000 services per proxy on every push was 2 % of a VirtualService edit.
 */
const scopeFactsMemo = new WeakMap<SidecarScope, { readonly sourceLabels: boolean; readonly headless: readonly Service[] }>();
function scopeFacts(scope: SidecarScope): { readonly sourceLabels: boolean; readonly headless: readonly Service[] } {
  let f = scopeFactsMemo.get(scope);
  if (!f) {
    f = {
      sourceLabels: anySourceLabels(scope.virtualServices),
      headless: scope.services.filter((s) => s.resolution === 'Passthrough' && s.defaultAddress === UNSPECIFIED_IP),
    };
    scopeFactsMemo.set(scope, f);
  }
  return f;
}

/**
 * LDS in cacheable pieces: the outbound side (per-port/per-VIP listeners and virtualOutbound) as one
 * unit keyed by the proxy's Sidecar scope, interception mode, labels where a VirtualService in
 * scope matches sourceLabels, and its IP where a headless service makes per-endpoint listeners
 * (which skip the proxy's own address); the inbound side is the proxy's own. Gateways' listeners
 * are not shared.
 */
export function listenerUnits(proxy: Proxy, push: PushContext): { outbound: CacheableUnit<Listener[]>; own: () => Listener[] } {
  if (proxy.type === 'router') return { outbound: { key: undefined, deps: [ANY_CONFIG], build: () => buildGatewayListeners(proxy, push) }, own: () => [] };
  const build = () => {
    const out = buildSidecarOutboundListeners(proxy, push);
    const vo = buildVirtualOutboundListener(proxy, push);
    return vo ? [...out, vo] : out;
  };
  const scope = push.sidecarScope(proxy);
  const sidecar = scope.sidecar ? `${scope.sidecar.meta.namespace}/${scope.sidecar.meta.name}` : '';
  const facts = scopeFacts(scope);
  const labels = facts.sourceLabels ? labelsKey(proxy.labels) : '';
  const headless = facts.headless;
  const ip = headless.length > 0 ? proxy.ipAddresses[0] ?? '' : '';
  // A Sidecar's egress hosts import the destinations of the VirtualServices they select, so
  // any VirtualService edit may change which services (and ports) the scope has.
  const vsShapesScope = (scope.sidecar?.spec.egress?.length ?? 0) > 0;
  return {
    // Outbound listeners read endpoints only for headless services: their endpoint changes
    // invalidate. VirtualServices reach them only through tcp/tls routes (l4-routes.ts), and
    // through the scope's services under Sidecar egress hosts.
    outbound: {
      key: `${proxy.type}|${scope.namespace}|${sidecar}|${proxy.interceptionMode}|${labels}|${ip}`,
      deps: [...(vsShapesScope ? [ANY_CONFIG] : [CONFIG_BUT_VIRTUAL_SERVICES, L4_VIRTUAL_SERVICES]), ...headless.map(serviceConfigKey)],
      build,
    },
    // Inbound listeners read the proxy's own workload, Sidecar ingress and mesh settings, never
    // VirtualServices (built lazily: a VirtualService push reuses the previous ones).
    own: () => buildSidecarInboundListeners(proxy, push),
  };
}

/** The RDS names the listeners' HCMs reference (for snapshot consistency and RDS subscriptions). */
export function referencedRouteNames(listeners: readonly Listener[]): string[] {
  const names = new Set<string>();
  for (const l of listeners) {
    for (const c of [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) {
      for (const f of c.filters ?? []) {
        const rds = (f.typed_config as { rds?: { route_config_name?: string } } | undefined)?.rds?.route_config_name;
        if (rds !== undefined) names.add(rds);
      }
    }
  }
  return [...names].sort();
}
