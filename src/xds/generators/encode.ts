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
  const hash = createHash('sha256');
  for (const r of resources) hash.update(r.name).update('\0').update(r.version ?? '').update('\0');
  return { resources, version: hash.digest('hex').slice(0, 12), ...(partial ? { partial } : {}) };
}

export function encodeResources<U extends string>(typeUrl: U, items: ReadonlyArray<{ name: string; message: MessageInput<U> }>): Generated {
  return assemble(items.map(({ name, message }) => encodeResource(typeUrl, name, message)));
}
