// What a delta response carries for one watch: the resources whose version differs from what the
// proxy holds, the held names that are gone, and what the proxy holds afterwards (a shared map
// when that is exactly the generated set; see shared-versions.ts).
import { createHash } from 'node:crypto';
import type { Any__Output } from '../xds-api/index.js';
import type { Generated } from './generator.js';
import { OverlayMap, type SharedVersions } from './shared-versions.js';

export interface DeltaChange {
  readonly name: string;
  readonly version: string;
  readonly resource: Any__Output;
}

export interface DeltaDiff {
  changed: DeltaChange[];
  removed: string[];
  /** What the proxy holds once the response is applied (never changed in place: often shared). */
  holds: ReadonlyMap<string, string>;
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
    if (changed.length === 0) return { changed, removed: [], holds: held };
    return { changed, removed: [], holds: OverlayMap.with(held, changed.map((c) => [c.name, c.version] as const)) };
  }
  const target = shared.of(typeUrl, out.version, out.resources, versions);
  const removed: string[] = [];
  const kept: string[] = [];
  for (const n of held.keys()) {
    if (target.has(n)) continue;
    if (subscribed(n)) removed.push(n);
    else kept.push(n);
  }
  if (kept.length === 0) return { changed, removed, holds: target };
  return { changed, removed, holds: OverlayMap.with(target, kept.map((n) => [n, held.get(n)!] as const)) };
}
