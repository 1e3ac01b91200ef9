// Istio's retry policy. Unset `retries` means Istio's default (2 retries on connect-failure,
// refused-stream, unavailable, cancelled and 503, other hosts preferred, 5 host selection
// attempts); `attempts: 0` disables retries; `retryOn` integers become retriable status codes.
import type { HTTPRetry } from '../../../api/networking/virtual-service-schema.js';
import type { RouteAction } from '../../../xds-api/index.js';
import { protoDuration } from './convert.js';

export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
export const PREVIOUS_HOSTS_TYPE = 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';
export const PREVIOUS_PRIORITIES_TYPE = 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig';

type RetryPolicy = NonNullable<RouteAction['retry_policy']>;

const previousHosts = () => ({ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': PREVIOUS_HOSTS_TYPE } });

/** With consistent hashing a retry must stay on the hashed host, so no previous-hosts predicate. */
export function defaultRetryPolicy(consistentHash = false): RetryPolicy {
  return {
    num_retries: { value: 2 },
    retry_on: DEFAULT_RETRY_ON,
    retriable_status_codes: [503],
    ...(consistentHash ? {} : { retry_host_predicate: [previousHosts()] }),
    host_selection_retry_max_attempts: 5,
  };
}

function parseRetryOn(text: string): { on: string; codes: number[] } {
  const codes: number[] = [];
  const parts: string[] = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    if (/^\d+$/.test(p) && Number(p) >= 100 && Number(p) <= 599) codes.push(Number(p));
    else parts.push(p);
  }
  return { on: parts.join(','), codes };
}

/** undefined: no retry policy at all. */
export function translateRetry(r: HTTPRetry | undefined, consistentHash: boolean): RetryPolicy | undefined {
  const out = defaultRetryPolicy(consistentHash);
  if (!r) return out;
  if ((r.attempts ?? 0) <= 0) return undefined;
  out.num_retries = { value: r.attempts };
  if (r.retryOn) {
    const { on, codes } = parseRetryOn(r.retryOn);
    out.retry_on = codes.length > 0 && !on.includes('retriable-status-codes') ? `${on}${on ? ',' : ''}retriable-status-codes` : on;
    out.retriable_status_codes = codes;
    if (codes.length === 0) delete out.retriable_status_codes;
  }
  const perTry = protoDuration(r.perTryTimeout);
  if (perTry) out.per_try_timeout = perTry;
  if (r.retryIgnorePreviousHosts !== undefined) {
    if (r.retryIgnorePreviousHosts) out.retry_host_predicate = [previousHosts()];
    else delete out.retry_host_predicate;
  }
  if (r.retryRemoteLocalities) {
    out.retry_priority = { name: 'envoy.retry_priorities.previous_priorities', typed_config: { '@type': PREVIOUS_PRIORITIES_TYPE, update_frequency: 2 } as { '@type': string } };
  }
  const backoff = protoDuration(r.backoff);
  if (backoff) out.retry_back_off = { base_interval: backoff };
  return out;
}
