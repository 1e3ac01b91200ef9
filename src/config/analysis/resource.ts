// What an analyzer sees: a config plus a way to turn a field path into the line a user must edit.
import type { Config } from '../../api/config.js';

export interface AnalysisResource<S = unknown> {
  readonly config: Config<S>;
  /** Line of `path` (`spec.http[0].route[1].destination.host`) in the source file, when known. */
  readonly lineOf?: (path: string) => number;
}

/** `VirtualService default/reviews` (namespaced) or `Namespace bookinfo` — istioctl's origin name. */
export function friendlyName(r: AnalysisResource): string {
  const m = r.config.meta;
  return m.namespace ? `${m.gvk.kind} ${m.namespace}/${m.name}` : `${m.gvk.kind} ${m.name}`;
}

/** `default/reviews`, Istio's FullName form used inside message text. */
export function fullName(r: AnalysisResource): string {
  const m = r.config.meta;
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}
