// A route's retry policy compiled once per config version into a bit set and numbers, plus the
// pure decisions the stream asks of it: is this response / reset retriable, and how long to back
// off before the next try (Envoy's jittered exponential back-off).
import type { RetryPolicy } from '../config/types.js';

export const RetryOn = {
  '5xx': 1 << 0,
  'gateway-error': 1 << 1,
  reset: 1 << 2,
  'connect-failure': 1 << 3,
  'retriable-4xx': 1 << 4,
  'refused-stream': 1 << 5,
  'retriable-status-codes': 1 << 6,
  cancelled: 1 << 7,
  'deadline-exceeded': 1 << 8,
  internal: 1 << 9,
  'resource-exhausted': 1 << 10,
  unavailable: 1 << 11,
  'envoy-ratelimited': 1 << 12,
  'reset-before-request': 1 << 13,
  // Accepted so that Istio's config applies; they need matchers or HTTP/3 and never fire here.
  'retriable-headers': 1 << 14,
  'http3-post-connect-failure': 1 << 15,
} as const;

/** gRPC status codes that the gRPC retry conditions name (grpc-status in a trailers-only response). */
const GRPC_CONDITIONS: readonly [number, number][] = [
  [1, RetryOn.cancelled], [4, RetryOn['deadline-exceeded']], [13, RetryOn.internal],
  [8, RetryOn['resource-exhausted']], [14, RetryOn.unavailable],
];

export const DEFAULT_RETRY_BASE_MS = 25;

export interface CompiledRetryPolicy {
  readonly on: number;
  readonly numRetries: number;
  /** 0: no per-try timeout. */
  readonly perTryTimeoutMs: number;
  readonly statusCodes: ReadonlySet<number>;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly previousHosts: boolean;
  readonly hostSelectionMaxAttempts: number;
}

export function parseRetryOn(s: string): number {
  let on = 0;
  for (const raw of s.split(',')) {
    const c = raw.trim();
    if (c === '') continue;
    const bit = (RetryOn as Record<string, number>)[c];
    if (bit === undefined) throw new Error(`retryPolicy: unknown retryOn condition ${JSON.stringify(c)}`);
    on |= bit;
  }
  return on;
}

export function compileRetryPolicy(p: RetryPolicy): CompiledRetryPolicy {
  const baseMs = p.retryBackOff?.baseIntervalMs ?? DEFAULT_RETRY_BASE_MS;
  if (!(baseMs > 0)) throw new Error('retryPolicy.retryBackOff.baseInterval must be greater than zero');
  const maxMs = p.retryBackOff?.maxIntervalMs ?? baseMs * 10;
  if (maxMs < baseMs) throw new Error('retryPolicy.retryBackOff.maxInterval must be at least baseInterval');
  for (const pr of p.retryHostPredicate ?? []) {
    if (pr.name !== 'envoy.retry_host_predicates.previous_hosts') throw new Error(`retryPolicy: unsupported retryHostPredicate ${JSON.stringify(pr.name)}`);
  }
  return {
    on: parseRetryOn(p.retryOn),
    numRetries: p.numRetries ?? 1,
    perTryTimeoutMs: p.perTryTimeoutMs ?? 0,
    statusCodes: new Set(p.retriableStatusCodes ?? []),
    baseMs,
    maxMs,
    previousHosts: (p.retryHostPredicate ?? []).length > 0,
    hostSelectionMaxAttempts: Math.max(1, p.hostSelectionRetryMaxAttempts ?? 1),
  };
}

/** Whether a response (its status and, for gRPC, its `grpc-status` header) asks for a retry. */
export function retriableResponse(p: CompiledRetryPolicy, status: number, grpcStatus: string | undefined, rateLimited: boolean): boolean {
  const on = p.on;
  if ((on & RetryOn['5xx']) !== 0 && status >= 500) return true;
  if ((on & RetryOn['gateway-error']) !== 0 && status >= 502 && status <= 504) return true;
  if ((on & RetryOn['retriable-4xx']) !== 0 && status === 409) return true;
  if ((on & RetryOn['retriable-status-codes']) !== 0 && p.statusCodes.has(status)) return true;
  if ((on & RetryOn['envoy-ratelimited']) !== 0 && rateLimited) return true;
  if (grpcStatus !== undefined) {
    const g = Number(grpcStatus);
    for (const [code, bit] of GRPC_CONDITIONS) if (g === code && (on & bit) !== 0) return true;
  }
  return false;
}

/**
 * Why an attempt ended without a response: `connect_failure` (no connection), `reset` (the
 * connection broke or spoke garbage before the response head), `timeout` (per-try timeout),
 * `refused_stream` (HTTP/2 REFUSED_STREAM), `overflow` (a local circuit breaker; never retried).
 */
export type AttemptFailure = 'connect_failure' | 'reset' | 'timeout' | 'refused_stream' | 'overflow';

export function retriableFailure(p: CompiledRetryPolicy, f: AttemptFailure, requestSent: boolean): boolean {
  if (f === 'overflow') return false;
  const on = p.on;
  // Envoy counts a reset as a 5xx (it becomes one) and a per-try timeout as a 504.
  if ((on & (RetryOn['5xx'] | RetryOn['gateway-error'] | RetryOn.reset)) !== 0) return true;
  if (f === 'connect_failure' && (on & (RetryOn['connect-failure'] | RetryOn['reset-before-request'])) !== 0) return true;
  if (f === 'refused_stream' && (on & RetryOn['refused-stream']) !== 0) return true;
  if (f === 'reset' && !requestSent && (on & RetryOn['reset-before-request']) !== 0) return true;
  return false;
}

/**
 * Envoy's jittered exponential back-off: the n-th retry (1-based) waits a uniformly random time
 * below min(base × 2^(n-1), max).
 */
export function backoffMs(p: CompiledRetryPolicy, retry: number, random: number): number {
  const ceiling = Math.min(p.baseMs * 2 ** Math.min(retry - 1, 30), p.maxMs);
  return Math.floor(random * ceiling);
}
