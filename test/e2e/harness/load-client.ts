// A bounded load generator that runs inside a mesh host as an ordinary (captured) process:
// C workers send GETs over keep-alive connections at a fixed total rate for a fixed time, then
// (after a `START` line when the clock starts) one JSON line reports every request as [startMs, status, app/version] (status 0 = transport error,
// with the error text collected apart). The rate is low on purpose: the suite shares 2 cores.
// Usage: load-client URL --duration MS --rate RPS --concurrency C [--header 'name: value']...
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface LoadReport {
  /** [ms since start, HTTP status (0 = error), answering `app/version` (x-app, x-version) or ''] per request. */
  readonly requests: readonly [number, number, string][];
  readonly errors: readonly string[];
}

async function main(argv: string[]): Promise<void> {
  const url = new URL(argv[0]);
  const opt = (flag: string, dflt: number): number => {
    const i = argv.indexOf(flag);
    return i < 0 ? dflt : Number(argv[i + 1]);
  };
  const headers: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a === '--header') {
      const [k, ...v] = argv[i + 1].split(':');
      headers[k.trim()] = v.join(':').trim();
    }
  });
  const duration = opt('--duration', 5_000);
  const rate = opt('--rate', 40);
  const concurrency = opt('--concurrency', 4);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const requests: [number, number, string][] = [];
  const errors: string[] = [];
  const t0 = Date.now();
  // Lets the test align its own timeline (e.g. "change config 10 s in") with the requests'.
  process.stdout.write('START\n');
  const once = (): Promise<void> => new Promise((resolve) => {
    const start = Date.now() - t0;
    const req = request(url, { agent, headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        requests.push([start, res.statusCode ?? 0, res.headers['x-app'] === undefined ? '' : `${String(res.headers['x-app'])}/${String(res.headers['x-version'])}`]);
        resolve();
      });
      res.on('error', (e) => {
        requests.push([start, 0, '']);
        errors.push(`${start}ms: response: ${e.message}`);
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (e) => {
      requests.push([start, 0, '']);
      errors.push(`${start}ms: ${e.message}`);
      resolve();
    });
    req.end();
  });
  // Each worker owns every C-th slot of the schedule, so the total rate holds even when one
  // request is slow (the next slot is simply late, never skipped).
  const interval = 1000 / rate;
  const worker = async (w: number): Promise<void> => {
    for (let slot = w; slot * interval < duration; slot += concurrency) {
      const wait = t0 + slot * interval - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await once();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  agent.destroy();
  requests.sort((a, b) => a[0] - b[0]);
  process.stdout.write(`${JSON.stringify({ requests, errors } satisfies LoadReport)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
