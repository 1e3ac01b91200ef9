// Gateway (router) listeners: one per server port (`0.0.0.0_<port>`, or the server's bind).
// Plain HTTP servers share one chain whose HCM reads RDS `http.<port>`; HTTPS servers that
// terminate TLS get a chain per server matched by SNI with an SDS `kubernetes://<credentialName>`
// certificate; TLS PASSTHROUGH and TCP servers get tcp_proxy chains from the VirtualService
// tls/tcp routes bound to the gateway.
import type { Config } from '../../../api/config.js';
import type { VirtualServiceSpec } from '../../../api/networking/virtual-service-schema.js';
import type { FilterChain, Listener } from '../../../xds-api/index.js';
import { TypeUrl } from '../../../xds-api/index.js';
import { hostsMatch } from '../../model/host.js';
import { parseProtocol } from '../../model/protocol.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { SDS_CA_SUFFIX, SDS_KUBERNETES_PREFIX } from '../names.js';
import { ZERO_DURATION } from '../route/convert.js';
import { gatewayRouteName, gatewayServersByPort, isHttpProtocol, isPassthrough, matchingGatewayHosts, serverHostName, type GatewayServer } from '../route/gateway-servers.js';
import { filterChainMatch, socketAddress, listenerName, TLS_INSPECTOR, WILDCARD } from './filters.js';
import { hcmFilter } from './hcm.js';
import { l4RouteFilters } from './l4-routes.js';

type VsConfig = Config<VirtualServiceSpec>;

function sds(name: string): { name: string; sds_config: { ads: Record<string, never>; resource_api_version: 'V3' } } {
  return { name, sds_config: { ads: {}, resource_api_version: 'V3' } };
}

function downstreamTls(gs: GatewayServer): Record<string, unknown> {
  const tls = gs.server.tls ?? {};
  const mutual = tls.mode === 'MUTUAL';
  const common: Record<string, unknown> = { alpn_protocols: ['h2', 'http/1.1'] };
  if (tls.credentialName) {
    common.tls_certificate_sds_secret_configs = [sds(`${SDS_KUBERNETES_PREFIX}${tls.credentialName}`)];
    if (mutual) common.validation_context_sds_secret_config = sds(`${SDS_KUBERNETES_PREFIX}${tls.credentialName}${SDS_CA_SUFFIX}`);
  }
  return { '@type': TypeUrl.DownstreamTlsContext, common_tls_context: common, require_client_certificate: { value: mutual } };
}

function sniHosts(gs: GatewayServer): string[] {
  return (gs.server.hosts ?? []).map(serverHostName).filter((h) => h !== '*');
}

function l4Chains(push: PushContext, proxy: Proxy, gs: GatewayServer, port: number, tls: boolean): FilterChain[] {
  const out: FilterChain[] = [];
  const gateways = new Set([gs.gatewayName]);
  for (const vs of push.virtualServicesForGateway(proxy.configNamespace, gs.gatewayName) as readonly VsConfig[]) {
    if (matchingGatewayHosts(gs.server.hosts ?? [], gs.gateway.meta.namespace, vs.meta.namespace, vs.spec.hosts ?? []).length === 0) continue;
    const routes = tls ? vs.spec.tls ?? [] : vs.spec.tcp ?? [];
    for (const r of routes) {
      const matches = r.match?.length ? r.match : [undefined];
      for (const m of matches) {
        if (m?.gateways?.length && !m.gateways.some((g) => gateways.has(g))) continue;
        if (m?.port && m.port !== port) continue;
        const sni = tls ? ((m as { sniHosts?: string[] } | undefined)?.sniHosts ?? []).filter((h) => sniHosts(gs).some((sh) => hostsMatch(h, sh))) : [];
        if (tls && sni.length === 0) continue;
        const match = filterChainMatch({ sniHosts: sni, destinationCidrs: m?.destinationSubnets });
        out.push({ ...(match ? { filter_chain_match: match } : {}), filters: l4RouteFilters(push, proxy, r.route ?? [], port, vs) as never });
      }
      if (!tls) return out;
    }
  }
  return out;
}

export function buildGatewayListeners(proxy: Proxy, push: PushContext): Listener[] {
  const out: Listener[] = [];
  for (const [port, servers] of gatewayServersByPort(push, proxy)) {
    const chains: FilterChain[] = [];
    let httpDone = false;
    for (const gs of servers) {
      const proto = parseProtocol(gs.server.port.protocol ?? '');
      const rds = gatewayRouteName(gs);
      const statPrefix = `outbound_${listenerName(gs.server.bind ?? '', port)}`;
      if (isHttpProtocol(gs.server.port.protocol)) {
        if (httpDone) continue;
        httpDone = true;
        chains.push({ filters: [hcmFilter({ statPrefix, rds, protocol: proto, class: 'gateway', mesh: push.mesh })] as never });
      } else if (rds !== '') {
        const match = filterChainMatch({ sniHosts: sniHosts(gs) });
        chains.push({
          ...(match ? { filter_chain_match: match } : {}),
          transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: downstreamTls(gs) as never },
          filters: [hcmFilter({ statPrefix, rds, protocol: 'HTTP', class: 'gateway', mesh: push.mesh })] as never,
        });
      } else {
        chains.push(...l4Chains(push, proxy, gs, port, isPassthrough(gs.server) || proto === 'TLS'));
      }
    }
    if (chains.length === 0) continue;
    const bind = servers[0].server.bind ?? '';
    const l: Listener = { name: listenerName(bind, port), address: socketAddress(bind || WILDCARD, port), traffic_direction: 'OUTBOUND', filter_chains: chains };
    if (chains.some((c) => (c.filter_chain_match?.server_names?.length ?? 0) > 0 || c.transport_socket)) l.listener_filters = [TLS_INSPECTOR];
    l.listener_filters_timeout = ZERO_DURATION;
    l.continue_on_listener_filters_timeout = false;
    out.push(l);
  }
  return out;
}
