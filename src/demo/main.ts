#!/usr/bin/env node
// Runs one sample app: `node main.js <app>`. Listens on POD_IP:PORT, prints one JSON line with
// the bound address, exits 0 on SIGTERM/SIGINT.
import { SAMPLE_APPS } from './index.js';
import { listen, serve, workloadFromEnv } from './sample-app.js';

async function main(argv: string[]): Promise<number> {
  const name = argv[0] ?? '';
  const make = SAMPLE_APPS[name];
  if (!make) {
    process.stderr.write(`usage: main.js <${Object.keys(SAMPLE_APPS).join('|')}>\n`);
    return 64;
  }
  const w = workloadFromEnv(process.env, name);
  const server = serve(make(w.version), w);
  const host = process.env.POD_IP || '127.0.0.1';
  const port = await listen(server, host, Number(process.env.PORT ?? 0));
  process.stdout.write(`${JSON.stringify({ msg: 'listening', app: name, version: w.version, address: `${host}:${port}` })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.closeAllConnections();
      server.close(() => resolve());
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
