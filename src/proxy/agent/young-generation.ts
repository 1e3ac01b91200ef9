// How far V8 may grow its young generation (the nursery of new objects) in this process. V8 grows
// it from 2 × 1 MiB to 2 × 16 MiB under allocation bursts and keeps it committed; the burst of
// decoding and compiling a large first config (1,000 services: ~3 MiB of protobuf) is enough, so an
// idle sidecar kept ~30 MiB for nothing. Growth is held until the first config is applied (traffic
// may grow it afterwards: capped, scavenging costs a loaded proxy about twice the CPU share) and
// pinned for good in a process that never carries traffic (the primary of --concurrency N).
// `--semi-space-growth-factor` is the one heap-sizing flag V8 reads at every growth decision, so it
// can be changed at run time; node flags the user passed for the young generation win. Holding
// starts when this module is evaluated: pilot-agent's entry points import it first, so that loading
// gRPC, protobufjs and the descriptors cannot grow it either (the primary of --concurrency 2 kept
// 8 MiB of nursery from its imports alone); the first hold or pin takes that startup hold over.
import v8 from 'node:v8';

/** V8's default semi_space_growth_factor. */
const V8_DEFAULT_GROWTH = 2;

let pinned = false;
let holds = 0;
let startupHold = true;

function userChose(): boolean {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  return /semi[-_]space/.test(flags);
}

function applyGrowth(): void {
  if (userChose()) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${pinned || holds > 0 || startupHold ? 1 : V8_DEFAULT_GROWTH}`);
}

applyGrowth();

/** Keeps the young generation at its initial size for the rest of the process. */
export function pinYoungGeneration(): void {
  pinned = true;
  startupHold = false;
  applyGrowth();
}

/** Keeps the young generation from growing until the returned release is called (idempotent). */
export function holdYoungGeneration(): () => void {
  holds++;
  startupHold = false;
  applyGrowth();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    applyGrowth();
  };
}

/** New-space capacity in bytes (both semi-spaces), for tests and diagnostics. */
export function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}
