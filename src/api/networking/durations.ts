// Istio's ValidateDuration: at least 1ms and no finer than millisecond precision.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { checkDuration } from '../validation/common.js';

export function validateDuration(value: string | undefined, d: Diagnostics, path: PathSegment[]): number | undefined {
  return checkDuration(value, d, path, { msPrecision: true });
}
