// What a delta response carries for one watch: the resources whose version differs from what the
// proxy holds, the held names that are gone, and what the proxy holds afterwards (a shared map
// when that is exactly the generated set; see shared-versions.ts).
import { createHash } from 'node:crypto';
import type { Any__Output } from '../xds-api/index.js';
import type { Generated } from './generator.js';
import type { SharedVersions } from './shared-versions.js';

export interface DeltaChange {
  readonly name: string;
  readonly version: string;
  readonly resource: Any__Output;
}

export interface DeltaDiff {
  changed: DeltaChange[];
  removed: string[];
  /** What the proxy holds once the response is applied. */
  holds: ReadonlyMap<string, string>;
  /** `holds` is a shared map: copy it before changing it. */
  shared: boolean;
}

const EMPTY: ReadonlyMap<string, string> = new Map();

/**
 * `have`: what the proxy holds; `subscribed(name)`: whether a held name is still watched (held
 * names the proxy no longer watches are neither removed nor kept in a shared map). `forced` sends
 * every resource again.
 */
export function deltaDiff(
  typeUrl: string, out: Generated, have: ReadonlyMap<string, string> | undefined, subscribed: (name: string) => boolean,
  forced: boolean, shared: SharedVersions,
): DeltaDiff {
  const held = have ?? EMPTY;
  const versions = out.resources.map((r) => r.version ?? createHash('sha256').update(r.resource.value).digest('base64url').slice(0, 16));
  const changed: DeltaChange[] = [];
  out.resources.forEach((r, i) => {
    if (forced || held.get(r.name) !== versions[i]) changed.push({ name: r.name, version: versions[i], resource: r.resource });
  });
  if (out.partial) {
    // Incremental EDS names only what the push changed; everything else stays as held.
    if (changed.length === 0) return { changed, removed: [], holds: held, shared: false };
    const next = new Map(held);
    for (const c of changed) next.set(c.name, c.version);
    return { changed, removed: [], holds: next, shared: false };
  }
  const target = shared.of(typeUrl, out.version, out.resources, versions);
  const removed: string[] = [];
  const kept: string[] = [];
  for (const n of held.keys()) {
    if (target.has(n)) continue;
    if (subscribed(n)) removed.push(n);
    else kept.push(n);
  }
  if (kept.length === 0) return { changed, removed, holds: target, shared: true };
  const next = new Map(target);
  for (const n of kept) next.set(n, held.get(n)!);
  return { changed, removed, holds: next, shared: false };
}
