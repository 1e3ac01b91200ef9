// Header manipulation (Headers / HeaderOperations) and header-name rules shared by routes,
// CORS and probes.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { message, stringMap, z } from '../schema.js';

export const headerOperations = message({
  set: stringMap.optional(),
  add: stringMap.optional(),
  remove: z.array(z.string()).optional(),
});
export type HeaderOperations = z.infer<typeof headerOperations>;

export const headers = message({
  request: headerOperations.optional(),
  response: headerOperations.optional(),
});
export type Headers = z.infer<typeof headers>;

// RFC 7230 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function headerNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (!TOKEN.test(name)) return `header name "${name}" is not a valid HTTP header name`;
  return undefined;
}

export function isAuthorityHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === ':authority' || n === 'host';
}

/** Pseudo-headers and Host are owned by the proxy; only the authority may be rewritten. */
function operationNameError(name: string, allowAuthority: boolean): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (allowAuthority && isAuthorityHeader(name)) return undefined;
  if (name.startsWith(':') || name.toLowerCase() === 'host') return `invalid header "${name}": pseudo-headers and host cannot be modified`;
  return headerNameError(name);
}

function headerValueError(value: string): string | undefined {
  if (/[\r\n\0]/.test(value)) return 'header value must not contain CR, LF or NUL';
  return undefined;
}

function validateOperations(ops: HeaderOperations | undefined, d: Diagnostics, path: PathSegment[], allowAuthority: boolean): void {
  if (!ops) return;
  for (const field of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(ops[field] ?? {})) {
      const e = operationNameError(name, allowAuthority);
      if (e) d.error(e, ...path, field, name);
      const ve = headerValueError(value);
      if (ve) d.error(ve, ...path, field, name);
    }
  }
  ops.remove?.forEach((name, i) => {
    const e = operationNameError(name, false);
    if (e) d.error(e, ...path, 'remove', i);
  });
}

/** `path` names the Headers message; request set/add may rewrite the authority. */
export function validateHeaders(h: Headers | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!h) return;
  validateOperations(h.request, d, [...path, 'request'], true);
  validateOperations(h.response, d, [...path, 'response'], false);
}
