// exportTo as Istio reads it: `*` everywhere, `.` (or the object's own namespace) only there, `~`
// nowhere, otherwise the listed namespaces. An empty list means MeshConfig's default.
export const PUBLIC = '*';
export const PRIVATE = '.';
export const NONE = '~';

/** Where an object is visible, normalised: `public`, `none`, or a set of namespaces. */
export type Visibility =
  | { readonly kind: 'public' }
  | { readonly kind: 'none' }
  | { readonly kind: 'namespaces'; readonly namespaces: ReadonlySet<string> };

/**
 * `*` anywhere wins; else `~` hides the object; else `.` becomes the owning namespace.
 * `defaults` applies when `exportTo` is absent or empty; there `.` wins over `*`.
 */
export function resolveVisibility(exportTo: readonly string[] | undefined, owner: string, defaults: readonly string[]): Visibility {
  if (!exportTo || exportTo.length === 0) {
    if (defaults.includes(PRIVATE)) return { kind: 'namespaces', namespaces: new Set([owner]) };
    if (defaults.includes(PUBLIC)) return { kind: 'public' };
    return { kind: 'namespaces', namespaces: new Set(defaults.filter((d) => d !== NONE)) };
  }
  if (exportTo.includes(PUBLIC)) return { kind: 'public' };
  if (exportTo.includes(NONE)) return { kind: 'none' };
  return { kind: 'namespaces', namespaces: new Set(exportTo.map((e) => (e === PRIVATE ? owner : e))) };
}

export function visibleTo(v: Visibility, namespace: string): boolean {
  return v.kind === 'public' || (v.kind === 'namespaces' && v.namespaces.has(namespace));
}
