// RDS translation: Istio VirtualServices and the service registry → Envoy RouteConfigurations for
// one proxy. Sidecars get per-port route configs (`9080`) with a virtual host per service plus the
// allow_any/block_all catch-all; gateways get `http.<port>` / `https.<port>.<name>.<gw>.<ns>`.
import type { RouteConfiguration } from '../../../xds-api/index.js';
import type { PushContext } from '../../model/push-context.js';
import { buildGatewayRouteConfig } from './gateway-routes.js';
import { buildSidecarRouteConfig, type RouteProxy } from './sidecar-routes.js';

export { buildSidecarRouteConfig, catchAllVirtualHost, egressForPort, parseRouteName, MAX_DIRECT_RESPONSE_BODY, type RouteProxy } from './sidecar-routes.js';
export { buildGatewayRouteConfig } from './gateway-routes.js';
export { gatewayRouteName, gatewayServersByPort, matchingGatewayHosts, serverHostName, isHttpProtocol, isPassthrough, type GatewayServer } from './gateway-servers.js';
export { buildVirtualServiceRoutes, defaultRoute, destinationCluster, routeOperation, FAULT_FILTER, CORS_FILTER, type RouteContext } from './http-route.js';
export { defaultRetryPolicy, translateRetry, DEFAULT_RETRY_ON } from './retry.js';
export { virtualHostDomains, altVirtualHosts, domainName } from './domains.js';
export { configMetadata, configPath, protoDuration, ZERO_DURATION, type ProtoDuration } from './convert.js';

/**
 * The route configurations `routeNames` for `proxy` (RDS is always requested by name). A sidecar
 * asking for a name Istio does not generate gets an empty configuration of that name, as Istio
 * answers; a gateway gets only the names its servers define.
 */
export function buildRoutes(proxy: RouteProxy, push: PushContext, routeNames: readonly string[]): RouteConfiguration[] {
  const out: RouteConfiguration[] = [];
  for (const name of routeNames) {
    if (proxy.type === 'router') {
      const rc = buildGatewayRouteConfig(proxy, push, name);
      if (rc) out.push(rc);
      continue;
    }
    out.push(buildSidecarRouteConfig(proxy, push, name) ?? { name, virtual_hosts: [], validate_clusters: { value: false } });
  }
  return out;
}
