// Inbound listeners for gRPC servers built with xDS (grpc-js-xds XdsServer, grpc-go
// xds.NewGRPCServer): the server asks for `xds.istio.io/grpc/lds/inbound/<ip>:<port>` and gets a
// listener for that address whose single filter chain accepts every call (route `/` →
// non_forwarding_action) through the router. Served only for ports the workload at the client's
// IP serves for some service, as Istio does. Plaintext: mTLS for gRPC servers needs the CA.
import { TypeUrl, typedAny, type Listener } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { proxyServiceInstances } from '../endpoint/proxy-instances.js';
import { GRPC_SERVER_LISTENER_PREFIX, splitHostPort } from './names.js';

export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';

export function buildGrpcInboundListeners(proxy: Proxy, push: PushContext, names: readonly string[]): Array<{ name: string; listener: Listener }> {
  const requested = names.filter((n) => n.startsWith(GRPC_SERVER_LISTENER_PREFIX));
  if (requested.length === 0) return [];
  const ports = new Set(proxyServiceInstances(proxy, push).map((i) => i.endpoint.endpointPort));
  const out: Array<{ name: string; listener: Listener }> = [];
  for (const name of requested) {
    const { host, port } = splitHostPort(name.slice(GRPC_SERVER_LISTENER_PREFIX.length));
    if (port === undefined || !ports.has(port)) continue;
    out.push({
      name,
      listener: {
        name,
        address: { socket_address: { address: host, port_value: port } },
        filter_chains: [{
          name: 'inbound-plaintext',
          filters: [{
            name: 'inbound-hcmplaintext',
            typed_config: typedAny(TypeUrl.HttpConnectionManager, {
              route_config: {
                name: 'inbound',
                virtual_hosts: [{ name: 'inbound|http|' + port, domains: ['*'], routes: [{ match: { prefix: '/' }, non_forwarding_action: {} }] }],
              },
              http_filters: [{ name: ROUTER_FILTER_NAME, typed_config: typedAny(TypeUrl.Router, {}) }],
            }),
          }],
        }],
      },
    });
  }
  return out;
}
