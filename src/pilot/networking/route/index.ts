// RDS translation: Istio VirtualServices and the service registry → Envoy RouteConfigurations for
// one proxy. Sidecars get per-port route configs (`9080`) with a virtual host per service plus the
// allow_any/block_all catch-all; gateways get `http.<port>` / `https.<port>.<name>.<gw>.<ns>`.
import type { RouteConfiguration } from '../../../xds-api/index.js';
import type { PushContext } from '../../model/push-context.js';
import {
  ALL_ROUTES, ANY_CONFIG, CONFIG_BUT_VIRTUAL_SERVICES, anySourceLabels, labelsKey, routePortDep, selectorRuleNamespaces, type CacheableUnit,
} from '../cache-key.js';
import { buildGatewayRouteConfig } from './gateway-routes.js';
import { buildSidecarRouteConfig, parseRouteName, type RouteProxy } from './sidecar-routes.js';

export { buildSidecarRouteConfig, catchAllVirtualHost, egressForPort, parseRouteName, MAX_DIRECT_RESPONSE_BODY, type RouteProxy } from './sidecar-routes.js';
export { buildGatewayRouteConfig } from './gateway-routes.js';
export { gatewayRouteName, gatewayServersByPort, matchingGatewayHosts, serverHostName, isHttpProtocol, isPassthrough, type GatewayServer } from './gateway-servers.js';
export { buildVirtualServiceRoutes, defaultRoute, destinationCluster, routeOperation, FAULT_FILTER, CORS_FILTER, type RouteContext } from './http-route.js';
export { defaultRetryPolicy, translateRetry, DEFAULT_RETRY_ON } from './retry.js';
export { virtualHostDomains, altVirtualHosts, domainName } from './domains.js';
export { configMetadata, configPath, protoDuration, ZERO_DURATION, type ProtoDuration } from './convert.js';

/**
 * One route configuration keyed by what it reads: the name, the proxy's Sidecar scope (namespace
 * and Sidecar), its DNS domain (short-name domains), and its labels only where they can matter
 * (a VirtualService in scope with sourceLabels, or a DestinationRule with a workload selector in
 * the proxy's namespace, which hash policies consult). Gateways' routes are not shared. Routes
 * read VirtualServices, services and DestinationRules, never endpoints.
 */
export function routeUnit(proxy: RouteProxy, push: PushContext, routeName: string): CacheableUnit<RouteConfiguration | undefined> {
  const build = () => buildRoutes(proxy, push, [routeName])[0];
  if (proxy.type !== 'sidecar') return { key: undefined, deps: [ANY_CONFIG], build };
  const scope = push.sidecarScope(proxy);
  const sidecar = scope.sidecar ? `${scope.sidecar.meta.namespace}/${scope.sidecar.meta.name}` : '';
  const labels = labelsMatter(push, scope.virtualServices, proxy.configNamespace) ? labelsKey(proxy.labels) : '';
  // VirtualServices reach a route configuration only through the ports of the hosts they name.
  const port = parseRouteName(routeName)?.port;
  const deps = port === undefined ? [ANY_CONFIG] : [CONFIG_BUT_VIRTUAL_SERVICES, ALL_ROUTES, routePortDep(port)];
  return { key: `${proxy.type}|${routeName}|${scope.namespace}|${sidecar}|${proxy.dnsDomain ?? ''}|${labels}`, deps, build };
}

function labelsMatter(push: PushContext, vss: readonly { spec: unknown }[], namespace: string): boolean {
  return selectorRuleNamespaces(push).has(namespace) || anySourceLabels(vss);
}

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
