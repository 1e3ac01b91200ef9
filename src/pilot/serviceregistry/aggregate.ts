// Merges several registries into one view, Kubernetes sources first (Istio's order), so that a
// hostname lookup finds the Kubernetes service before a ServiceEntry claiming the same host.
// Which of several same-host services a proxy uses is PushContext's decision, not this one's.
import type { ServiceInstance, WorkloadInstance } from '../model/endpoint.js';
import type { Labels } from '../model/labels.js';
import { compareServicesByCreation, type Service } from '../model/service.js';
import type { RegistryListener, ServiceDiscovery, ServiceRef } from './service-discovery.js';

export class AggregateRegistry implements ServiceDiscovery {
  readonly provider = 'Aggregate' as const;
  private readonly registries: ServiceDiscovery[] = [];
  private readonly listeners = new Set<RegistryListener>();
  private readonly unsubscribe = new Map<ServiceDiscovery, () => void>();

  constructor(registries: readonly ServiceDiscovery[] = []) {
    for (const r of registries) this.add(r);
  }

  /** Kubernetes registries go before every other kind. */
  add(r: ServiceDiscovery): void {
    if (r.provider === 'Kubernetes') {
      const firstOther = this.registries.findIndex((x) => x.provider !== 'Kubernetes');
      this.registries.splice(firstOther < 0 ? this.registries.length : firstOther, 0, r);
    } else {
      this.registries.push(r);
    }
    this.unsubscribe.set(r, r.onChange((change) => {
      for (const l of this.listeners) l(change, this);
    }));
  }

  remove(r: ServiceDiscovery): void {
    const i = this.registries.indexOf(r);
    if (i >= 0) this.registries.splice(i, 1);
    this.unsubscribe.get(r)?.();
    this.unsubscribe.delete(r);
  }

  /** Every registry's services, oldest first; same-host services from different sources all appear. */
  services(): readonly Service[] {
    if (this.registries.length === 1) return this.registries[0].services();
    return this.registries.flatMap((r) => r.services()).sort(compareServicesByCreation);
  }

  getService(hostname: string, namespace?: string): Service | undefined {
    for (const r of this.registries) {
      const s = r.getService(hostname, namespace);
      if (s) return s;
    }
    return undefined;
  }

  /**
   * Endpoints for a host come from every source that has it, as Istio merges its registries'
   * endpoint shards per hostname and namespace (a Service plus VMs a same-host ServiceEntry
   * selects). A workload both sources select — a ServiceEntry for `name.ns.svc.cluster.local`
   * whose workloadSelector picks the Service's own pods — is one upstream host: it is listed once,
   * as the Kubernetes source (first) describes it.
   */
  instances(service: ServiceRef): readonly ServiceInstance[] {
    return uniqueInstances(this.collect((r) => r.instances(service)));
  }

  endpoints(service: ServiceRef, port: number, selector?: Labels): readonly ServiceInstance[] {
    return uniqueInstances(this.collect((r) => r.endpoints(service, port, selector)));
  }

  workloadsByAddress(address: string): readonly WorkloadInstance[] {
    return this.collect((r) => r.workloadsByAddress(address));
  }

  serviceTargets(address: string): readonly ServiceInstance[] {
    return uniqueInstances(this.collect((r) => r.serviceTargets(address)));
  }

  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private collect<T>(f: (r: ServiceDiscovery) => readonly T[]): readonly T[] {
    let out: readonly T[] = [];
    for (const r of this.registries) {
      const got = f(r);
      if (got.length === 0) continue;
      out = out.length === 0 ? got : [...out, ...got];
    }
    return out;
  }
}

/** Drops repeats of (service, service port, address, endpoint port), keeping the first source's. */
function uniqueInstances(list: readonly ServiceInstance[]): readonly ServiceInstance[] {
  if (list.length < 2) return list;
  const seen = new Set<string>();
  const out: ServiceInstance[] = [];
  for (const i of list) {
    const key = `${i.service.namespace}/${i.service.hostname}\0${i.servicePort.port}\0${i.endpoint.address}\0${i.endpoint.endpointPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out.length === list.length ? list : out;
}
