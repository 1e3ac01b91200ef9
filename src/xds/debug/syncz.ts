// /debug/syncz in Istio's JSON shape (one SyncStatus per connected proxy: per type, the nonce last
// sent and the nonce last acknowledged), which `istioctl proxy-status` reads, plus istio-ts's
// per-type detail (versions, state, last NACK) under `xds`.
import type { SyncStatus, TypeSyncStatus } from '../connection.js';
import type { Proxy } from '../../pilot/model/proxy.js';

export interface IstioSyncStatus {
  cluster_id: string;
  proxy: string;
  proxy_type: string;
  proxy_version: string;
  istio_version: string;
  cluster_sent: string;
  cluster_acked: string;
  listener_sent: string;
  listener_acked: string;
  route_sent: string;
  route_acked: string;
  endpoint_sent: string;
  endpoint_acked: string;
  extension_config_sent: string;
  extension_config_acked: string;
  /** Types whose last response was rejected, with the proxy's message. */
  nacks: Record<string, string>;
  xds: TypeSyncStatus[];
  node_id: string;
  connection_id: string;
  stream: string;
}

const FIELD: Record<string, 'cluster' | 'listener' | 'route' | 'endpoint' | 'extension_config'> = {
  CDS: 'cluster', LDS: 'listener', RDS: 'route', EDS: 'endpoint', ECDS: 'extension_config',
};

export function istioSyncz(statuses: readonly SyncStatus[], proxies: ReadonlyMap<string, Proxy>, defaultClusterId: string): IstioSyncStatus[] {
  return statuses.map((s) => {
    const p = proxies.get(s.connectionId);
    const out: IstioSyncStatus = {
      cluster_id: p?.metadata.clusterId ?? defaultClusterId,
      proxy: s.proxyId,
      proxy_type: s.proxyType,
      proxy_version: p?.metadata.istioVersion ?? '',
      istio_version: p?.metadata.istioVersion ?? '',
      cluster_sent: '', cluster_acked: '', listener_sent: '', listener_acked: '',
      route_sent: '', route_acked: '', endpoint_sent: '', endpoint_acked: '',
      extension_config_sent: '', extension_config_acked: '',
      nacks: {},
      xds: s.types,
      node_id: s.nodeId,
      connection_id: s.connectionId,
      stream: s.stream,
    };
    for (const t of s.types) {
      const f = FIELD[t.type];
      if (f) {
        out[`${f}_sent`] = t.sentNonce ?? '';
        out[`${f}_acked`] = t.ackedNonce ?? '';
      }
      if (t.state === 'NACKED' && t.lastNack) out.nacks[t.type] = t.lastNack.message;
    }
    return out;
  });
}
