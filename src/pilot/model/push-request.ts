// What changed and why: the record that travels from a config or registry event, through the
// debouncer (which merges requests), to the push. Full pushes rebuild every xDS type; EDS-only
// pushes (endpoint changes) send only the listed services' endpoints.

/** Why a push happened, Istio's trigger names (the `type` label of pilot_push_triggers). */
export type TriggerReason =
  | 'eds' | 'config' | 'service' | 'proxy' | 'global' | 'unknown' | 'debug' | 'secret'
  | 'networks' | 'request' | 'namespace' | 'cluster' | 'headlessendpoint';

/** One changed object. Endpoint and service changes name the service hostname as `ServiceEntry`. */
export interface ConfigKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export function configKeyString(k: ConfigKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

export const SERVICE_ENTRY_KIND = 'ServiceEntry';

export interface PushRequest {
  /** Full push (all xDS types) vs incremental (EDS for `configsUpdated` services only). */
  readonly full: boolean;
  /** Objects that changed, by `configKeyString`; empty means "anything may have changed". */
  readonly configsUpdated: ReadonlyMap<string, ConfigKey>;
  /** Counts per reason; counts add up on merge so that metrics see every trigger. */
  readonly reason: ReadonlyMap<TriggerReason, number>;
  /** When the oldest merged change happened (ms, monotonic clock of the caller). */
  readonly start: number;
  /** Push even to proxies the changes do not seem to concern. */
  readonly forced: boolean;
}

export interface PushRequestInit {
  readonly full: boolean;
  readonly configsUpdated?: Iterable<ConfigKey>;
  readonly reason?: TriggerReason | Iterable<TriggerReason>;
  readonly start: number;
  readonly forced?: boolean;
}

export function pushRequest(init: PushRequestInit): PushRequest {
  const configsUpdated = new Map<string, ConfigKey>();
  for (const k of init.configsUpdated ?? []) configsUpdated.set(configKeyString(k), k);
  const reason = new Map<TriggerReason, number>();
  const reasons = typeof init.reason === 'string' ? [init.reason] : [...(init.reason ?? [])];
  for (const r of reasons) reason.set(r, (reason.get(r) ?? 0) + 1);
  return { full: init.full, configsUpdated, reason, start: init.start, forced: init.forced ?? false };
}

/**
 * Combines two requests the debouncer collected, as Istio merges them: full if either is; the
 * earlier start; reason counts summed; changed configs united, except that a request naming no
 * configs (meaning "everything") makes the union "everything" too. Neither input is modified.
 */
export function mergePushRequests(a: PushRequest | undefined, b: PushRequest | undefined): PushRequest | undefined {
  if (!a) return b;
  if (!b) return a;
  const reason = new Map(a.reason);
  for (const [r, n] of b.reason) reason.set(r, (reason.get(r) ?? 0) + n);
  const configsUpdated = a.configsUpdated.size === 0 || b.configsUpdated.size === 0 ? new Map<string, ConfigKey>() : new Map([...a.configsUpdated, ...b.configsUpdated]);
  return {
    full: a.full || b.full,
    configsUpdated,
    reason,
    start: Math.min(a.start, b.start),
    forced: a.forced || b.forced,
  };
}

/** EDS-only: endpoints changed and nothing that needs listeners, routes or clusters rebuilt. */
export function isEdsOnly(r: PushRequest): boolean {
  return !r.full;
}

/** The configs of a given kind that changed (empty when the request names none of that kind). */
export function configsOfKind(r: PushRequest, kind: string): ConfigKey[] {
  return [...r.configsUpdated.values()].filter((k) => k.kind === kind);
}

/** Whether `kind` may have changed: yes when the request names nothing (everything may have). */
export function mayHaveChanged(r: PushRequest, kind: string): boolean {
  return r.configsUpdated.size === 0 || [...r.configsUpdated.values()].some((k) => k.kind === kind);
}
