// A kind definition: what the registry needs to parse, type and validate one Istio or Kubernetes
// kind in every served version. Each API group exports a list of these.
import type { z } from 'zod';
import type { ConfigMeta } from './config.js';
import type { Diagnostics } from './diagnostics.js';

export interface ValidationContext {
  readonly meta: ConfigMeta;
  /** The apiVersion's version part the object was written in, e.g. `v1beta1`. */
  readonly version: string;
  /** Diagnostics rooted at the object itself, for rules about metadata (e.g. Gateway names). */
  readonly root: Diagnostics;
}

export interface KindDefinition<S = any> {
  readonly group: string;
  readonly kind: string;
  /** Lower-case plural, as in the CRD (`virtualservices`). */
  readonly plural: string;
  /** Served versions, newest stable first. */
  readonly versions: readonly string[];
  readonly clusterScoped?: boolean;
  /**
   * `spec`: the body is `obj.spec` (Istio kinds, Service, Pod).
   * `root`: the body is the object without apiVersion/kind/metadata/status (ConfigMap, Endpoints).
   */
  readonly body: 'spec' | 'root';
  /** Structural schema: types, enums, required fields; unknown fields rejected. */
  readonly schema: z.ZodType<S>;
  /**
   * Semantic rules (Istio's Go validation), run only on a structurally valid body. `d` is rooted
   * at `spec` for body `spec` and at the object root for body `root`.
   */
  readonly validate?: (body: S, d: Diagnostics, ctx: ValidationContext) => void;
}

export function defineKind<S>(def: KindDefinition<S>): KindDefinition<S> {
  return def;
}
