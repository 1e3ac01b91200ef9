// When the structural pass fails, the semantic pass still has findings worth reporting in the
// same run (a user fixing `wieght` should not discover `timeout: 1x` only afterwards). We strip
// the fields the schema rejected from a copy of the body, re-parse, and let the semantic rules
// run on what is left. Their findings anywhere in an object that lost a field are dropped: they
// would restate the structural error or follow from its removal (a redirect that lost its only
// field is not "empty"), while findings in every other object are real and reported.
import type { z } from 'zod';
import { formatPath, type PathSegment } from './diagnostics.js';

type Issue = z.core.$ZodIssue;

const MAX_ROUNDS = 4;

/** Paths (relative to the body) to delete so that the body may parse; undefined if not salvageable. */
function pathsToStrip(issues: readonly Issue[]): PathSegment[][] | undefined {
  const out: PathSegment[][] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push([...path, k]);
      continue;
    }
    // A missing required field cannot be stripped into validity, nor can an array element be
    // removed without shifting the indices of every later finding.
    if (issue.code === 'invalid_type' && issue.input === undefined) return undefined;
    if (path.length === 0 || typeof path[path.length - 1] === 'number') return undefined;
    out.push(path);
  }
  return out;
}

function deleteAt(root: unknown, path: readonly PathSegment[]): void {
  let node = root as Record<string | number, unknown> | undefined;
  for (const seg of path.slice(0, -1)) {
    node = node?.[seg] as Record<string | number, unknown> | undefined;
    if (node === null || typeof node !== 'object') return;
  }
  if (node && typeof node === 'object') delete node[path[path.length - 1]];
}

export interface Salvaged<S> {
  readonly data: S;
  /** Formatted paths (relative to the body) of the objects that lost a field. */
  readonly touched: readonly string[];
}

/** A structurally valid copy of `body` with the rejected fields removed, or undefined. */
export function salvage<S>(schema: z.ZodType<S>, body: unknown, firstIssues: readonly Issue[]): Salvaged<S> | undefined {
  const copy = structuredClone(body);
  const touched: string[] = [];
  let issues = firstIssues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const paths = pathsToStrip(issues);
    if (!paths) return undefined;
    for (const p of paths) {
      deleteAt(copy, p);
      touched.push(formatPath(p.slice(0, -1)));
    }
    const again = schema.safeParse(copy);
    if (again.success) return { data: again.data, touched };
    issues = again.error.issues;
  }
  return undefined;
}

/** True when `path` is `base` or lies under it (`spec.a` covers `spec.a.b` and `spec.a[0]`). */
export function isUnder(path: string, base: string): boolean {
  if (base === '') return true;
  if (!path.startsWith(base)) return false;
  const next = path.charAt(base.length);
  return next === '' || next === '.' || next === '[';
}
