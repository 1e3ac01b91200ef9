// Scoped loggers (pino). Levels per scope come from ISTIO_TS_LOG, Istio-style:
// `ISTIO_TS_LOG=info,xds:debug,proxy:warn`. A disabled level costs one property check.
import { pino, type Logger } from 'pino';

const DEFAULT_LEVEL = 'info';
const root = pino({
  level: 'trace',
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
}, pino.destination({ dest: 2, sync: true }));

function levelFor(scope: string): string {
  const spec = process.env.ISTIO_TS_LOG ?? (process.env.ISTIO_TS_TEST ? 'warn' : DEFAULT_LEVEL);
  let level = DEFAULT_LEVEL;
  for (const part of spec.split(',')) {
    const [a, b] = part.split(':');
    if (b === undefined) level = a.trim();
    else if (a.trim() === scope) return b.trim();
  }
  return level;
}

const cache = new Map<string, Logger>();

export function logger(scope: string): Logger {
  let l = cache.get(scope);
  if (!l) {
    l = root.child({ scope }, { level: levelFor(scope) });
    cache.set(scope, l);
  }
  return l;
}

/** Changes a scope's level at run time (admin `/logging`, istiod `--log_output_level`). */
export function setLogLevel(scope: string, level: string): void {
  logger(scope).level = level;
}

export function logLevels(): Record<string, string> {
  return Object.fromEntries([...cache].map(([k, v]) => [k, v.level]));
}

export type { Logger };
