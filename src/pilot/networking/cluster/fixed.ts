// The clusters every sidecar has regardless of services: PassthroughCluster (ORIGINAL_DST, for
// ALLOW_ANY and unmatched ports; speaks whatever the client spoke, 5-minute idle timeout),
// BlackHoleCluster (STATIC without endpoints: traffic to it fails) and InboundPassthroughCluster
// (inbound traffic to undeclared ports, bound to 127.0.0.6 / ::6 so iptables lets it through).
import type { Cluster } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { TranslationMesh } from '../endpoint/index.js';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.js';
import { applyConnectionPool } from './connection-pool.js';
import { finish, type ClusterDraft } from './draft.js';
import { INBOUND_PASSTHROUGH_BIND_IPV4, INBOUND_PASSTHROUGH_BIND_IPV6, supportsIpv4 } from './inbound.js';
import { duration } from './proto.js';

const PASSTHROUGH_IDLE_MS = 5 * 60_000;

export function blackHoleCluster(mesh: TranslationMesh): Cluster {
  return {
    name: BLACKHOLE_CLUSTER,
    type: 'STATIC',
    connect_timeout: duration(mesh.connectTimeoutMs),
    lb_policy: 'ROUND_ROBIN',
    alt_stat_name: `${BLACKHOLE_CLUSTER};`,
  };
}

export function passthroughCluster(mesh: TranslationMesh, name = PASSTHROUGH_CLUSTER): Cluster {
  const d: ClusterDraft = {
    cluster: { name, type: 'ORIGINAL_DST', connect_timeout: duration(mesh.connectTimeoutMs), lb_policy: 'CLUSTER_PROVIDED', alt_stat_name: `${name};` },
    http: {
      common_http_protocol_options: { idle_timeout: duration(PASSTHROUGH_IDLE_MS) },
      use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
    },
  };
  applyConnectionPool(d, mesh, {});
  return finish(d);
}

export function inboundPassthroughCluster(proxy: Pick<Proxy, 'ipAddresses'>, mesh: TranslationMesh): Cluster {
  const c = passthroughCluster(mesh, INBOUND_PASSTHROUGH_CLUSTER);
  const v4 = supportsIpv4(proxy);
  const v6 = proxy.ipAddresses.some((ip) => ip.includes(':'));
  c.upstream_bind_config = {
    source_address: { address: v4 ? INBOUND_PASSTHROUGH_BIND_IPV4 : INBOUND_PASSTHROUGH_BIND_IPV6, port_value: 0 },
    ...(v4 && v6 ? { extra_source_addresses: [{ address: { address: INBOUND_PASSTHROUGH_BIND_IPV6, port_value: 0 } }] } : {}),
  };
  return c;
}
