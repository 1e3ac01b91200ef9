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
