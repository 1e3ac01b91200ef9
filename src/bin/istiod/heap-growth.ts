// During a VirtualService edit istiod translates each namespace scope's ~1,000 virtual hosts and
// diffs every stream's answer: objects that live just long enough to be promoted out of the
// 2 × 4 MiB young generation, then die. V8 lets the old generation grow to 2–4× what was live after
// the last full collection before it collects again, so at 1,000 services / 1,000 clients the heap
// reached 190 MiB used while ~100 MiB was live (a heap snapshot during the edit), and the process's
// peak RSS came from the edits, not the initial sync (docs/benchmarks.md, "Round 4"). A fixed growth
// of 30 % keeps the heap near its live size for more full collections: at 2,000 sidecars the peak
// after three edits is 459-464 MiB instead of 503-531, for ~15 % more CPU in the sync and the edits
// (medians of three alternating pairs). Setting it only while full pushes run left the sync's CPU
// alone but took effect too late in each push (468 MiB).
import v8 from 'node:v8';

export const ISTIOD_HEAP_GROWING_PERCENT = 30;

const GROWTH_FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Sets V8's old-generation growth factor (read by V8 after every full collection, so setting it at
 * start-up takes effect), unless the operator passed one on the command line or in NODE_OPTIONS.
 */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '', percent = ISTIOD_HEAP_GROWING_PERCENT,
): 'set' | 'operator' {
  if ([...execArgv, ...nodeOptions.split(/\s+/)].some((a) => GROWTH_FLAG.test(a))) return 'operator';
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return 'set';
}
