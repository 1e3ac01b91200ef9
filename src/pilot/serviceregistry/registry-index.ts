// An immutable index of one source's services, endpoints and workloads, and the diff between two
// of them that becomes a RegistryChange (service vs endpoint-only vs headless endpoints).
import type { ServiceInstance, WorkloadInstance } from '../model/endpoint.js';
import { selectorMatches, type Labels } from '../model/labels.js';
import { compareServicesByCreation, serviceKey, type Service } from '../model/service.js';
import type { RegistryChange, ServiceRef } from './service-discovery.js';

const NO_INSTANCES: readonly ServiceInstance[] = Object.freeze([]);
const NO_WORKLOADS: readonly WorkloadInstance[] = Object.freeze([]);

export class RegistryIndex {
  readonly services: readonly Service[];
  private readonly byHost = new Map<string, Service[]>();
  private readonly instancesByService = new Map<string, readonly ServiceInstance[]>();
  private readonly workloadsByIp = new Map<string, WorkloadInstance[]>();
  private readonly targetsByIp = new Map<string, ServiceInstance[]>();
  /** serviceKey → [service fingerprint, endpoints fingerprint], for diffs. */
  private readonly prints = new Map<string, readonly [string, string]>();

  constructor(services: readonly Service[], instances: ReadonlyMap<string, readonly ServiceInstance[]>, workloads: readonly WorkloadInstance[]) {
    this.services = Object.freeze([...services].sort(compareServicesByCreation));
    const svcsByKey = new Map<string, Service[]>();
    for (const s of this.services) {
      const k = serviceKey(s);
      const same = svcsByKey.get(k);
      if (same) same.push(s);
      else svcsByKey.set(k, [s]);
      const list = this.byHost.get(s.hostname);
      if (list) list.push(s);
      else this.byHost.set(s.hostname, [s]);
    }
    for (const key of svcsByKey.keys()) {
      this.instancesByService.set(key, Object.freeze([...(instances.get(key) ?? [])].sort(compareInstances)));
    }
    for (const [key, insts] of this.instancesByService) {
      for (const i of insts) {
        const list = this.targetsByIp.get(i.endpoint.address);
        if (list) list.push(i);
        else this.targetsByIp.set(i.endpoint.address, [i]);
      }
      this.prints.set(key, [JSON.stringify(svcsByKey.get(key), replacer), JSON.stringify(insts.map((i) => [i.servicePort.name, i.endpoint]))]);
    }
    for (const w of workloads) {
      const list = this.workloadsByIp.get(w.address);
      if (list) list.push(w);
      else this.workloadsByIp.set(w.address, [w]);
    }
  }

  static empty(): RegistryIndex {
    return new RegistryIndex([], new Map(), []);
  }

  getService(hostname: string, namespace?: string): Service | undefined {
    const list = this.byHost.get(hostname);
    if (!list) return undefined;
    return namespace === undefined ? list[0] : list.find((s) => s.namespace === namespace);
  }

  instances(ref: ServiceRef): readonly ServiceInstance[] {
    return this.instancesByService.get(serviceKey(ref)) ?? NO_INSTANCES;
  }

  endpoints(ref: ServiceRef, port: number, selector?: Labels): readonly ServiceInstance[] {
    return this.instances(ref).filter((i) => i.servicePort.port === port && selectorMatches(selector, i.endpoint.labels));
  }

  workloadsByAddress(address: string): readonly WorkloadInstance[] {
    return this.workloadsByIp.get(address) ?? NO_WORKLOADS;
  }

  serviceTargets(address: string): readonly ServiceInstance[] {
    return this.targetsByIp.get(address) ?? NO_INSTANCES;
  }

  /** What changed from `prev` to this index; undefined when nothing did. */
  diff(prev: RegistryIndex): RegistryChange | undefined {
    const services: ServiceRef[] = [];
    const endpoints: ServiceRef[] = [];
    const headless: ServiceRef[] = [];
    const refOf = (key: string): ServiceRef => {
      const slash = key.indexOf('/');
      return { namespace: key.slice(0, slash), hostname: key.slice(slash + 1) };
    };
    for (const [key, [svc, eps]] of this.prints) {
      const old = prev.prints.get(key);
      if (!old || old[0] !== svc) services.push(refOf(key));
      else if (old[1] !== eps) {
        const ref = refOf(key);
        endpoints.push(ref);
        if (this.getService(ref.hostname, ref.namespace)?.resolution === 'Passthrough') headless.push(ref);
      }
    }
    for (const key of prev.prints.keys()) if (!this.prints.has(key)) services.push(refOf(key));
    if (services.length + endpoints.length === 0) return undefined;
    return { services, endpoints, headless };
  }
}

function compareInstances(a: ServiceInstance, b: ServiceInstance): number {
  return a.servicePort.port - b.servicePort.port || cmp(a.endpoint.address, b.endpoint.address) || a.endpoint.endpointPort - b.endpoint.endpointPort;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}
