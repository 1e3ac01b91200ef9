// LDS translation: one proxy's Envoy listeners from the PushContext. Sidecars get their inbound
// side (virtualInbound 15006 or Sidecar ingress listeners), outbound per-port/per-VIP listeners and
// virtualOutbound (15001); gateways (routers) get a listener per Gateway server port.
import type { Listener } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
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
