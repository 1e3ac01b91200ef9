// StringMatch (exact | prefix | regex), used by HTTP match conditions and CORS origins.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { message, z } from '../schema.js';
import { checkRegex } from '../validation/common.js';

export const stringMatch = message({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
export type StringMatch = z.infer<typeof stringMatch>;

/** Which of the oneof fields are set (protobuf-JSON decoding rejects more than one). */
export function stringMatchKinds(m: StringMatch): Array<'exact' | 'prefix' | 'regex'> {
  return (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
}

export function isRegexMatch(m: StringMatch | undefined): boolean {
  return m?.regex !== undefined;
}

/** The oneof rule and RE2 syntax; `path` names the StringMatch itself. */
export function validateStringMatch(m: StringMatch | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!m) return;
  const kinds = stringMatchKinds(m);
  if (kinds.length > 1) d.error(`only one of exact, prefix or regex may be set (got ${kinds.join(', ')})`, ...path);
  checkRegex(m.regex, d, [...path, 'regex']);
}
