// WorkloadEntry (and ServiceEntry's inline endpoints, which are WorkloadEntries) as a workload:
// locality from `locality` or labels, tlsMode from the label or the service account, identity.
import type { Config } from '../../../api/config.js';
import {
  augmentLabels, localityFromLabels, NETWORK_LABEL, parseLocality, spiffeIdentity, tlsModeForWorkloadEntry,
  type WorkloadInstance,
} from '../../model/endpoint.js';
import type { WorkloadEntrySpec } from '../../model/specs.js';
import type { ConversionContext } from '../kinds.js';

export const UNIX_ADDRESS_PREFIX = 'unix://';

/**
 * `name` is the WorkloadEntry's name (inline endpoints have none); `namespace` the owning
 * object's namespace, which also scopes the service account's identity.
 */
export function workloadEntryInstance(we: WorkloadEntrySpec, name: string, namespace: string, ctx: ConversionContext): WorkloadInstance {
  const labels = we.labels ?? {};
  const locality = we.locality ? parseLocality(we.locality) : localityFromLabels(labels);
  const network = we.network ?? labels[NETWORK_LABEL] ?? '';
  const sa = we.serviceAccount ? spiffeIdentity(ctx.mesh.trustDomain, namespace, we.serviceAccount) : '';
  const address = we.address ?? '';
  return {
    kind: 'WorkloadEntry',
    name,
    namespace,
    address,
    labels,
    serviceAccount: sa,
    portMap: we.ports ?? {},
    endpoint: {
      address: address.startsWith(UNIX_ADDRESS_PREFIX) ? address.slice(UNIX_ADDRESS_PREFIX.length) : address,
      labels: augmentLabels(labels, locality, network, ctx.clusterId),
      locality,
      network,
      weight: we.weight ?? 0,
      tlsMode: tlsModeForWorkloadEntry(labels, we.serviceAccount),
      serviceAccount: sa,
      healthStatus: 'Healthy',
      workloadName: name,
      namespace,
    },
  };
}

export function workloadEntryConfigInstance(cfg: Config<WorkloadEntrySpec>, ctx: ConversionContext): WorkloadInstance {
  return workloadEntryInstance(cfg.spec, cfg.meta.name, cfg.meta.namespace, ctx);
}
