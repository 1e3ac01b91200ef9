// MeshConfig: mesh-wide settings (from --meshConfig FILE or the `istio` ConfigMap's `mesh` key),
// with Istio's defaults, its merge rules and its validation.
export * from './defaults.js';
export * from './extension-providers.js';
export * from './mesh-config.js';
export * from './parse.js';
export * from './proxy-config.js';
