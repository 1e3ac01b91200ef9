// MeshConfig: mesh-wide settings (from --meshConfig FILE or the `istio` ConfigMap's `mesh` key),
// with Istio's defaults.
export {};
