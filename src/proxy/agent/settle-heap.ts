// One full, compacting garbage collection shortly after the first config is in force. Decoding and
// compiling a large first config (1,000 services: ~3 MiB of protobuf into ~1,850 clusters) leaves
// V8's old space fragmented: at 1,000 services an idle sidecar held 43 MiB of old-space pages for
// 27 MiB of live objects, and V8's memory reducer did not give them back while the process idled.
// One forced collection (~60 ms of CPU, once) returns ~11 MiB of RSS. V8 exposes no such call to
// Node programs; `--expose-gc` set at run time makes `gc` available to contexts created afterwards,
// so the function is taken from a fresh vm context without exposing it on the global object.
import v8 from 'node:v8';
import vm from 'node:vm';
import { logger } from '../../shared/index.js';

const log = logger('settle-heap');
const DELAY_MS = 1000;

let done = false;

function forcedGc(): (() => void) | undefined {
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

/** Compacts the heap once, DELAY_MS from now (later calls do nothing); never keeps the process alive. */
export function settleHeapOnce(): void {
  if (done || process.env.ISTIO_TS_SETTLE_HEAP === '0') return;
  done = true;
  setTimeout(() => {
    const gc = forcedGc();
    if (gc === undefined) return;
    const before = process.memoryUsage.rss();
    const t0 = performance.now();
    gc();
    log.debug({ ms: Math.round(performance.now() - t0), rssBefore: before, rssAfter: process.memoryUsage.rss() }, 'heap compacted after the first config');
  }, DELAY_MS).unref();
}
