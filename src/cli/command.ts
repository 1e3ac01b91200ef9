// The shape of an istioctl command: parsed by its own module, run with injected I/O so tests can
// call it in-process and assert on output and exit code.
import type { Readable, Writable } from 'node:stream';

export interface CommandIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly cwd: string;
}

export interface Command {
  /** `validate`, `analyze`, `proxy-config`, `x describe`, ... */
  readonly name: string;
  readonly summary: string;
  /** Returns the process exit code. */
  run(args: readonly string[], io: CommandIO): Promise<number>;
}
