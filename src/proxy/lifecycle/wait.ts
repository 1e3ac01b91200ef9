// `pilot-agent wait`: what Istio's injector runs as the proxy container's postStart hook when
// holdApplicationUntilProxyStarts is on, so that the application container starts only once the
// proxy is ready. Polls the readiness URL until it answers 200; exit 0 when ready, 1 on timeout
// (cobra's exit code for a returned error), 64 for bad flags.

export interface WaitFlags {
  readonly timeoutSeconds: number;
  readonly requestTimeoutMillis: number;
  readonly periodMillis: number;
  readonly url: string;
}

export const WAIT_DEFAULTS: WaitFlags = {
  timeoutSeconds: 60,
  requestTimeoutMillis: 500,
  periodMillis: 500,
  url: 'http://localhost:15021/healthz/ready',
};

export class WaitFlagError extends Error {}

export function parseWaitFlags(args: readonly string[]): WaitFlags {
  const out: Record<string, number | string> = { ...WAIT_DEFAULTS };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) throw new WaitFlagError(`unexpected argument "${a}"`);
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (!(name in WAIT_DEFAULTS)) throw new WaitFlagError(`unknown flag: --${name}`);
    const value = eq >= 0 ? body.slice(eq + 1) : args[++i];
    if (value === undefined) throw new WaitFlagError(`flag needs an argument: --${name}`);
    if (name === 'url') {
      out.url = value;
      continue;
    }
    if (!/^\d+$/.test(value)) throw new WaitFlagError(`invalid argument "${value}" for "--${name}": must be a non-negative integer`);
    out[name] = Number(value);
  }
  return out as unknown as WaitFlags;
}

async function checkReady(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await r.arrayBuffer();
    return r.status === 200 ? undefined : `HTTP status code ${r.status}`;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return err.cause?.message ?? err.message;
  }
}

export interface WaitOutput { info(line: string): void; error(line: string): void }

/** Returns the process exit code. */
export async function waitForProxy(f: WaitFlags, out: WaitOutput): Promise<number> {
  out.info(`Waiting for Envoy proxy to be ready (timeout: ${f.timeoutSeconds} seconds)...`);
  const deadline = Date.now() + f.timeoutSeconds * 1000;
  let last: string | undefined = 'not checked';
  while (Date.now() < deadline) {
    last = await checkReady(f.url, f.requestTimeoutMillis);
    if (last === undefined) {
      out.info('Envoy is ready!');
      return 0;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((r) => setTimeout(r, Math.min(f.periodMillis, left)));
  }
  out.error(`Error: timeout waiting for Envoy proxy to become ready. Last error: ${last}`);
  return 1;
}

export async function waitMain(args: readonly string[], out: WaitOutput): Promise<number> {
  let flags: WaitFlags;
  try {
    flags = parseWaitFlags(args);
  } catch (e) {
    if (e instanceof WaitFlagError) {
      out.error(`Error: ${e.message}\nUsage: pilot-agent wait [--timeoutSeconds 60] [--requestTimeoutMillis 500] [--periodMillis 500] [--url http://localhost:15021/healthz/ready]`);
      return 64;
    }
    throw e;
  }
  return waitForProxy(flags, out);
}
