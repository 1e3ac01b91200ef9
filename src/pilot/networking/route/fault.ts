// HTTPFaultInjection → the per-route config of `envoy.filters.http.fault`: fixed delays and
// HTTP or gRPC aborts, each with its percentage (Istio's Percent in millionths; the deprecated
// integer `percent` in hundredths). Exponential delays are not supported by Istio either.
import type { HTTPFaultInjection } from '../../../api/networking/virtual-service-schema.js';
import { intToFraction, percentToFraction, protoDuration, type FractionalPercent, type ProtoDuration } from './convert.js';

/** gRPC status names as Istio accepts them in `abort.grpcStatus`. */
export const GRPC_STATUS: Readonly<Record<string, number>> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

export interface HttpFaultInput {
  delay?: { fixed_delay: ProtoDuration; percentage: FractionalPercent };
  abort?: { http_status?: number; grpc_status?: number; percentage?: FractionalPercent };
}

/** undefined when neither a usable delay nor a usable abort remains. */
export function translateFault(f: HTTPFaultInjection | undefined): HttpFaultInput | undefined {
  if (!f) return undefined;
  const out: HttpFaultInput = {};
  if (f.delay) {
    const fixed = protoDuration(f.delay.fixedDelay);
    const percentage = f.delay.percentage ? percentToFraction(f.delay.percentage.value) : intToFraction(f.delay.percent ?? 0);
    if (fixed) out.delay = { fixed_delay: fixed, percentage };
  }
  if (f.abort) {
    const percentage = f.abort.percentage ? percentToFraction(f.abort.percentage.value) : undefined;
    if (f.abort.httpStatus !== undefined) out.abort = { http_status: f.abort.httpStatus, ...(percentage ? { percentage } : {}) };
    else if (f.abort.grpcStatus !== undefined && GRPC_STATUS[f.abort.grpcStatus] !== undefined) {
      out.abort = { grpc_status: GRPC_STATUS[f.abort.grpcStatus], ...(percentage ? { percentage } : {}) };
    }
  }
  return out.delay || out.abort ? out : undefined;
}
