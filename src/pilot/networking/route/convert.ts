// Small conversions from Istio's API values to Envoy's message shapes, shared by routes and
// listeners: durations, percentages, string matchers and the `istio.config` metadata Istio stamps
// on generated routes and chains so that tools can trace them back to the config object.
import type { ConfigMeta } from '../../../api/config.js';
import { parseDuration, toProtoDuration } from '../../../shared/duration.js';

export interface ProtoDuration { seconds: number; nanos: number }

export const ZERO_DURATION: ProtoDuration = Object.freeze({ seconds: 0, nanos: 0 }) as ProtoDuration;

/** A Go-style duration ("1.5s", "300ms") as a protobuf Duration; undefined when absent or invalid. */
export function protoDuration(text: string | undefined): ProtoDuration | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  return ms === undefined ? undefined : toProtoDuration(ms);
}

export function isZeroDuration(d: ProtoDuration): boolean {
  return d.seconds === 0 && d.nanos === 0;
}

export interface FractionalPercent { numerator: number; denominator: 'HUNDRED' | 'MILLION' }

/** Istio's Percent (a double 0..100) in millionths, which keeps 4 decimal places. */
export function percentToFraction(value: number): FractionalPercent {
  return { numerator: Math.trunc(value * 10000), denominator: 'MILLION' };
}

/** The deprecated integer percentages. */
export function intToFraction(value: number): FractionalPercent {
  return { numerator: Math.trunc(value), denominator: 'HUNDRED' };
}

export interface IstioStringMatch { exact?: string; prefix?: string; regex?: string }
export type EnvoyStringMatcher = { exact: string } | { prefix: string } | { safe_regex: { regex: string } };

/** exact / prefix / regex → Envoy StringMatcher (regexes run as RE2 via safe_regex). */
export function stringMatcher(m: IstioStringMatch): EnvoyStringMatcher | undefined {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safe_regex: { regex: m.regex } };
  return undefined;
}

/**
 * Istio turns an empty match, or the regex `*` (not RE2; users write it to mean "any value"),
 * into a presence check.
 */
export function isPresenceMatch(m: IstioStringMatch | undefined): boolean {
  if (!m) return true;
  if (m.exact === undefined && m.prefix === undefined && m.regex === undefined) return true;
  return m.regex === '*';
}

function kebab(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `/apis/<group>/<version>/namespaces/<ns>/<kind>/<name>`, as Istio names configs in metadata. */
export function configPath(meta: Pick<ConfigMeta, 'gvk' | 'namespace' | 'name'>): string {
  return `/apis/${meta.gvk.group}/${meta.gvk.version}/namespaces/${meta.namespace}/${kebab(meta.gvk.kind)}/${meta.name}`;
}

/** Envoy Metadata `filter_metadata.istio.config = <configPath>`. */
export function configMetadata(meta: Pick<ConfigMeta, 'gvk' | 'namespace' | 'name'>): { filter_metadata: Record<string, { fields: Record<string, { stringValue: string }> }> } {
  return { filter_metadata: { istio: { fields: { config: { stringValue: configPath(meta) } } } } };
}
