// extensions.istio.io: WasmPlugin (v1alpha1).
import type { KindDefinition } from '../kind.js';

export const extensionsKinds: readonly KindDefinition[] = [];
