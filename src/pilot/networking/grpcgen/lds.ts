// LDS for proxyless gRPC clients: one `api_listener` per requested `host:port`, holding an HTTP
// connection manager that fetches its routes over ADS (RDS name `outbound|port||host`) and runs
// the fault filter then the router, as Istio serves gRPC's xDS clients.
import { TypeUrl, typedAny, type Listener } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { clusterKey, joinHostPort, listenerSelections } from './names.js';
import { FAULT_FILTER } from './routes.js';
import { buildGrpcInboundListeners, ROUTER_FILTER_NAME } from './inbound.js';
import { servicesFor } from './scope.js';

export { ROUTER_FILTER_NAME as ROUTER_FILTER } from './inbound.js';

export interface NamedListener {
  readonly name: string;
  readonly listener: Listener;
}

/**
 * `names` empty means a wildcard request: every service port in the client's scope, by FQDN.
 * Otherwise a listener is built per requested spelling of a host (`echo:7070` and
 * `echo.default.svc.cluster.local:7070` are distinct watches in gRPC) and per selected port.
 */
export function buildGrpcListeners(proxy: Proxy, push: PushContext, names: readonly string[]): NamedListener[] {
  const selections = names.length > 0 ? listenerSelections(names, proxy.configNamespace, proxy.dnsDomain) : undefined;
  const out: NamedListener[] = [];
  const seen = new Set<string>();
  for (const svc of servicesFor(proxy, push)) {
    const sel = selections?.get(svc.hostname);
    if (selections && !sel) continue;
    for (const requestedHost of sel ? [...sel.requestedHosts].sort() : [svc.hostname]) {
      for (const p of svc.ports) {
        if (sel && sel.ports.size > 0 && !sel.ports.has(p.port)) continue;
        const name = joinHostPort(requestedHost, p.port);
        if (seen.has(name)) continue;
        seen.add(name);
        out.push({
          name,
          listener: {
            name,
            address: { socket_address: { address: svc.defaultAddress, port_value: p.port } },
            api_listener: {
              api_listener: typedAny(TypeUrl.HttpConnectionManager, {
                http_filters: [
                  { name: FAULT_FILTER, typed_config: typedAny(TypeUrl.Fault, {}) },
                  { name: ROUTER_FILTER_NAME, typed_config: typedAny(TypeUrl.Router, {}) },
                ],
                rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: clusterKey(svc.hostname, p.port) },
              }),
            },
          },
        });
      }
    }
  }
  out.push(...buildGrpcInboundListeners(proxy, push, names));
  return out;
}
