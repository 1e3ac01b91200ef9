// telemetry.istio.io: Telemetry (v1, v1alpha1) — tracing, metrics and access-logging settings,
// with Istio's validation. The control plane imports the spec types.
import type { KindDefinition } from '../kind.js';
import { telemetryKind } from './telemetry.js';

export * from './cel.js';
export * from './telemetry.js';

export const telemetryKinds: readonly KindDefinition[] = [telemetryKind];
