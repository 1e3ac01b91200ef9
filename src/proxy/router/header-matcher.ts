// Route header and query-parameter matchers with Envoy's semantics: several values of one header
// are joined with "," before matching; `presentMatch` tests presence; `invertMatch` flips the
// result (including for an absent header, unless `treatMissingHeaderAsEmpty` supplies "").
import type { HeaderMatcher, QueryParameterMatcher } from '../config/types.js';
import { compileStringMatcher } from './string-matcher.js';
import type { RequestHeaders } from '../http1/headers.js';

export type HeaderPredicate = (headers: RequestHeaders) => boolean;

export function compileHeaderMatcher(m: HeaderMatcher): HeaderPredicate {
  const name = m.name.toLowerCase();
  const invert = m.invertMatch === true;
  const missingAsEmpty = m.treatMissingHeaderAsEmpty === true;
  let test: (value: string | undefined) => boolean;
  if (m.stringMatch !== undefined) {
    const p = compileStringMatcher(m.stringMatch);
    test = (v) => {
      if (v === undefined) v = missingAsEmpty ? '' : undefined;
      return v !== undefined && p(v);
    };
  } else if (m.presentMatch !== undefined) {
    const want = m.presentMatch;
    test = (v) => (v !== undefined) === want;
  } else {
    // No matcher: Envoy treats it as a presence check.
    test = (v) => v !== undefined;
  }
  return (headers) => test(headers.getJoined(name)) !== invert;
}

export type QueryPredicate = (query: ReadonlyMap<string, string>) => boolean;

export function compileQueryMatcher(m: QueryParameterMatcher): QueryPredicate {
  const name = m.name;
  if (m.stringMatch !== undefined) {
    const p = compileStringMatcher(m.stringMatch);
    return (q) => {
      const v = q.get(name);
      return v !== undefined && p(v);
    };
  }
  if (m.presentMatch === true) return (q) => q.has(name);
  return (q) => q.has(name);
}

/** The query string's parameters, first value wins as in Envoy; values are not URL-decoded. */
export function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    if (!out.has(k)) out.set(k, eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}
