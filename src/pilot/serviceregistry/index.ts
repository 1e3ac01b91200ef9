// The service registry: the source-agnostic ServiceDiscovery interface, the Kubernetes-kind and
// ServiceEntry sources fed from config snapshots, and the aggregate that merges sources.
export * from './service-discovery.js';
export * from './registry-index.js';
export * from './indexed-registry.js';
export * from './kinds.js';
export * from './aggregate.js';
export * from './snapshot-registry.js';
export { KubeRegistry, buildKubeIndex } from './kube/kube-registry.js';
export { convertKubeService } from './kube/convert-service.js';
export { podWorkload, podWorkloadName } from './kube/pod.js';
export { ServiceEntryRegistry, buildServiceEntryIndex } from './serviceentry/service-entry-registry.js';
export { convertServiceEntry, serviceEntryInstances } from './serviceentry/convert.js';
export { workloadEntryInstance } from './serviceentry/workload-entry.js';
