// Envoy's StringMatcher compiled to one closure per config version. `safeRegex` runs in RE2 and
// must match the whole input; `ignoreCase` applies to every form except the regex.
import { fullMatchRe2 } from '../../shared/index.js';
import type { StringMatcher } from '../config/types.js';

export type StringPredicate = (value: string) => boolean;

export function compileStringMatcher(m: StringMatcher): StringPredicate {
  const ic = m.ignoreCase === true;
  const norm = (s: string): string => (ic ? s.toLowerCase() : s);
  if (m.exact !== undefined) {
    const want = norm(m.exact);
    return ic ? (v) => v.toLowerCase() === want : (v) => v === want;
  }
  if (m.prefix !== undefined) {
    const want = norm(m.prefix);
    return ic ? (v) => v.toLowerCase().startsWith(want) : (v) => v.startsWith(want);
  }
  if (m.suffix !== undefined) {
    const want = norm(m.suffix);
    return ic ? (v) => v.toLowerCase().endsWith(want) : (v) => v.endsWith(want);
  }
  if (m.contains !== undefined) {
    const want = norm(m.contains);
    return ic ? (v) => v.toLowerCase().includes(want) : (v) => v.includes(want);
  }
  if (m.safeRegex !== undefined) {
    const re = fullMatchRe2(m.safeRegex.regex);
    return (v) => re.test(v);
  }
  throw new Error('string matcher names none of exact, prefix, suffix, contains, safeRegex');
}
