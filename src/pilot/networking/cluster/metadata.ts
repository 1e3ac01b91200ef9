// The `istio` filter metadata Istio puts on clusters for telemetry and tooling: the services the
// cluster serves, the DestinationRule that shaped it, its subset, whether the service is
// mesh-external, and `alpn_override: "false"` when the rule originates TLS itself.
import type { ConfigMeta } from '../../../api/config.js';
import { jsonToStruct, type Cluster } from '../../../xds-api/index.js';
import type { Service } from '../../model/service.js';

export interface ClusterMetadata {
  services: { host: string; name: string; namespace: string }[];
  config?: string;
  external?: boolean;
  subset?: string;
  alpn_override?: string;
}

export function serviceMetadata(s: Pick<Service, 'hostname' | 'name' | 'namespace'>): { host: string; name: string; namespace: string } {
  return { host: s.hostname, name: s.name, namespace: s.namespace };
}

function kebab(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `/apis/<group>/<version>/namespaces/<ns>/<kind-in-kebab-case>/<name>`, as Istio names config. */
export function configPath(meta: ConfigMeta): string {
  return `/apis/${meta.gvk.group}/${meta.gvk.version}/namespaces/${meta.namespace}/${kebab(meta.gvk.kind)}/${meta.name}`;
}

export function setClusterMetadata(c: Cluster, md: ClusterMetadata): void {
  c.metadata = { filter_metadata: { istio: jsonToStruct(md as unknown as Record<string, unknown>) } };
}
