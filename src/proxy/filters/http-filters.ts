// The HTTP filters an HTTP connection manager runs before its router, compiled once per listener
// version. Only what is configured exists: a connection manager with the router alone compiles to
// undefined and its requests never enter this code.
import type { HttpFilterConfig } from '../config/types.js';
import type { StatsRegistry } from '../stats.js';
import { CorsStats } from './cors.js';
import { compileFault, FaultStats, type CompiledFault } from './fault.js';

export interface HttpFilterChain {
  /** In configured order; the router is implied last. */
  readonly filters: readonly ({ readonly kind: 'fault'; readonly fault: CompiledFault | undefined } | { readonly kind: 'cors' })[];
  readonly faultStats: FaultStats;
  readonly corsStats: CorsStats;
  readonly random: () => number;
}

export function compileHttpFilters(
  configs: readonly HttpFilterConfig[] | undefined, statPrefix: string, stats: StatsRegistry, random: () => number = Math.random,
): HttpFilterChain | undefined {
  if (configs === undefined) return undefined;
  const filters: HttpFilterChain['filters'][number][] = [];
  for (const f of configs) {
    if (f.kind === 'fault') filters.push({ kind: 'fault', fault: f.fault === undefined ? undefined : compileFault(f.fault) });
    else if (f.kind === 'cors') filters.push({ kind: 'cors' });
  }
  if (filters.length === 0) return undefined;
  return {
    filters,
    faultStats: stats.group(`http.${statPrefix}.fault`, () => new FaultStats()),
    corsStats: stats.group(`http.${statPrefix}.cors`, () => new CorsStats()),
    random,
  };
}
