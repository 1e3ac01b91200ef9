// How long a terminating proxy drains, from the same sources as Istio's pilot-agent: the
// ProxyConfig in PROXY_CONFIG (MeshConfig defaultConfig merged with the pod's
// `proxy.istio.io/config` annotation, as the injector passes it) first, then the legacy
// TERMINATION_DRAIN_DURATION_SECONDS, then 5 s; EXIT_ON_ZERO_ACTIVE_CONNECTIONS and
// MINIMUM_DRAIN_DURATION end the drain early once no connection is left.
import yaml from 'js-yaml';
import { parseDuration } from '../../shared/index.js';

export const DEFAULT_TERMINATION_DRAIN_MS = 5_000;
export const DEFAULT_MINIMUM_DRAIN_MS = 5_000;

export interface DrainSettings {
  readonly terminationDrainMs: number;
  readonly exitOnZeroActiveConnections: boolean;
  readonly minimumDrainMs: number;
  /** Values that were set but unusable (each fell back to its default), for the log. */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function proxyConfigDrain(text: string, warnings: string[]): number | undefined {
  let pc: unknown;
  try {
    pc = yaml.load(text);
  } catch (e) {
    warnings.push(`PROXY_CONFIG: not YAML or JSON (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
  if (pc === null || typeof pc !== 'object') return undefined;
  const v = (pc as Record<string, unknown>).terminationDrainDuration;
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || ms < 0) {
    warnings.push(`PROXY_CONFIG: terminationDrainDuration ${JSON.stringify(v)} is not a duration`);
    return undefined;
  }
  return ms;
}

export function drainSettings(env: Env): DrainSettings {
  const warnings: string[] = [];
  let terminationDrainMs = env.PROXY_CONFIG ? proxyConfigDrain(env.PROXY_CONFIG, warnings) : undefined;
  if (terminationDrainMs === undefined && env.TERMINATION_DRAIN_DURATION_SECONDS) {
    const s = env.TERMINATION_DRAIN_DURATION_SECONDS;
    // Istio reads whole seconds (strconv.Atoi); anything else falls back to the default.
    if (/^\d+$/.test(s)) terminationDrainMs = Number(s) * 1000;
    else warnings.push(`TERMINATION_DRAIN_DURATION_SECONDS=${s} is not a whole number of seconds; using 5s`);
  }
  let minimumDrainMs = DEFAULT_MINIMUM_DRAIN_MS;
  if (env.MINIMUM_DRAIN_DURATION) {
    const ms = parseDuration(env.MINIMUM_DRAIN_DURATION);
    if (ms === undefined || ms < 0) warnings.push(`MINIMUM_DRAIN_DURATION=${env.MINIMUM_DRAIN_DURATION} is not a duration; using 5s`);
    else minimumDrainMs = ms;
  }
  const exit = (env.EXIT_ON_ZERO_ACTIVE_CONNECTIONS ?? '').toLowerCase();
  return {
    terminationDrainMs: terminationDrainMs ?? DEFAULT_TERMINATION_DRAIN_MS,
    exitOnZeroActiveConnections: exit === 'true' || exit === '1',
    minimumDrainMs,
    warnings,
  };
}
