// telemetry.istio.io: Telemetry (v1, v1alpha1).
import type { KindDefinition } from '../kind.js';

export const telemetryKinds: readonly KindDefinition[] = [];
