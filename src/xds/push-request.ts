// What changed and why: the record that travels from a config event through the debouncer and
// the push queue to the generators. Merging two requests must never lose work: full wins over
// EDS-only, and "everything changed" (no configsUpdated) wins over a list.

export type TriggerReason =
  | 'endpoint' | 'config' | 'service' | 'proxy' | 'global' | 'secret' | 'networks' | 'initial' | 'reconnect'
  | 'subscription' | 'debug' | 'unknown';

/** `Kind/namespace/name`, e.g. `ServiceEntry/default/reviews` or `Secret/istio-system/gw-cred`. */
export type ConfigKey = string;

export interface PushRequest<P = unknown> {
  /** false: only endpoints changed (EDS); true: listeners, routes and clusters may have changed too. */
  full: boolean;
  /** Configs that changed; empty means "anything may have changed". */
  configsUpdated: ReadonlySet<ConfigKey>;
  /** How many events of each kind were merged into this request. */
  reason: ReadonlyMap<TriggerReason, number>;
  /** When the first merged event happened (clock milliseconds), for push-latency metrics. */
  start: number;
  /** The snapshot to generate from; the newest wins on merge. */
  push?: P;
  /** Push even resources whose version did not change. */
  forced: boolean;
}

export function pushRequest<P>(init: {
  full: boolean; reason: TriggerReason; start: number; configsUpdated?: Iterable<ConfigKey>; push?: P; forced?: boolean;
}): PushRequest<P> {
  return {
    full: init.full,
    configsUpdated: new Set(init.configsUpdated ?? []),
    reason: new Map([[init.reason, 1]]),
    start: init.start,
    push: init.push,
    forced: init.forced ?? false,
  };
}

/** Merges `b` (newer) into `a`. Neither input is changed. */
export function mergePushRequests<P>(a: PushRequest<P> | undefined, b: PushRequest<P>): PushRequest<P> {
  if (!a) return b;
  const reason = new Map(a.reason);
  for (const [k, n] of b.reason) reason.set(k, (reason.get(k) ?? 0) + n);
  // An empty set means "everything"; a union with it would wrongly narrow the push.
  const configsUpdated = a.configsUpdated.size === 0 || b.configsUpdated.size === 0
    ? new Set<ConfigKey>()
    : new Set([...a.configsUpdated, ...b.configsUpdated]);
  return {
    full: a.full || b.full,
    configsUpdated,
    reason,
    start: Math.min(a.start, b.start),
    push: b.push ?? a.push,
    forced: a.forced || b.forced,
  };
}

/** `endpoint:3,config:1` for logs and /debug. */
export function formatReason(req: PushRequest<unknown>): string {
  return [...req.reason].map(([k, n]) => `${k}:${n}`).join(',');
}
