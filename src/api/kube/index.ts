// Kubernetes kinds the service registry reads: Namespace, Service, Endpoints, EndpointSlice, Pod, Secret, ConfigMap.
import type { KindDefinition } from '../kind.js';

export const kubeKinds: readonly KindDefinition[] = [];
