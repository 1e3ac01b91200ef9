// Two full, compacting garbage collections shortly after the first config is in force. Decoding and
// compiling a large first config (1,000 services: ~3 MiB of protobuf into ~1,850 clusters) leaves
// V8's old space fragmented: at 1,000 services an idle sidecar held 43 MiB of old-space pages for
// 27 MiB of live objects, and V8's memory reducer did not give them back while the process idled.
// Forced collections (~60 ms of CPU each, once) return 10–15 MiB of RSS: the first frees the
// wrappers of the gRPC messages' external buffers, whose memory their finalizers release after
// it, and the second compacts what that left (with lazily built clusters one alone returned
// nothing measurable; the heap's shape differs run to run). V8 exposes no such call to
// Node programs; `--expose-gc` set at run time makes `gc` available to contexts created afterwards,
// so the function is taken from a fresh vm context without exposing it on the global object.
import v8 from 'node:v8';
import vm from 'node:vm';
import { logger } from '../../shared/index.js';

const log = logger('settle-heap');
const DELAY_MS = 1000;

let done = false;

/** V8's full collection, taken from a fresh context (exported for tests). */
export function forcedGc(): (() => void) | undefined {
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

/** Compacts the heap, DELAY_MS from now (later calls do nothing); never keeps the process alive. */
export function settleHeapOnce(): void {
  if (done || process.env.ISTIO_TS_SETTLE_HEAP === '0') return;
  done = true;
  setTimeout(() => {
    const gc = forcedGc();
    if (gc === undefined) return;
    const before = process.memoryUsage.rss();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    gc();
    gc();
    const cpu = process.cpuUsage(cpu0);
    log.debug({ ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssBefore: before, rssAfter: process.memoryUsage.rss() }, 'heap compacted after the first config');
  }, DELAY_MS).unref();
}
