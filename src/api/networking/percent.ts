// Percentages: the Percent message ({value: double}) and the deprecated integer percent fields.
import type { Diagnostics, PathSegment } from '../diagnostics.js';

/** Envoy's fractional percent has a granularity of 0.0001; anything finer would round to 0. */
export function validatePercentage(p: { value: number } | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!p) return;
  const v = p.value;
  if (v < 0 || v > 100 || (v > 0 && v < 0.0001)) {
    d.error(`percentage ${v} is neither 0.0, nor in range [0.0001, 100.0]`, ...path);
  }
}

export function validateIntPercent(v: number | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (v === undefined) return;
  if (v < 0 || v > 100) d.error(`percentage ${v} is not in range 0..100`, ...path);
}
