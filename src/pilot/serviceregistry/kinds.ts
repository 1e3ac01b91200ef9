// The config kinds the registry reads, by group and kind (version-independent, as the snapshot
// indexes them), and what every source conversion needs to know about the mesh.
import type { ResolvedMesh } from '../model/mesh.js';

export const SERVICE = { group: '', kind: 'Service' } as const;
export const ENDPOINTS = { group: '', kind: 'Endpoints' } as const;
export const ENDPOINT_SLICE = { group: 'discovery.k8s.io', kind: 'EndpointSlice' } as const;
export const POD = { group: '', kind: 'Pod' } as const;
export const SERVICE_ENTRY = { group: 'networking.istio.io', kind: 'ServiceEntry' } as const;
export const WORKLOAD_ENTRY = { group: 'networking.istio.io', kind: 'WorkloadEntry' } as const;

export interface ConversionContext {
  readonly mesh: ResolvedMesh;
  /** Istio's default cluster ID for the primary cluster. */
  readonly clusterId: string;
}

export const DEFAULT_CLUSTER_ID = 'Kubernetes';
