// Envoy's fault injection filter: a fixed (or header-given) delay and an abort with an HTTP status
// or a gRPC status, each at a configured percentage. A route's `typed_per_filter_config` replaces
// the listener's config for that route. Aborts carry flag FI, delays DI.
import type { FractionalPercent, HttpFaultConfig } from '../config/types.js';
import type { RequestHeaders } from '../http1/headers.js';

export class FaultStats {
  aborts_injected = 0;
  delays_injected = 0;
  active_faults = 0;
  faults_overflow = 0;
}

/** Probability in [0, 1] of a FractionalPercent (Envoy's denominators). */
export function fraction(p: FractionalPercent | undefined, dflt = 1): number {
  if (p === undefined) return dflt;
  const d = p.denominator === 'MILLION' ? 1_000_000 : p.denominator === 'TEN_THOUSAND' ? 10_000 : 100;
  return Math.min(1, Math.max(0, p.numerator / d));
}

export interface CompiledFault {
  readonly delayMs: number | undefined;
  readonly headerDelay: boolean;
  readonly delayChance: number;
  readonly httpStatus: number | undefined;
  readonly grpcStatus: number | undefined;
  readonly headerAbort: boolean;
  readonly abortChance: number;
  readonly maxActive: number;
}

export function compileFault(c: HttpFaultConfig): CompiledFault {
  const s = c.abort?.httpStatus;
  if (s !== undefined && (s < 200 || s >= 600)) throw new Error(`fault: abort.httpStatus ${s} is outside [200, 600)`);
  return {
    delayMs: c.delay?.fixedDelayMs,
    headerDelay: c.delay?.headerDelay === true,
    delayChance: c.delay === undefined ? 0 : fraction(c.delay.percentage),
    httpStatus: s,
    grpcStatus: c.abort?.grpcStatus,
    headerAbort: c.abort?.headerAbort === true,
    abortChance: c.abort === undefined ? 0 : fraction(c.abort.percentage),
    maxActive: c.maxActiveFaults ?? Number.POSITIVE_INFINITY,
  };
}

export interface FaultDecision {
  readonly delayMs: number;
  /** HTTP status of the abort (200 for a gRPC abort of a gRPC request), or 0 for none. */
  readonly abortStatus: number;
  readonly grpcStatus: number | undefined;
}

const NONE: FaultDecision = { delayMs: 0, abortStatus: 0, grpcStatus: undefined };

/** Rolls the dice for one request. `random` is called once per configured fault, delay first. */
export function decideFault(f: CompiledFault, h: RequestHeaders, random: () => number, stats: FaultStats): FaultDecision {
  let delayMs = 0;
  if (f.delayChance > 0 && random() < f.delayChance) {
    if (f.headerDelay) {
      const v = Number(h.get('x-envoy-fault-delay-request'));
      if (Number.isInteger(v) && v > 0) delayMs = v;
    } else if (f.delayMs !== undefined) {
      delayMs = f.delayMs;
    }
  }
  let abortStatus = 0;
  let grpcStatus: number | undefined;
  if (f.abortChance > 0 && random() < f.abortChance) {
    if (f.headerAbort) {
      const g = h.get('x-envoy-fault-abort-grpc-request');
      const v = h.get('x-envoy-fault-abort-request');
      if (g !== undefined && /^\d+$/.test(g)) grpcStatus = Number(g);
      else if (v !== undefined && /^\d{3}$/.test(v) && Number(v) >= 200 && Number(v) < 600) abortStatus = Number(v);
    } else if (f.grpcStatus !== undefined) {
      grpcStatus = f.grpcStatus;
    } else if (f.httpStatus !== undefined) {
      abortStatus = f.httpStatus;
    }
  }
  if (grpcStatus !== undefined) abortStatus = 200;
  if (delayMs === 0 && abortStatus === 0) return NONE;
  if (stats.active_faults >= f.maxActive) {
    stats.faults_overflow++;
    return NONE;
  }
  return { delayMs, abortStatus, grpcStatus };
}
