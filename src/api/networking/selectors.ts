// networking.istio.io's own WorkloadSelector (`labels`, used by Sidecar and EnvoyFilter); the
// `matchLabels` form (istio.type.v1beta1) lives in ../validation/policy-target.ts.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import type { z } from '../schema.js';
import { message, stringMap } from '../schema.js';

export const networkingWorkloadSelector = message({ labels: stringMap.optional() });
export type NetworkingWorkloadSelector = z.infer<typeof networkingWorkloadSelector>;

/** Returns whether the selector names no labels (callers word their own warning). */
export function checkNetworkingSelector(sel: NetworkingWorkloadSelector | undefined, d: Diagnostics, path: PathSegment[]): boolean {
  if (!sel) return false;
  const labels = sel.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') d.error(`empty key is not supported in selector: "${k}=${v}"`, ...path, 'labels', k);
    if (k.includes('*') || v.includes('*')) d.error(`wildcard is not supported in selector: "${k}=${v}"`, ...path, 'labels', k);
  }
  return Object.keys(labels).length === 0;
}
