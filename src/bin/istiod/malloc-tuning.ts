// istiod's answers are buffers of up to a few MB, allocated and freed thousands of times a push.
// glibc raises its mmap threshold to the size of the largest block freed (up to 32 MB), after which
// those buffers come from the heap arenas and freed ones stay resident: ~100 MiB more RSS after a
// 2,000-client sync (docs/benchmarks.md, "Round 3"). Pinning the threshold at 128 KiB, as
// MALLOC_MMAP_THRESHOLD_=131072 would at exec time, returns every large buffer on free.
import koffi from 'koffi';

/** glibc's mallopt parameter number for M_MMAP_THRESHOLD (malloc.h). */
const M_MMAP_THRESHOLD = -3;
export const ISTIOD_MMAP_THRESHOLD = 128 * 1024;

export type MallocTuning = 'pinned' | 'environment' | 'unavailable';

/**
 * Pins glibc's mmap threshold unless the environment already sets one (the operator's choice
 * wins). Not glibc (musl, macOS): nothing to do.
 */
export function pinMmapThreshold(env: NodeJS.ProcessEnv = process.env, bytes = ISTIOD_MMAP_THRESHOLD): MallocTuning {
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined) return 'environment';
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  if (process.platform !== 'linux' || !header?.glibcVersionRuntime) return 'unavailable';
  try {
    const mallopt = koffi.load('libc.so.6').func('int mallopt(int param, int value)') as (p: number, v: number) => number;
    return mallopt(M_MMAP_THRESHOLD, bytes) === 1 ? 'pinned' : 'unavailable';
  } catch {
    return 'unavailable';
  }
}
