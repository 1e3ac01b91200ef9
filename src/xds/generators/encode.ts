// Turns pilot's typed messages into the Generator contract: Any-encoded resources and a version
// derived from their bytes, so that a push whose output did not change for a proxy is not sent.
import { createHash } from 'node:crypto';
import { encodeAny, type MessageInput } from '../../xds-api/index.js';
import type { Generated, GeneratedResource } from '../generator.js';

export function encodeResources<U extends string>(typeUrl: U, items: ReadonlyArray<{ name: string; message: MessageInput<U> }>): Generated {
  const hash = createHash('sha256');
  const resources: GeneratedResource[] = [];
  for (const { name, message } of [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const resource = encodeAny(typeUrl, message);
    const h = createHash('sha256').update(resource.value).digest('base64url').slice(0, 16);
    hash.update(name).update('\0').update(h).update('\0');
    resources.push({ name, version: h, resource });
  }
  return { resources, version: hash.digest('hex').slice(0, 12) };
}
