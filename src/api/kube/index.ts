// Kubernetes kinds the service registry reads: Namespace, Service, Endpoints, EndpointSlice, Pod,
// Secret, ConfigMap. What the mesh interprets is typed and checked as the API server checks it;
// the rest of each kind's real field set is accepted without interpretation.
import type { KindDefinition } from '../kind.js';
import { configMapKind } from './config-map.js';
import { endpointSliceKind } from './endpoint-slice.js';
import { endpointsKind } from './endpoints.js';
import { namespaceKind } from './namespace.js';
import { podKind } from './pod.js';
import { secretKind } from './secret.js';
import { serviceKind } from './service.js';

export * from './common.js';
export * from './config-map.js';
export * from './endpoint-slice.js';
export * from './endpoints.js';
export * from './namespace.js';
export * from './pod.js';
export * from './secret.js';
export * from './service.js';

export const kubeKinds: readonly KindDefinition[] = [
  namespaceKind, serviceKind, endpointsKind, endpointSliceKind, podKind, secretKind, configMapKind,
];
