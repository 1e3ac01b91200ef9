// The ServiceEntry registry fed from config snapshots: ServiceEntries, the WorkloadEntries they
// (and proxies) refer to, and the Pods their workloadSelector picks.
import type { Config } from '../../../api/config.js';
import type { ConfigSnapshot } from '../../../config/snapshot.js';
import type { ServiceInstance, WorkloadInstance } from '../../model/endpoint.js';
import { serviceKey, type Service } from '../../model/service.js';
import type { KubePodSpec, ServiceEntrySpec, WorkloadEntrySpec } from '../../model/specs.js';
import { IndexedRegistry } from '../indexed-registry.js';
import { POD, SERVICE_ENTRY, WORKLOAD_ENTRY, type ConversionContext } from '../kinds.js';
import { podWorkload } from '../kube/pod.js';
import { RegistryIndex } from '../registry-index.js';
import type { RegistryChange } from '../service-discovery.js';
import { convertServiceEntry, serviceEntryInstances } from './convert.js';
import { workloadEntryConfigInstance } from './workload-entry.js';

export class ServiceEntryRegistry extends IndexedRegistry {
  readonly provider = 'External' as const;

  constructor(private readonly ctx: ConversionContext) {
    super();
  }

  update(snapshot: ConfigSnapshot): RegistryChange | undefined {
    return this.replace(buildServiceEntryIndex(snapshot, this.ctx));
  }
}

export function buildServiceEntryIndex(snapshot: ConfigSnapshot, ctx: ConversionContext): RegistryIndex {
  const workloadEntries = (snapshot.list(WORKLOAD_ENTRY) as readonly Config<WorkloadEntrySpec>[]).map((c) => workloadEntryConfigInstance(c, ctx));
  const entries = snapshot.list(SERVICE_ENTRY) as readonly Config<ServiceEntrySpec>[];
  let selectable: WorkloadInstance[] = workloadEntries;
  // Pods matter here only when some ServiceEntry selects workloads.
  if (entries.some((e) => e.spec.workloadSelector)) {
    const pods = (snapshot.list(POD) as readonly Config<KubePodSpec>[]).map((p) => podWorkload(p, ctx)).filter((w): w is WorkloadInstance => w !== undefined);
    selectable = [...workloadEntries, ...pods];
  }
  const services: Service[] = [];
  const instances = new Map<string, ServiceInstance[]>();
  for (const cfg of entries) {
    const svcs = convertServiceEntry(cfg);
    services.push(...svcs);
    for (const inst of serviceEntryInstances(cfg, svcs, selectable, ctx)) {
      const key = serviceKey(inst.service);
      const list = instances.get(key);
      if (list) list.push(inst);
      else instances.set(key, [inst]);
    }
  }
  // Pods are the Kubernetes registry's workloads; this one answers for WorkloadEntries.
  return new RegistryIndex(services, instances, workloadEntries);
}
