// networking.istio.io: traffic management kinds (v1, v1beta1, v1alpha3).
import type { KindDefinition } from '../kind.js';
import { workloadEntryKind } from './workload-entry.js';

export * from './versions.js';
export * from './workload-entry.js';

export const networkingKinds: readonly KindDefinition[] = [workloadEntryKind];
