// Inputs of cluster translation beyond (proxy, push): the mesh config istiod runs with.
import type { MeshConfig } from '../../../api/mesh/index.js';

export interface ClusterOptions {
  /** MeshConfig (merged over Istio's defaults); Istio's defaults when absent. */
  readonly mesh?: MeshConfig;
}
