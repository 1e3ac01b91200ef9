// istioctl: every command, dispatched by name. Each command lives in its own file and is listed
// in COMMANDS; `istioctl help` prints them.
import { analyzeCommand } from './analyze.js';
import { proxyConfigCommand } from './proxy-config.js';
import { proxyStatusCommand } from './proxy-status.js';
import { describeCommand } from './describe.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version.js';
import type { Command, CommandIO } from './command.js';

export type { Command, CommandIO } from './command.js';

export const COMMANDS: readonly Command[] = [validateCommand, versionCommand, analyzeCommand, proxyStatusCommand, describeCommand, proxyConfigCommand];

function usage(io: CommandIO): void {
  io.stdout.write('Istio configuration command line utility (istio-ts).\n\nUsage:\n  istioctl [command]\n\nAvailable Commands:\n');
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  for (const c of COMMANDS) io.stdout.write(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
}

export async function runIstioctl(argv: readonly string[], io: CommandIO): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    usage(io);
    return first === undefined ? 1 : 0;
  }
  // Two-word commands (`x describe`, `proxy-config listeners`) are matched longest first.
  const two = second === undefined ? undefined : COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (two) return two.run(rest, io);
  const one = COMMANDS.find((c) => c.name === first);
  if (one) return one.run(second === undefined ? rest : [second, ...rest], io);
  io.stderr.write(`Error: unknown command "${first}" for "istioctl"\nRun 'istioctl --help' for usage.\n`);
  return 1;
}
