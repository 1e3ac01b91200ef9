// Turns zod issues into diagnostics worded the way Kubernetes' schema validation and Istio's
// strict decoding word them (`unknown field "foo"`, `Required value`, `Unsupported value`).
import type { z } from 'zod';
import type { Diagnostics, PathSegment } from './diagnostics.js';

type Issue = z.core.$ZodIssue;

function typeName(expected: string): string {
  if (expected === 'int' || expected === 'bigint') return 'integer';
  if (expected === 'record') return 'object';
  return expected;
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

/** Picks the union branch that failed least: its issues explain the mistake best. */
function bestBranch(errors: Issue[][]): Issue[] {
  let best = errors[0] ?? [];
  for (const e of errors) if (e.length < best.length) best = e;
  return best;
}

export function reportIssues(issues: readonly Issue[], d: Diagnostics, prefix: readonly PathSegment[] = []): void {
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) d.error(`unknown field "${key}"`, ...path, key);
        break;
      case 'invalid_type':
        if (issue.input === undefined) d.error('Required value', ...path);
        else d.error(`must be of type ${typeName(issue.expected)}, got ${describeInput(issue.input)}`, ...path);
        break;
      case 'invalid_value':
        // zod reports a missing required enum as an invalid value; Kubernetes calls it required.
        if (issue.input === undefined) d.error('Required value', ...path);
        else d.error(
          `Unsupported value: ${JSON.stringify(issue.input)}: supported values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
          ...path,
        );
        break;
      case 'too_small':
        if (issue.origin === 'array') d.error(`must have at least ${issue.minimum} items`, ...path);
        else if (issue.origin === 'string') d.error(`must be at least ${issue.minimum} characters long`, ...path);
        else d.error(`must be greater than${issue.inclusive ? ' or equal to' : ''} ${issue.minimum}`, ...path);
        break;
      case 'too_big':
        if (issue.origin === 'array') d.error(`must have at most ${issue.maximum} items`, ...path);
        else if (issue.origin === 'string') d.error(`may not be longer than ${issue.maximum} characters`, ...path);
        else d.error(`must be less than${issue.inclusive ? ' or equal to' : ''} ${issue.maximum}`, ...path);
        break;
      case 'invalid_union':
        if (issue.errors.length > 0) reportIssues(bestBranch(issue.errors as Issue[][]), d, path);
        else d.error(issue.message, ...path);
        break;
      case 'invalid_format':
        d.error(`must match the ${issue.format} format${issue.pattern ? ` ${issue.pattern}` : ''}`, ...path);
        break;
      default:
        d.error(issue.message, ...path);
    }
  }
}
