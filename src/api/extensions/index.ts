// extensions.istio.io: WasmPlugin (v1alpha1) — typed spec and Istio's validation.
// The control plane imports the spec type.
import type { KindDefinition } from '../kind.js';
import { wasmPluginKind } from './wasm-plugin.js';

export * from './wasm-plugin.js';

export const extensionsKinds: readonly KindDefinition[] = [wasmPluginKind];
