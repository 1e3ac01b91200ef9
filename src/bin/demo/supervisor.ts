// Starts the demo's processes with their output in one log file each, remembers them by PID, and
// stops them (SIGTERM, then SIGKILL after a grace period) in the order the mesh needs: gateways
// and sidecars, then apps, then istiod last so proxies never lose their control plane early.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface StartSpec {
  /** Unique, file-name safe: `reviews-v2.sidecar`. */
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Lower stops first. */
  readonly stopOrder: number;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly stopOrder: number;
  readonly process: ChildProcess;
  /** The first line the process printed on stdout (its bound addresses), parsed. */
  readonly hello: Record<string, unknown>;
}

const GRACE_MS = 8000;

export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;

  constructor(
    private readonly opts: { cwd: string; logDir: string; execPath: string; onUnexpectedExit: (c: Child, code: number | null, signal: string | null) => void },
  ) {}

  get running(): readonly Child[] {
    return this.children;
  }

  /** Spawns and resolves once the process printed its first stdout line (a JSON object). */
  start(spec: StartSpec, timeoutMs = 30_000): Promise<Child> {
    const logFile = `${this.opts.logDir}/${spec.name}.log`;
    const fd = openSync(logFile, 'a');
    const proc = spawn(this.opts.execPath, [...spec.args], {
      cwd: this.opts.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', fd],
    });
    closeSync(fd);
    const pid = proc.pid;
    return new Promise<Child>((resolve, reject) => {
      if (pid === undefined) {
        proc.once('error', (e) => reject(new Error(`${spec.name}: cannot start: ${e.message}`)));
        return;
      }
      const out = openSync(logFile, 'a');
      let buf = '';
      let child: Child | undefined;
      const timer = setTimeout(() => reject(new Error(`${spec.name} printed nothing within ${timeoutMs} ms\n${tail(logFile)}`)), timeoutMs);
      proc.stdout!.on('data', (d: Buffer) => {
        writeSync(out, d);
        if (child) return;
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        let hello: Record<string, unknown>;
        try {
          hello = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        } catch {
          reject(new Error(`${spec.name}: expected a JSON line first, got: ${buf.slice(0, nl)}`));
          return;
        }
        child = { name: spec.name, pid, logFile, stopOrder: spec.stopOrder, process: proc, hello };
        resolve(child);
      });
      // 'close' comes after the last stdout data; 'exit' may come before it.
      proc.once('close', () => closeSync(out));
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!child) reject(new Error(`${spec.name} exited (${signal ?? `code ${code}`}) before it was up\n${tail(logFile)}`));
        else if (!this.stopping) this.opts.onUnexpectedExit(child, code, signal);
      });
      this.children.push({ name: spec.name, pid, logFile, stopOrder: spec.stopOrder, process: proc, hello: {} });
    }).then((c) => {
      const i = this.children.findIndex((x) => x.pid === c.pid);
      this.children[i] = c;
      return c;
    });
  }

  /** Stops every child it started, group by group (lowest stopOrder first); resolves when all are gone. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const orders = [...new Set(this.children.map((c) => c.stopOrder))].sort((a, b) => a - b);
    for (const o of orders) await Promise.all(this.children.filter((c) => c.stopOrder === o).map(stopOne));
  }

  /** Last resort when the launcher itself is exiting: SIGKILL whatever is still alive. */
  killAllNow(): void {
    for (const c of this.children) if (alive(c)) c.process.kill('SIGKILL');
  }
}

function alive(c: Child): boolean {
  return c.process.exitCode === null && c.process.signalCode === null;
}

async function stopOne(c: Child): Promise<void> {
  if (!alive(c)) return;
  const exited = new Promise<void>((r) => c.process.once('exit', () => r()));
  c.process.kill('SIGTERM');
  const t = setTimeout(() => c.process.kill('SIGKILL'), GRACE_MS);
  await exited;
  clearTimeout(t);
}

/** The end of a log file, for error messages. */
export function tail(file: string, lines = 15): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return `--- last lines of ${file} ---\n${all.slice(-lines).join('\n')}`;
  } catch {
    return `(no log at ${file})`;
  }
}
