// /config_dump in Envoy's shape (envoy.admin.v3.ConfigDump): bootstrap, then clusters, listeners,
// routes (and endpoints with ?include_eds), each dynamic resource with its version_info and
// last_updated, warming versions beside active ones and the last rejected update as error_state.
import type { Node } from '../../xds-api/index.js';
import { anyToJson } from './proto-json.js';
import type { Entry, RejectedUpdate, TypeState, XdsState } from './xds-state.js';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

export interface DumpContext {
  readonly state: XdsState;
  readonly node: Node;
  readonly startedAt: Date;
  readonly discoveryAddress: string;
  readonly adminPort: number;
}

export function nodeJson(n: Node): Record<string, unknown> {
  const meta = n.metadata === undefined || n.metadata === null ? {} : structJson(n.metadata as { fields?: Record<string, unknown> });
  return { id: n.id, cluster: n.cluster, metadata: meta, user_agent_name: n.user_agent_name, user_agent_version: n.user_agent_version, ...(n.locality ? { locality: n.locality } : {}) };
}

function structJson(s: { fields?: Record<string, unknown> }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s.fields ?? {}).map(([k, v]) => [k, valueJson(v as Record<string, unknown>)]));
}

function valueJson(v: Record<string, unknown>): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.numberValue !== undefined) return v.numberValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.structValue !== undefined) return structJson(v.structValue as { fields?: Record<string, unknown> });
  if (v.listValue !== undefined) return ((v.listValue as { values?: Record<string, unknown>[] }).values ?? []).map(valueJson);
  return null;
}

const errorState = (r: RejectedUpdate | undefined): object =>
  r === undefined ? {} : { error_state: { last_update_attempt: r.at.toISOString(), details: r.details } };

function dynamic<T>(e: Entry<T>, key: string): Record<string, unknown> {
  return { version_info: e.version, [key]: anyToJson(e.resource.any), last_updated: e.lastUpdated.toISOString() };
}

function clusters(state: XdsState): object {
  const ts = state.clusters;
  const active: object[] = [];
  const warming: object[] = [];
  for (const [name, e] of ts.entries) {
    const live = state.activeClusters.get(name);
    if (live !== undefined) active.push({ ...dynamic(live, 'cluster'), ...errorState(ts.rejected.get(name)) });
    if (live !== e) warming.push(dynamic(e, 'cluster'));
  }
  return { '@type': `${ADMIN}ClustersConfigDump`, version_info: ts.versionInfo, dynamic_active_clusters: active, dynamic_warming_clusters: warming };
}

function listeners(state: XdsState): object {
  const ts = state.listeners;
  const out: object[] = [];
  const names = new Set([...ts.entries.keys(), ...ts.rejected.keys()]);
  for (const name of [...names].sort()) {
    const e = ts.entries.get(name);
    const live = state.activeListeners.get(name);
    const row: Record<string, unknown> = { name };
    if (live !== undefined) row.active_state = dynamic(live, 'listener');
    if (e !== undefined && live !== e) row.warming_state = dynamic(e, 'listener');
    const rej = ts.rejected.get(name);
    if (rej !== undefined) row.error_state = { last_update_attempt: rej.at.toISOString(), details: rej.details };
    out.push(row);
  }
  return { '@type': `${ADMIN}ListenersConfigDump`, version_info: ts.versionInfo, dynamic_listeners: out };
}

function named<T>(ts: TypeState<T>, type: string, listKey: string, key: string): object {
  return {
    '@type': `${ADMIN}${type}`,
    [listKey]: [...ts.entries.values()].map((e) => dynamic(e, key)),
  };
}

export function configDump(ctx: DumpContext, opts: { includeEds?: boolean } = {}): object {
  const bootstrap = {
    '@type': `${ADMIN}BootstrapConfigDump`,
    bootstrap: {
      node: nodeJson(ctx.node),
      dynamic_resources: {
        lds_config: { ads: {}, resource_api_version: 'V3' },
        cds_config: { ads: {}, resource_api_version: 'V3' },
        ads_config: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }], target_uri: ctx.discoveryAddress },
      },
      admin: { address: { socket_address: { address: '127.0.0.1', port_value: ctx.adminPort } } },
    },
    last_updated: ctx.startedAt.toISOString(),
  };
  const configs = [
    bootstrap,
    clusters(ctx.state),
    ...(opts.includeEds ? [named(ctx.state.endpoints, 'EndpointsConfigDump', 'dynamic_endpoint_configs', 'endpoint_config')] : []),
    listeners(ctx.state),
    { '@type': `${ADMIN}ScopedRoutesConfigDump` },
    named(ctx.state.routes, 'RoutesConfigDump', 'dynamic_route_configs', 'route_config'),
    { '@type': `${ADMIN}SecretsConfigDump` },
  ];
  return { configs };
}
