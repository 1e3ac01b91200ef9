// One "host" of the end-to-end network: a network namespace with its own address. Everything
// runs inside it through `ip netns exec` (optionally as the proxy's UID via setpriv), and every
// long-running process is tracked so the network's tear-down stops it by PID.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, exec, sleep, startProc, type ExecOptions, type ExecResult, type Proc } from './exec.js';

/** The proxy's UID and GID in Istio (istio-proxy); capture rules exempt its traffic. */
export const PROXY_UID = 1337;

export interface RunAs {
  /** Run as this UID (and GID, unless given) instead of root. */
  readonly uid?: number;
  readonly gid?: number;
}

export interface StartOptions extends RunAs {
  readonly env?: Readonly<Record<string, string>>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (the folder with package.json), from source or from dist/. */
export function repoRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${here}`);
    dir = up;
  }
  return dir;
}

/** Node flags to pass on to child Node processes (e.g. `--import tsx` when run from source). */
export function nodeFlags(): string[] {
  const out: string[] = [];
  const a = process.execArgv;
  for (let i = 0; i < a.length; i++) {
    if (['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(a[i])) out.push(a[i], a[++i]);
    else if (/^--(import|require|loader|experimental-loader)=/.test(a[i]) || a[i] === '--enable-source-maps') out.push(a[i]);
  }
  return out;
}

/** URL of a module under src/, valid from source (tsx maps .js to .ts) and from dist/. */
export function srcModuleUrl(rel: string): string {
  return new URL(`../../../src/${rel}`, import.meta.url).href;
}

export class Host {
  private readonly procs: Proc[] = [];

  constructor(
    readonly name: string,
    readonly ns: string,
    readonly ip: string,
  ) {}

  private wrap(cmd: string, args: readonly string[], as: RunAs = {}): string[] {
    const user = as.uid === undefined ? [] : ['setpriv', `--reuid=${as.uid}`, `--regid=${as.gid ?? as.uid}`, '--clear-groups', '--'];
    return ['netns', 'exec', this.ns, ...user, cmd, ...args];
  }

  /** Runs a command inside the host to completion. */
  run(cmd: string, args: readonly string[], opts: ExecOptions & RunAs = {}): Promise<ExecResult> {
    return exec('ip', this.wrap(cmd, args, opts), opts);
  }

  /** Runs a command inside the host; a non-zero exit throws with its stderr. */
  check(cmd: string, args: readonly string[], opts: ExecOptions & RunAs = {}): Promise<ExecResult> {
    return check('ip', this.wrap(cmd, args, opts), opts);
  }

  /** Starts a long-running process inside the host; stopped by the network's tear-down. */
  start(name: string, cmd: string, args: readonly string[], opts: StartOptions = {}): Proc {
    const p = startProc(`${this.name}/${name}`, 'ip', this.wrap(cmd, args, opts), opts.env);
    this.procs.push(p);
    return p;
  }

  /** Starts Node on a script (path or file URL) with the same loader flags as this process. */
  startNode(name: string, script: string, args: readonly string[] = [], opts: StartOptions = {}): Proc {
    const file = script.startsWith('file:') ? fileURLToPath(script) : script;
    return this.start(name, process.execPath, [...nodeFlags(), file, ...args], opts);
  }

  /** Starts Node on inline ESM code; `process.argv.slice(1)` holds `args`. */
  startNodeCode(name: string, code: string, args: readonly string[] = [], opts: StartOptions = {}): Proc {
    return this.start(name, process.execPath, [...nodeFlags(), '--input-type=module', '-e', code, '--', ...args], opts);
  }

  /**
   * Runs our `pilot-agent istio-iptables ARGS` inside the host: the compiled binary when it
   * exists and knows the sub-command, else `istioIptablesMain` through a one-line runner.
   */
  istioIptables(args: readonly string[]): Promise<ExecResult> {
    const bin = join(repoRoot(), 'dist', 'src', 'bin', 'pilot-agent.js');
    if (existsSync(bin) && process.env.ISTIO_TS_E2E_IPTABLES !== 'module') {
      return this.run(process.execPath, [bin, 'istio-iptables', ...args]);
    }
    const code = `const m = await import(${JSON.stringify(srcModuleUrl('iptables/index.js'))}); process.exitCode = await m.istioIptablesMain(process.argv.slice(1));`;
    return this.run(process.execPath, [...nodeFlags(), '--input-type=module', '-e', code, '--', ...args]);
  }

  /** Applies capture rules (istio-iptables flags); throws with its output when it fails. */
  async capture(args: readonly string[]): Promise<ExecResult> {
    const r = await this.istioIptables(args);
    if (r.code !== 0) throw new Error(`istio-iptables ${args.join(' ')} failed in ${this.name} (exit ${r.code}):\n${r.stderr}`);
    return r;
  }

  async iptablesSave(family: 'v4' | 'v6' = 'v4'): Promise<string> {
    return (await this.check(family === 'v4' ? 'iptables-save' : 'ip6tables-save', [])).stdout;
  }

  /** Whether something listens on TCP `port` inside the host. */
  async listening(port: number): Promise<boolean> {
    const r = await this.run('ss', ['-Hltn', `sport = :${port}`]);
    return r.code === 0 && r.stdout.trim() !== '';
  }

  /** Waits until TCP `port` listens; fails early with the process's output when it exits. */
  async waitForPort(port: number, opts: { timeoutMs?: number; proc?: Proc } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (await this.listening(port)) return;
      if (opts.proc && !opts.proc.running) throw new Error(`${opts.proc.name} exited before listening on ${port}:\n${opts.proc.describe()}`);
      await sleep(50);
    }
    throw new Error(`${this.name}: nothing listens on ${port} after ${opts.timeoutMs ?? 15_000} ms${opts.proc ? `\n${opts.proc.describe()}` : ''}`);
  }

  /** `curl` from inside the host (as `as`), returning status, body and curl's exit code. */
  async curl(url: string, opts: RunAs & { args?: readonly string[]; timeoutS?: number } = {}): Promise<{ code: number; status: number; body: string; stderr: string }> {
    const r = await this.run('curl', ['-sS', '--max-time', String(opts.timeoutS ?? 5), '-w', '\n%{http_code}', ...(opts.args ?? []), url], { ...opts, timeoutMs: ((opts.timeoutS ?? 5) + 5) * 1000 });
    const nl = r.stdout.lastIndexOf('\n');
    return { code: r.code, status: Number(r.stdout.slice(nl + 1)) || 0, body: r.stdout.slice(0, Math.max(nl, 0)), stderr: r.stderr };
  }

  /** Stops every process this host started, by PID. */
  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
  }
}
