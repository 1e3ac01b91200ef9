// Table-driven validation cases: each names the exact error and warning paths an object must
// produce (and, optionally, words the message must contain). Used by every kind's *.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { defaultRegistry } from './kinds.js';

/** `[path]` or `[path, words the message must contain]`. */
export type Expect = readonly [path: string, contains?: string];

export interface ValidationCase {
  readonly name: string;
  readonly yaml: string;
  readonly errors?: readonly Expect[];
  readonly warnings?: readonly Expect[];
}

function check(kind: 'error' | 'warning', got: readonly Diagnostic[], want: readonly Expect[] = []): void {
  const gotPaths = got.map((g) => g.path).sort();
  const wantPaths = want.map((w) => w[0]).sort();
  assert.deepEqual(gotPaths, wantPaths, `${kind} paths differ; got:\n${got.map((g) => `  ${g.path}: ${g.message}`).join('\n')}`);
  for (const [path, contains] of want) {
    if (contains === undefined) continue;
    const hit = got.find((g) => g.path === path && g.message.includes(contains));
    assert.ok(hit, `no ${kind} at ${path} containing ${JSON.stringify(contains)}; got: ${got.filter((g) => g.path === path).map((g) => g.message).join(' | ')}`);
  }
}

export function runValidationCases(suite: string, cases: readonly ValidationCase[]): void {
  for (const c of cases) {
    test(`${suite}: ${c.name}`, () => {
      const res = defaultRegistry().parse(parseYaml(c.yaml));
      check('error', res.diagnostics.errors, c.errors);
      check('warning', res.diagnostics.warnings, c.warnings);
      assert.equal(res.config !== undefined, (c.errors ?? []).length === 0, 'a config is produced exactly when there are no errors');
    });
  }
}
