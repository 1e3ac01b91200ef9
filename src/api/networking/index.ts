// networking.istio.io: traffic management kinds (v1, v1beta1, v1alpha3) — typed specs, Istio's
// structural and semantic validation, and the shared sub-messages (Destination, StringMatch,
// TLS settings, Port, headers, TrafficPolicy) the control plane translates from.
import type { KindDefinition } from '../kind.js';
import { destinationRuleKind } from './destination-rule.js';
import { envoyFilterKind } from './envoy-filter.js';
import { gatewayKind } from './gateway.js';
import { proxyConfigKind } from './proxy-config.js';
import { serviceEntryKind } from './service-entry.js';
import { sidecarKind } from './sidecar.js';
import { virtualServiceKind } from './virtual-service.js';
import { workloadEntryKind } from './workload-entry.js';
import { workloadGroupKind } from './workload-group.js';

export * from './versions.js';
export * from './workload-entry.js';
export * from './workload-group.js';
export * from './virtual-service.js';
export * from './destination-rule.js';
export * from './gateway.js';
export * from './service-entry.js';
export * from './sidecar.js';
export * from './envoy-filter.js';
export * from './proxy-config.js';
export * from './destination.js';
export * from './string-match.js';
export * from './headers.js';
export * from './port.js';
export * from './tls-settings.js';
export * from './selectors.js';
export * from './host-match.js';

export const networkingKinds: readonly KindDefinition[] = [
  virtualServiceKind,
  destinationRuleKind,
  gatewayKind,
  serviceEntryKind,
  sidecarKind,
  workloadEntryKind,
  workloadGroupKind,
  envoyFilterKind,
  proxyConfigKind,
];
