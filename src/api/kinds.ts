// Every kind istio-ts reads, in one registry.
import { extensionsKinds } from './extensions/index.js';
import { kubeKinds } from './kube/index.js';
import { networkingKinds } from './networking/index.js';
import { KindRegistry } from './registry.js';
import { securityKinds } from './security/index.js';
import { telemetryKinds } from './telemetry/index.js';

export const ALL_KINDS = [...networkingKinds, ...securityKinds, ...telemetryKinds, ...extensionsKinds, ...kubeKinds];

let shared: KindRegistry | undefined;

/** The registry of every served kind (built once; registries are immutable after construction). */
export function defaultRegistry(): KindRegistry {
  shared ??= new KindRegistry(ALL_KINDS);
  return shared;
}
