// The Kubernetes registry fed from config snapshots: Service, EndpointSlice, Endpoints and Pod
// objects (from `--configDir` today; the live API source will feed the same conversions).
import type { Config } from '../../../api/config.js';
import type { ConfigSnapshot } from '../../../config/snapshot.js';
import type { ServiceInstance, WorkloadInstance } from '../../model/endpoint.js';
import { serviceKey, type Service } from '../../model/service.js';
import type { KubeEndpointSliceBody, KubeEndpointsBody, KubePodSpec, KubeServiceSpec, WorkloadEntrySpec } from '../../model/specs.js';
import { IndexedRegistry } from '../indexed-registry.js';
import { ENDPOINT_SLICE, ENDPOINTS, POD, SERVICE, WORKLOAD_ENTRY, type ConversionContext } from '../kinds.js';
import { RegistryIndex } from '../registry-index.js';
import type { RegistryChange } from '../service-discovery.js';
import { workloadEntryConfigInstance } from '../serviceentry/workload-entry.js';
import { convertKubeService } from './convert-service.js';
import { kubeServiceInstances, SERVICE_NAME_LABEL, type NamespaceWorkloads } from './endpoints.js';
import { podWorkload } from './pod.js';

export class KubeRegistry extends IndexedRegistry {
  readonly provider = 'Kubernetes' as const;

  constructor(private readonly ctx: ConversionContext) {
    super();
  }

  /** Rebuilds from a snapshot; listeners hear what changed. */
  update(snapshot: ConfigSnapshot): RegistryChange | undefined {
    return this.replace(buildKubeIndex(snapshot, this.ctx));
  }
}

export function buildKubeIndex(snapshot: ConfigSnapshot, ctx: ConversionContext): RegistryIndex {
  const workloads: WorkloadInstance[] = [];
  const byNamespace = new Map<string, { podsByName: Map<string, WorkloadInstance>; podsByIp: Map<string, WorkloadInstance>; workloadEntries: WorkloadInstance[] }>();
  const nsWorkloads = (ns: string) => {
    let w = byNamespace.get(ns);
    if (!w) byNamespace.set(ns, (w = { podsByName: new Map(), podsByIp: new Map(), workloadEntries: [] }));
    return w;
  };
  for (const cfg of snapshot.list(POD) as readonly Config<KubePodSpec>[]) {
    const w = podWorkload(cfg, ctx);
    if (!w) continue;
    workloads.push(w);
    const ns = nsWorkloads(w.namespace);
    ns.podsByName.set(w.name, w);
    ns.podsByIp.set(w.address, w);
  }
  for (const cfg of snapshot.list(WORKLOAD_ENTRY) as readonly Config<WorkloadEntrySpec>[]) {
    nsWorkloads(cfg.meta.namespace).workloadEntries.push(workloadEntryConfigInstance(cfg, ctx));
  }

  const slicesByService = new Map<string, Config<KubeEndpointSliceBody>[]>();
  for (const s of snapshot.list(ENDPOINT_SLICE) as readonly Config<KubeEndpointSliceBody>[]) {
    const owner = s.meta.labels[SERVICE_NAME_LABEL];
    if (!owner) continue;
    const key = `${s.meta.namespace}/${owner}`;
    const list = slicesByService.get(key);
    if (list) list.push(s);
    else slicesByService.set(key, [s]);
  }

  const services: Service[] = [];
  const instances = new Map<string, ServiceInstance[]>();
  const empty: NamespaceWorkloads = { podsByName: new Map(), podsByIp: new Map(), workloadEntries: [] };
  for (const cfg of snapshot.list(SERVICE) as readonly Config<KubeServiceSpec>[]) {
    const svc = convertKubeService(cfg, ctx);
    services.push(svc);
    const { namespace, name } = cfg.meta;
    const eps = snapshot.get(ENDPOINTS, namespace, name) as Config<KubeEndpointsBody> | undefined;
    instances.set(serviceKey(svc), kubeServiceInstances(svc, slicesByService.get(`${namespace}/${name}`) ?? [], eps, byNamespace.get(namespace) ?? empty));
  }
  return new RegistryIndex(services, instances, workloads);
}
