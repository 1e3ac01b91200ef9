// Starts the real pilot-agent binary (compiled from dist/, or from source via tsx when the tests
// run from source) and waits for its JSON line with the bound ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const root = fromSource ? join(here, '..', '..') : join(here, '..', '..', '..');

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly admin: number;
  readonly status: number;
  /** /healthz/ready on the Envoy status port (ENVOY_STATUS_PORT), when it could be bound. */
  readonly ready?: number;
  readonly nodeId: string;
  stderr: string;
  stop(): Promise<void>;
}

export function binArgs(bin: string): string[] {
  return fromSource ? ['--import', 'tsx', join(root, 'src', 'bin', `${bin}.ts`)] : [join(root, 'dist', 'src', 'bin', `${bin}.js`)];
}

export async function startAgent(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<AgentProcess> {
  const child = spawn(process.execPath, [...binArgs('pilot-agent'), ...args], {
    cwd: root,
    env: { ...process.env, ISTIO_TS_LOG: 'warn', TERMINATION_DRAIN_DURATION_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`pilot-agent did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pilot-agent exited with ${code}: ${stderr}`));
    });
  });
  const info = JSON.parse(line) as { admin: number; status: number; ready?: number; nodeId: string };
  const p: AgentProcess = {
    child, admin: info.admin, status: info.status, ready: info.ready, nodeId: info.nodeId, stderr,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
  child.stderr!.on('data', (d: Buffer) => { p.stderr += d.toString(); });
  return p;
}

/** GET on 127.0.0.1 returning status and body (for admin and status ports). */
export async function httpGet(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: r.status, body: await r.text() };
}
