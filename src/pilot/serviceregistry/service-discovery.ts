// The source-agnostic registry interface: every source (config-directory Kubernetes objects,
// ServiceEntry, later the live Kubernetes API) answers the same questions and reports changes
// split into service changes (full push) and endpoint-only changes (EDS push).
import type { ServiceInstance, WorkloadInstance } from '../model/endpoint.js';
import type { Labels } from '../model/labels.js';
import type { RegistryProvider, Service } from '../model/service.js';

export interface ServiceRef {
  readonly hostname: string;
  readonly namespace: string;
}

export interface RegistryChange {
  /** Services added, removed or redefined: listeners, routes and clusters may change. */
  readonly services: readonly ServiceRef[];
  /** Services whose endpoints alone changed: EDS suffices unless `headless` lists them too. */
  readonly endpoints: readonly ServiceRef[];
  /**
   * Headless (Passthrough) services among `endpoints`: Istio builds per-endpoint listeners for
   * them, so their endpoint changes need a full push.
   */
  readonly headless: readonly ServiceRef[];
}

export type RegistryListener = (change: RegistryChange, source: ServiceDiscovery) => void;

export interface ServiceDiscovery {
  readonly provider: RegistryProvider | 'Aggregate';
  /** Every service, oldest first (Istio's conflict order). */
  services(): readonly Service[];
  /** The first service with this hostname, or the one in `namespace` when given. */
  getService(hostname: string, namespace?: string): Service | undefined;
  /** Every endpoint of a service, all ports. */
  instances(service: ServiceRef): readonly ServiceInstance[];
  /** Endpoints of one service port whose labels match `selector` (a DestinationRule subset). */
  endpoints(service: ServiceRef, port: number, selector?: Labels): readonly ServiceInstance[];
  /** Pods and WorkloadEntries with this address (how a connecting proxy is identified). */
  workloadsByAddress(address: string): readonly WorkloadInstance[];
  /** The service ports a workload at this address serves (its inbound side). */
  serviceTargets(address: string): readonly ServiceInstance[];
  /** Returns an unsubscribe function. */
  onChange(listener: RegistryListener): () => void;
}
