// Istio's API model: the Config<S> envelope, every served kind's typed schema and validation
// (structural + Istio's semantic rules), and the registry that parses raw objects into configs.
export * from './config.js';
export * from './diagnostics.js';
export * from './kind.js';
export * from './registry.js';
export * from './kinds.js';
export * from './schema-issues.js';
export * as networking from './networking/index.js';
export * as security from './security/index.js';
export * as telemetry from './telemetry/index.js';
export * as extensions from './extensions/index.js';
export * as kube from './kube/index.js';
export * as mesh from './mesh/index.js';
