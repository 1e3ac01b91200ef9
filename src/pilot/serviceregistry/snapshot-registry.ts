// The registry istiod builds from its config store: the Kubernetes-kind source and the
// ServiceEntry source behind one aggregate, both rebuilt from each snapshot.
import type { ConfigSnapshot } from '../../config/snapshot.js';
import type { ResolvedMesh } from '../model/mesh.js';
import { AggregateRegistry } from './aggregate.js';
import { DEFAULT_CLUSTER_ID } from './kinds.js';
import { KubeRegistry } from './kube/kube-registry.js';
import type { RegistryChange } from './service-discovery.js';
import { ServiceEntryRegistry } from './serviceentry/service-entry-registry.js';

export class SnapshotRegistry extends AggregateRegistry {
  readonly kube: KubeRegistry;
  readonly serviceEntries: ServiceEntryRegistry;

  constructor(mesh: ResolvedMesh, clusterId = DEFAULT_CLUSTER_ID) {
    const ctx = { mesh, clusterId };
    const kube = new KubeRegistry(ctx);
    const se = new ServiceEntryRegistry(ctx);
    super([kube, se]);
    this.kube = kube;
    this.serviceEntries = se;
  }

  /** Applies a snapshot to both sources; returns their changes merged (undefined: none). */
  update(snapshot: ConfigSnapshot): RegistryChange | undefined {
    const changes = [this.kube.update(snapshot), this.serviceEntries.update(snapshot)].filter((c): c is RegistryChange => c !== undefined);
    if (changes.length === 0) return undefined;
    return {
      services: changes.flatMap((c) => c.services),
      endpoints: changes.flatMap((c) => c.endpoints),
      headless: changes.flatMap((c) => c.headless),
    };
  }
}
