// Process-level harness: the real istiod binary as a child process on port 0 (compiled when the
// tests run from dist/, through tsx when they run from source), and tiny gRPC echo servers that
// answer with their version. Every process is stopped by PID; every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'istio-ts') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('istio-ts package.json not found');
    dir = up;
  }
}

export interface IstiodProcess {
  readonly proc: ChildProcess;
  readonly grpcAddr: string;
  readonly monitoringAddr: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** Starts istiod with `args` (plus port-0 addresses) and waits for its "listening" line. */
export async function startIstiod(args: readonly string[], timeoutMs = 20_000): Promise<IstiodProcess> {
  const root = repoRoot();
  const entry = FROM_SOURCE ? ['--import', 'tsx', join(root, 'src/bin/istiod.ts')] : [join(root, 'dist/src/bin/istiod.js')];
  // An explicit --grpcAddr in `args` wins (a restart on the same address); otherwise port 0.
  const grpcAddr = args.includes('--grpcAddr') ? [] : ['--grpcAddr', '127.0.0.1:0'];
  const proc = spawn(process.execPath, [...entry, ...args, ...grpcAddr, '--monitoringAddr', '127.0.0.1:0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ISTIO_TS_LOG: process.env.ISTIO_TS_LOG ?? 'info' },
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { err = (err + d).slice(-20_000); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`istiod did not report its addresses within ${timeoutMs} ms\n${err}`)), timeoutMs);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`istiod exited with ${code} before listening\n${err}`));
    });
  }).catch((e: unknown) => {
    if (proc.exitCode === null) process.kill(proc.pid!, 'SIGKILL');
    throw e;
  });
  const bound = JSON.parse(line) as { grpcAddr: string; monitoringAddr: string };
  return {
    proc,
    grpcAddr: bound.grpcAddr,
    monitoringAddr: bound.monitoringAddr,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      process.kill(proc.pid!, 'SIGTERM');
      const timer = setTimeout(() => { if (proc.exitCode === null) process.kill(proc.pid!, 'SIGKILL'); }, 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const identity = (b: Buffer) => b;

/** A gRPC server for service `echo.Echo`: `Echo` and `Fail` both answer with `reply`. */
export async function startEchoServer(reply: string): Promise<{ port: number; calls: () => number; stop: () => Promise<void> }> {
  const server = new grpc.Server();
  let calls = 0;
  const handler: grpc.handleUnaryCall<Buffer, Buffer> = (_call, cb) => {
    calls++;
    cb(null, Buffer.from(reply));
  };
  const method = (name: string) => ({
    path: `/echo.Echo/${name}`, requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  });
  server.addService({ Echo: method('Echo'), Fail: method('Fail') }, { Echo: handler, Fail: handler });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return {
    port,
    calls: () => calls,
    stop: () => new Promise<void>((resolve) => {
      const t = setTimeout(() => { server.forceShutdown(); resolve(); }, 1000);
      server.tryShutdown(() => { clearTimeout(t); resolve(); });
    }),
  };
}

export interface CallResult { reply?: string; code: number; details?: string }

/** One unary call on `client` to `/echo.Echo/<method>`; never throws. */
export function call(client: grpc.Client, method: string, headers: Record<string, string> = {}, deadlineMs = 5000): Promise<CallResult> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(`/echo.Echo/${method}`, identity, identity, Buffer.alloc(0), md, { deadline: Date.now() + deadlineMs }, (err, value) => {
      if (err) resolve({ code: err.code, details: err.details });
      else resolve({ code: 0, reply: value?.toString() });
    });
  });
}

/** Repeats `fn` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function eventually(fn: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
