// Running commands for the harness: bounded one-shot commands with captured output, and
// long-running processes tracked by PID so tear-down can stop exactly what was started.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Default 15 s: a stuck command fails the test instead of hanging it. */
  readonly timeoutMs?: number;
}

/** Runs a command to completion; never throws for a non-zero exit (see `check`). */
export function exec(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n[harness] ${cmd} timed out after ${opts.timeoutMs ?? 15_000} ms`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 15_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Like `exec`, but a non-zero exit is an error that shows the command and its stderr. */
export async function check(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r;
}

/** A long-running process started by the harness; its output is kept for failure messages. */
export class Proc {
  stdout = '';
  stderr = '';
  exitCode: number | null = null;
  readonly exited: Promise<number>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.stderr += err.message;
        this.exitCode = 127;
        resolve(127);
      });
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 1);
        resolve(this.exitCode);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 2_000): Promise<void> {
    if (!this.running || this.pid === undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Output so far, for assertion messages. */
  describe(): string {
    return `${this.name} (pid ${this.pid}, exit ${this.exitCode ?? 'running'})\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`;
  }
}

export function startProc(name: string, cmd: string, args: readonly string[], env?: Readonly<Record<string, string>>): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new Proc(name, child);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
