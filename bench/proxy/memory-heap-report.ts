// Preloaded into pilot-agent by memory-snapshot.ts (`--import`): on SIGWINCH, prints VmRSS, V8's
// heap spaces and, after one forced full collection, the live heap, so that a lever worth a
// fraction of a MiB can be measured without RSS's run-to-run noise (±5 MiB on a loaded machine).
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const mib = (x: number) => (x / 2 ** 20).toFixed(2);

function report(tag: string): void {
  const st = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => (Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1]) / 1024).toFixed(1);
  const m = process.memoryUsage();
  const lines = [`[${tag}] VmRSS ${kb('VmRSS')} RssAnon ${kb('RssAnon')} heapTotal ${mib(m.heapTotal)} heapUsed ${mib(m.heapUsed)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)}`];
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_size > 0) lines.push(`  ${s.space_name.padEnd(24)} size ${mib(s.space_size)} used ${mib(s.space_used_size)} physical ${mib(s.physical_space_size)}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

process.on('SIGWINCH', () => {
  report('idle');
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  report('after a full gc');
});
