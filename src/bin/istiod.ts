#!/usr/bin/env -S node --max-semi-space-size=4
// istiod entry point: flags, start, one machine-readable line with the bound addresses on stdout,
// graceful stop on SIGTERM/SIGINT.
import { logLevels, setLogLevel } from '../shared/log.js';
import { FlagError, ISTIOD_USAGE, parseIstiodFlags } from './istiod/flags.js';
import { Istiod, IstiodStartError } from './istiod/istiod.js';
import { limitHeapGrowth } from './istiod/heap-growth.js';
import { pinMmapThreshold } from './istiod/malloc-tuning.js';

const ISTIOD_SCOPES = ['istiod', 'config', 'xds', 'debug'];

async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseIstiodFlags(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`Error: ${err.message}\n\n${ISTIOD_USAGE}`);
    return 1;
  }
  if (flags.help) {
    process.stdout.write(ISTIOD_USAGE);
    return 0;
  }
  // Istio's --log_output_level: `default:<level>` sets every scope, `<scope>:<level>` one of them.
  for (const part of (flags.logOutputLevel ?? '').split(',').filter(Boolean)) {
    const [scope, level] = part.split(':');
    if (!level) continue;
    const scopes = scope === 'default' ? [...new Set([...ISTIOD_SCOPES, ...Object.keys(logLevels())])] : [scope];
    for (const s of scopes) setLogLevel(s, level);
  }
  // Large answers must not stay resident once freed (malloc-tuning.ts). The young generation is
  // capped at 2 × 4 MiB by the `#!` line when run as a program; `node istiod.js` takes NODE_OPTIONS.
  pinMmapThreshold();
  // Promoted garbage from a push is collected before the heap doubles (heap-growth.ts).
  limitHeapGrowth();
  let istiod: Istiod;
  try {
    istiod = await Istiod.create(flags);
    const bound = await istiod.start();
    process.stdout.write(`${JSON.stringify({ msg: 'istiod listening', ...bound })}\n`);
  } catch (err) {
    if (err instanceof IstiodStartError || (err as { code?: string }).code === 'ISTS_CONFIG_READ') {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`istiod: ${signal}, shutting down\n`);
      void istiod.stop().finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
