// gRPC as the connection manager sees it: which requests are gRPC, and how a local reply becomes
// a trailers-only gRPC response (HTTP 200, grpc-status and grpc-message, no body), with HTTP
// statuses mapped to gRPC codes as gRPC's "HTTP to gRPC Status Code Mapping" table (and Envoy) do.

export const GrpcStatus = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function isGrpcContentType(ct: string | undefined): boolean {
  return ct !== undefined && ct.startsWith('application/grpc') &&
    (ct.length === 16 || ct.charCodeAt(16) === 0x2b /* + */ || ct.charCodeAt(16) === 0x3b /* ; */);
}

export function httpToGrpcStatus(status: number): number {
  switch (status) {
    case 400: return GrpcStatus.INTERNAL;
    case 401: return GrpcStatus.UNAUTHENTICATED;
    case 403: return GrpcStatus.PERMISSION_DENIED;
    case 404: return GrpcStatus.UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return GrpcStatus.UNAVAILABLE;
    default: return GrpcStatus.UNKNOWN;
  }
}

/** gRPC's grpc-message encoding: percent-encode '%' and bytes outside printable ASCII (UTF-8 first). */
export function encodeGrpcMessage(msg: string): string {
  let out = '';
  for (const b of Buffer.from(msg, 'utf8')) {
    out += b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
