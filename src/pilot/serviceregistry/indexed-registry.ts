// A ServiceDiscovery over a RegistryIndex that is replaced wholesale: sources rebuild an index
// from each config snapshot and swap it in; readers never see a half-built one.
import type { ServiceInstance, WorkloadInstance } from '../model/endpoint.js';
import type { Labels } from '../model/labels.js';
import type { RegistryProvider, Service } from '../model/service.js';
import { RegistryIndex } from './registry-index.js';
import type { RegistryChange, RegistryListener, ServiceDiscovery, ServiceRef } from './service-discovery.js';

export abstract class IndexedRegistry implements ServiceDiscovery {
  abstract readonly provider: RegistryProvider;
  private index = RegistryIndex.empty();
  private readonly listeners = new Set<RegistryListener>();

  /** Swaps in a new index and tells listeners what changed; returns the change. */
  protected replace(next: RegistryIndex): RegistryChange | undefined {
    const change = next.diff(this.index);
    this.index = next;
    if (change) for (const l of this.listeners) l(change, this);
    return change;
  }

  services(): readonly Service[] {
    return this.index.services;
  }

  getService(hostname: string, namespace?: string): Service | undefined {
    return this.index.getService(hostname, namespace);
  }

  instances(service: ServiceRef): readonly ServiceInstance[] {
    return this.index.instances(service);
  }

  endpoints(service: ServiceRef, port: number, selector?: Labels): readonly ServiceInstance[] {
    return this.index.endpoints(service, port, selector);
  }

  workloadsByAddress(address: string): readonly WorkloadInstance[] {
    return this.index.workloadsByAddress(address);
  }

  serviceTargets(address: string): readonly ServiceInstance[] {
    return this.index.serviceTargets(address);
  }

  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
