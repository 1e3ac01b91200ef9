// Gateway RDS: for `http.<port>` (or an HTTPS server's route name), one virtual host per host
// that a VirtualService bound to the gateway shares with the server, holding that
// VirtualService's routes (several VirtualServices on one host are merged, catch-alls last).
// `httpsRedirect` servers require TLS; a route config with no hosts gets Istio's empty 404 host.
import type { Config } from '../../../api/config.js';
import type { VirtualServiceSpec } from '../../../api/networking/virtual-service-schema.js';
import type { Route, RouteConfiguration, VirtualHost } from '../../../xds-api/index.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { domainName } from './domains.js';
import { buildVirtualServiceRoutes, type RouteContext } from './http-route.js';
import { isCatchAll } from './match.js';
import { gatewayRouteName, gatewayServersByPort, matchingGatewayHosts, type GatewayServer } from './gateway-servers.js';
import { MAX_DIRECT_RESPONSE_BODY, type RouteProxy } from './sidecar-routes.js';

function gatewayDomains(host: string): string[] {
  return host === '*' ? ['*'] : [host, `${host}:*`];
}

function sortCatchAllLast(routes: Route[]): Route[] {
  return [...routes.filter((r) => !isCatchAll(r.match)), ...routes.filter((r) => isCatchAll(r.match))];
}

export function buildGatewayRouteConfig(proxy: RouteProxy, push: PushContext, routeName: string): RouteConfiguration | undefined {
  let servers: GatewayServer[] = [];
  for (const list of gatewayServersByPort(push, proxy).values()) servers.push(...list.filter((s) => gatewayRouteName(s) === routeName));
  if (servers.length === 0) return undefined;
  const port = servers[0].server.port.number!;
  const services = new Map<string, Service>();
  for (const s of push.servicesForProxy({ ...proxy, type: 'sidecar' })) services.set(s.hostname, s);
  for (const s of push.services.all) if (!services.has(s.hostname)) services.set(s.hostname, s);

  const vhosts = new Map<string, VirtualHost>();
  servers = servers.filter((s) => s.server.hosts && s.server.hosts.length > 0);
  for (const gs of servers) {
    const ctx: RouteContext = {
      proxy, push, listenPort: port, gateways: new Set([gs.gatewayName]), services,
      isTLS: (gs.server.port.protocol ?? '').toUpperCase() === 'HTTPS',
    };
    for (const vs of push.virtualServicesForGateway(proxy.configNamespace, gs.gatewayName) as readonly Config<VirtualServiceSpec>[]) {
      const hosts = matchingGatewayHosts(gs.server.hosts!, gs.gateway.meta.namespace, vs.meta.namespace, vs.spec.hosts ?? []);
      if (hosts.length === 0) continue;
      const routes = buildVirtualServiceRoutes(ctx, vs);
      if (routes.length === 0) continue;
      for (const h of hosts) {
        const name = domainName(h, port);
        const existing = vhosts.get(name);
        if (existing) existing.routes = [...existing.routes!, ...routes];
        else vhosts.set(name, { name, domains: gatewayDomains(h), routes: [...routes], include_request_attempt_count: true });
        if (gs.server.tls?.httpsRedirect) vhosts.get(name)!.require_tls = 'ALL';
      }
    }
  }
  let list = [...vhosts.values()].map((v) => ({ ...v, routes: sortCatchAllLast(v.routes!) }));
  list.sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));
  // Envoy answers 404 (NR) for a host without routes.
  if (list.length === 0) list = [{ name: domainName('blackhole', port), domains: ['*'], routes: [] }];
  return {
    name: routeName,
    virtual_hosts: list,
    validate_clusters: { value: false },
    max_direct_response_body_size_bytes: { value: MAX_DIRECT_RESPONSE_BODY },
    ignore_port_in_host_matching: proxy.type !== 'proxyless',
  };
}
