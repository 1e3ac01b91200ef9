// Encoding generated resources into Anys, with a per-resource version (a hash of its bytes, for
// delta xDS) and a response version over every name and resource version.
import { createHash } from 'node:crypto';
import { encodeAny, type MessageInput } from '../../xds-api/index.js';
import type { Generated, GeneratedResource } from '../generator.js';

export function encodeResource<U extends string>(typeUrl: U, name: string, message: MessageInput<U>): GeneratedResource {
  const resource = encodeAny(typeUrl, message);
  return { name, version: createHash('sha256').update(resource.value).digest('base64url').slice(0, 16), resource };
}

/** Sorts by name and computes the response version; `resources` is sorted in place. */
export function assemble(resources: GeneratedResource[], partial = false): Generated {
  resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // One update with the whole text: thousands of small update() calls each cross into C++.
  const parts: string[] = new Array(resources.length * 2);
  resources.forEach((r, i) => {
    parts[2 * i] = r.name;
    parts[2 * i + 1] = r.version ?? '';
  });
  const text = parts.length === 0 ? '' : `${parts.join('\0')}\0`;
  return { resources, version: createHash('sha256').update(text).digest('hex').slice(0, 12), ...(partial ? { partial } : {}) };
}

export function encodeResources<U extends string>(typeUrl: U, items: ReadonlyArray<{ name: string; message: MessageInput<U> }>): Generated {
  return assemble(items.map(({ name, message }) => encodeResource(typeUrl, name, message)));
}

/** A sorted, de-duplicated list shared by many responses, with the digest of its names and versions. */
export interface SharedPart {
  readonly resources: readonly GeneratedResource[];
  readonly names: ReadonlySet<string>;
  readonly digest: string;
}

/**
 * `resources` (first of a name wins) prepared for `assembleWith`: sorted once and hashed once, so
 * the proxies that share it (a class's outbound clusters) each sort and hash only their own few.
 */
export function sharedPart(resources: readonly GeneratedResource[]): SharedPart {
  const names = new Set<string>();
  const unique: GeneratedResource[] = [];
  for (const r of resources) {
    if (names.has(r.name)) continue;
    names.add(r.name);
    unique.push(r);
  }
  const { version } = assemble(unique);
  return { resources: unique, names, digest: version };
}

const byName = (a: GeneratedResource, b: GeneratedResource) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * `shared` plus `own` (names already in `shared` are dropped: the shared one wins), sorted by name,
 * versioned by `shared`'s digest and `own`'s names and versions. Costs O(own log own + shared) per
 * call and allocates no text proportional to `shared`.
 */
export function assembleWith(shared: SharedPart, own: readonly GeneratedResource[]): Generated {
  const mine: GeneratedResource[] = [];
  const seen = new Set<string>();
  for (const r of own) {
    if (shared.names.has(r.name) || seen.has(r.name)) continue;
    seen.add(r.name);
    mine.push(r);
  }
  mine.sort(byName);
  const rs = shared.resources;
  const resources: GeneratedResource[] = new Array(rs.length + mine.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < rs.length || j < mine.length) {
    resources[k++] = j >= mine.length || (i < rs.length && rs[i].name < mine[j].name) ? rs[i++] : mine[j++];
  }
  const ownVersion = assemble(mine).version;
  return { resources, version: createHash('sha256').update(`${shared.digest}\0${ownVersion}`).digest('hex').slice(0, 12) };
}
