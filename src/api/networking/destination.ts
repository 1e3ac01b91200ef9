// Destination (host, subset, port) and PortSelector: where VirtualService routes, mirrors and the
// Sidecar's egress proxy send traffic.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { message, uint32, z } from '../schema.js';
import { isIstioDnsLabel, wildcardDomainError } from '../validation/names.js';
import { portError } from '../validation/net.js';

export const portSelector = message({ number: uint32.optional() });
export type PortSelector = z.infer<typeof portSelector>;

export const destination = message({
  host: z.string(),
  subset: z.string().optional(),
  port: portSelector.optional(),
});
export type Destination = z.infer<typeof destination>;

export function subsetNameError(name: string): string | undefined {
  if (name === '') return 'subset name cannot be empty';
  if (!isIstioDnsLabel(name)) return `subset name is invalid: ${name}`;
  return undefined;
}

export function validatePortSelector(p: PortSelector | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (p?.number === undefined) return;
  const e = portError(p.number);
  if (e) d.error(e, ...path, 'number');
}

/** `path` names the Destination itself. */
export function validateDestination(dest: Destination | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!dest) return;
  if (dest.host === '*') {
    d.error(`invalid destination host ${dest.host}`, ...path, 'host');
  } else {
    const e = wildcardDomainError(dest.host);
    if (e) d.error(e, ...path, 'host');
  }
  if (dest.subset !== undefined) {
    const e = subsetNameError(dest.subset);
    if (e) d.error(e, ...path, 'subset');
  }
  validatePortSelector(dest.port, d, [...path, 'port']);
}
