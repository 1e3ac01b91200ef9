// Semantic checks shared by many kinds: durations, regexes, selectors, exportTo, labels.
import { parseDuration, re2SyntaxError } from '../../shared/index.js';
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { dns1123LabelError, labelValueError, qualifiedNameError } from './names.js';

/** Checks a duration string; `minMs` is Istio's lower bound for the field (often 1 ms). */
export function checkDuration(
  value: string | undefined,
  d: Diagnostics,
  path: PathSegment[],
  opts: { minMs?: number; allowZero?: boolean; msPrecision?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    d.error(`invalid duration "${value}"`, ...path);
    return undefined;
  }
  if (ms < 0) {
    d.error('duration must be non-negative', ...path);
    return ms;
  }
  if (ms === 0 && opts.allowZero) return ms;
  const min = opts.minMs ?? 1;
  if (ms < min) d.error(`duration must be greater than ${min === 1 ? '1ms' : `${min}ms`}`, ...path);
  else if (opts.msPrecision && !Number.isInteger(Math.round(ms * 1e6) / 1e6)) {
    // Envoy's timeouts are milliseconds; Istio rejects what it would silently round.
    d.error('only durations to ms precision are supported', ...path);
  }
  return ms;
}

export function checkRegex(value: string | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (value === undefined) return;
  const err = re2SyntaxError(value);
  if (err) d.error(`"${value}" is not a valid regex: ${err}`, ...path);
}

/** Label map as used by workloadSelector.matchLabels / selector.matchLabels. */
export function checkLabels(labels: Readonly<Record<string, string>> | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!labels) return;
  for (const [k, v] of Object.entries(labels)) {
    const ke = qualifiedNameError(k);
    if (ke) d.error(`invalid label key "${k}": ${ke}`, ...path, k);
    if (v.includes('*')) d.error(`wildcard is not supported in selector value "${v}"`, ...path, k);
    else {
      const ve = labelValueError(v);
      if (ve) d.error(`invalid label value "${v}": ${ve}`, ...path, k);
    }
  }
}

/** `exportTo`: `.`, `*`, `~` or namespace names; `*`/`~` may not be combined with others. */
export function checkExportTo(values: readonly string[] | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!values) return;
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) d.error(`duplicate entry in exportTo: ${v}`, ...path, i);
    seen.add(v);
    if (v === '.' || v === '*' || v === '~') return;
    const e = dns1123LabelError(v);
    if (e) d.error(`only .,*, or a valid DNS 1123 label is allowed as exportTo entry: ${e}`, ...path, i);
  });
  if (values.length > 1 && (seen.has('*') || seen.has('~'))) {
    d.error('cannot have both public (*) or none (~) and non-public exportTo values for a resource', ...path);
  }
}
