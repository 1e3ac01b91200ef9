// A shallow check of CEL filter expressions (access-log filters). Istio compiles them with the CEL
// parser; here we catch what makes any CEL parser fail: emptiness, unbalanced brackets and
// unterminated strings. Type errors (an unknown attribute) are only found by Envoy.
import type { Diagnostics, PathSegment } from '../diagnostics.js';

const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/** Reason `expr` cannot parse as CEL, as far as a lexical scan can tell; undefined when it may. */
export function celSyntaxError(expr: string): string | undefined {
  if (expr.trim() === '') return 'expression must not be empty';
  const stack: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) return `unterminated string literal at offset ${i}`;
      i = j;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push(c);
    } else if (c in CLOSERS) {
      if (stack.pop() !== CLOSERS[c]) return `unbalanced '${c}' at offset ${i}`;
    }
  }
  if (stack.length > 0) return `unclosed '${stack[stack.length - 1]}'`;
  if (/(&&|\|\||==|!=|<=|>=|[<>+\-*/%])\s*$/.test(expr)) return 'expression ends with an operator';
  return undefined;
}

export function checkCelExpression(expr: string, d: Diagnostics, path: PathSegment[]): void {
  const e = celSyntaxError(expr);
  if (e) d.error(`invalid CEL expression "${expr}": ${e}`, ...path);
}
