// What a CDS or LDS resource makes an Envoy ask for next: the EDS service name of an EDS cluster,
// the RDS route names of a listener's HTTP connection managers. Memoised by (name, version) because
// 2,000 simulated clients receive the same bytes and must not decode them 2,000 times.
import type protobuf from 'protobufjs';
import { TypeUrl, lookupMessageType } from '../../src/xds-api/index.js';

type Msg = Record<string, any>;

function typeOf(name: string): protobuf.Type {
  const t = lookupMessageType(name);
  if (!t) throw new Error(`unknown message ${name}`);
  return t;
}

const CLUSTER = typeOf(TypeUrl.Cluster);
const LISTENER = typeOf(TypeUrl.Listener);
const HCM = typeOf(TypeUrl.HttpConnectionManager);
const EDS = (CLUSTER.fields.type.resolvedType ?? CLUSTER.fields.type.resolve().resolvedType) as protobuf.Enum;
const EDS_TYPE = EDS.values.EDS;

/** The name Envoy subscribes to over EDS for this cluster, or undefined when it is not an EDS cluster. */
export function edsNameOf(name: string, bytes: Uint8Array): string | undefined {
  const c = CLUSTER.decode(bytes) as Msg;
  if (c.cluster_discovery_type !== 'type' || c.type !== EDS_TYPE) return undefined;
  const service = c.eds_cluster_config?.service_name as string | undefined;
  return service || name;
}

/** RDS names of every HTTP connection manager in the listener's filter chains (inline routes need none). */
export function rdsNamesOf(bytes: Uint8Array): string[] {
  const l = LISTENER.decode(bytes) as Msg;
  const out = new Set<string>();
  const chains: Msg[] = [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])];
  for (const fc of chains) {
    for (const f of (fc.filters ?? []) as Msg[]) {
      const any = f.typed_config as Msg | undefined;
      if (any?.type_url !== TypeUrl.HttpConnectionManager) continue;
      const hcm = HCM.decode(any.value as Uint8Array) as Msg;
      if (hcm.route_specifier === 'rds' && hcm.rds?.route_config_name) out.add(hcm.rds.route_config_name as string);
    }
  }
  return [...out];
}

/** Memoises `fn(name, bytes)` by name and version; `version` is the server's per-resource version. */
export class RefCache<T> {
  private readonly map = new Map<string, T>();
  hits = 0;

  constructor(private readonly fn: (name: string, bytes: Uint8Array) => T) {}

  get(name: string, version: string, bytes: Uint8Array): T {
    // A version alone is not unique across names (two identical resources may share a hash).
    const key = `${name}\0${version}`;
    if (this.map.has(key)) {
      this.hits++;
      return this.map.get(key) as T;
    }
    const v = this.fn(name, bytes);
    this.map.set(key, v);
    return v;
  }

  get size(): number {
    return this.map.size;
  }
}
