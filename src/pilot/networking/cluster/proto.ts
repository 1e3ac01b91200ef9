// Small builders for the protobuf well-known shapes clusters use (input form, snake_case).
import { toProtoDuration } from '../../../shared/index.js';

export type ProtoDuration = { seconds: number; nanos?: number };

/** Milliseconds → google.protobuf.Duration (nanos left out when zero, as a proto3 encoder would). */
export function duration(ms: number): ProtoDuration {
  const d = toProtoDuration(ms);
  return d.nanos === 0 ? { seconds: d.seconds } : d;
}

/** Istio's "disable cleanup" duration: the largest seconds value a Go Duration can hold. */
export const MAX_DURATION: ProtoDuration = { seconds: 9223372035 };

export const MAX_UINT32 = 4294967295;

export function u32(value: number): { value: number } {
  return { value };
}
