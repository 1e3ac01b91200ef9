// networking.istio.io: traffic management kinds (v1, v1beta1, v1alpha3) — typed specs, Istio's
// structural and semantic validation, and the shared sub-messages (Destination, StringMatch,
// TLS settings, Port, headers) the control plane translates from.
import type { KindDefinition } from '../kind.js';
import { virtualServiceKind } from './virtual-service.js';
import { workloadEntryKind } from './workload-entry.js';

export * from './versions.js';
export * from './workload-entry.js';
export * from './virtual-service.js';
export * from './destination.js';
export * from './string-match.js';
export * from './headers.js';
export * from './port.js';
export * from './tls-settings.js';
export * from './host-match.js';

export const networkingKinds: readonly KindDefinition[] = [workloadEntryKind, virtualServiceKind];
