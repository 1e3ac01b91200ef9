// gRPC status names (as VirtualService `fault.abort.grpcStatus` spells them) to their codes.
export const GRPC_STATUS_CODES: Readonly<Record<string, number>> = Object.freeze({
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9,
  ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
});

/** A status name or its decimal code; undefined when neither. */
export function grpcStatusCode(s: string): number | undefined {
  if (/^[0-9]+$/.test(s)) return Number(s);
  return GRPC_STATUS_CODES[s.toUpperCase()];
}
