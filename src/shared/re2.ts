// User-supplied regular expressions run in RE2 (linear time, RE2 syntax), as in Envoy and Istio;
// never in a backtracking JS RegExp. Envoy's safe_regex matches the whole input.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// re2 is a CommonJS native addon.
const RE2 = require('re2') as new (pattern: string, flags?: string) => Re2;

export interface Re2 {
  test(input: string): boolean;
  exec(input: string): RegExpExecArray | null;
  replace(input: string, replacement: string): string;
  readonly source: string;
}

/** Compiles `pattern` in RE2; returns the error text instead of throwing. */
export function compileRe2(pattern: string, flags = 'u'): { re: Re2 } | { error: string } {
  try {
    return { re: new RE2(pattern, flags) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The RE2 syntax error of `pattern`, or undefined when it compiles. */
export function re2SyntaxError(pattern: string): string | undefined {
  const r = compileRe2(pattern);
  return 'error' in r ? r.error : undefined;
}

/** A matcher with Envoy's safe_regex semantics: the whole string must match. */
export function fullMatchRe2(pattern: string): Re2 {
  const r = compileRe2(`^(?:${pattern})$`);
  if ('error' in r) throw new Error(`invalid regex ${JSON.stringify(pattern)}: ${r.error}`);
  return r.re;
}
