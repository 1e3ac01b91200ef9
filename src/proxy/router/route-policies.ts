// The per-route traffic policies compiled beside a route: retries, hashing, mirrors and the
// per-filter configs (fault, CORS). A route that configures none of them compiles to undefined so
// the request path pays one property check.
import type { Route, VirtualHost } from '../config/types.js';
import { compileCors, type CompiledCors } from '../filters/cors.js';
import { compileFault, fraction, type CompiledFault } from '../filters/fault.js';
import { CompiledHashPolicy } from './hash-policy.js';
import { compileRetryPolicy, type CompiledRetryPolicy } from './retry-policy.js';

/** Envoy's default per-connection buffer limit, which also bounds what a request may buffer. */
export const DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;

export interface CompiledMirror {
  readonly cluster: string;
  readonly chance: number;
  readonly shadowSuffix: boolean;
}

export interface RoutePolicies {
  readonly retry: CompiledRetryPolicy | undefined;
  readonly hash: CompiledHashPolicy | undefined;
  readonly mirrors: readonly CompiledMirror[] | undefined;
  readonly attemptCountInRequest: boolean;
  readonly attemptCountInResponse: boolean;
  readonly bufferLimitBytes: number;
  /** The route's (else virtual host's) fault config, replacing the listener's. */
  readonly fault: CompiledFault | undefined;
  /** The route's, else the virtual host's CORS policy. */
  readonly cors: CompiledCors | undefined;
}

export function compileRoutePolicies(r: Route, vh: VirtualHost): RoutePolicies | undefined {
  const a = r.route;
  const retryPolicy = a?.retryPolicy ?? vh.retryPolicy;
  const faultCfg = r.typedPerFilterConfig?.fault ?? vh.typedPerFilterConfig?.fault;
  const corsCfg = r.typedPerFilterConfig?.cors ?? vh.typedPerFilterConfig?.cors;
  const hash = a?.hashPolicy !== undefined && a.hashPolicy.length > 0 ? new CompiledHashPolicy(a.hashPolicy) : undefined;
  const mirrors = a?.requestMirrorPolicies?.map((m) => ({
    cluster: m.cluster, chance: fraction(m.runtimeFraction), shadowSuffix: m.disableShadowHostSuffixAppend !== true,
  }));
  const attemptCountInRequest = vh.includeRequestAttemptCount === true;
  const attemptCountInResponse = vh.includeAttemptCountInResponse === true;
  if (retryPolicy === undefined && faultCfg === undefined && corsCfg === undefined && hash === undefined
    && (mirrors === undefined || mirrors.length === 0) && !attemptCountInRequest && !attemptCountInResponse) return undefined;
  return {
    retry: retryPolicy === undefined ? undefined : compileRetryPolicy(retryPolicy),
    hash,
    mirrors: mirrors !== undefined && mirrors.length > 0 ? mirrors : undefined,
    attemptCountInRequest,
    attemptCountInResponse,
    bufferLimitBytes: r.perRequestBufferLimitBytes ?? vh.perRequestBufferLimitBytes ?? DEFAULT_BUFFER_LIMIT_BYTES,
    fault: faultCfg === undefined ? undefined : compileFault(faultCfg),
    cors: corsCfg === undefined ? undefined : compileCors(corsCfg),
  };
}
