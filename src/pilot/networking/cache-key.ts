// What a generated xDS resource depends on, so that istiod can translate and encode it once per
// push for every proxy that would get the same bytes (Istio's XdsCache keys). Translation owns the
// keys because only it knows which inputs it reads; the cache (src/xds) owns storage and
// invalidation. A key must name every input that can differ between two proxies in one push;
// `deps` name the configs whose change invalidates the entry across pushes.
import type { Labels } from '../model/labels.js';
import type { Service } from '../model/service.js';

/** One resource (or a small group built together) with the identity of its inputs. */
export interface CacheableUnit<T> {
  /** The exact inputs within one push; undefined: never shared (built for this proxy alone). */
  readonly key: string | undefined;
  /** Config keys (`serviceConfigKey`, `configKey`) or ANY_CONFIG whose change invalidates the entry. */
  readonly deps: readonly string[];
  build(): T;
}

/**
 * The dependency of an entry that reads config beyond what its deps list: dropped on every full
 * push, kept over endpoint-only pushes (it must not read endpoints).
 */
export const ANY_CONFIG = '*';

/**
 * The key a service's change travels under in a PushRequest's configsUpdated (Istio's
 * `ServiceEntry/<namespace>/<hostname>`, for Kubernetes Services too): its definition or endpoints.
 */
export function serviceConfigKey(service: Pick<Service, 'namespace' | 'hostname'>): string {
  return `ServiceEntry/${service.namespace}/${service.hostname}`;
}

/** Labels in a canonical order, for keys. */
export function labelsKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

const sourceLabelled = new WeakMap<object, boolean>();

/** Whether any of these VirtualServices matches on sourceLabels (so the client's labels shape the output). */
export function anySourceLabels(vss: readonly { readonly spec: unknown }[]): boolean {
  return vss.some((vs) => {
    let v = sourceLabelled.get(vs);
    if (v === undefined) sourceLabelled.set(vs, (v = JSON.stringify(vs.spec).includes('"sourceLabels"')));
    return v;
  });
}
