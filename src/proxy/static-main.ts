// Runs the proxy from a static bootstrap file (JSON or YAML), without a control plane:
//   node dist/src/proxy/static-main.js BOOTSTRAP_FILE
// Prints one JSON line with the bound ports ({"admin":N,"listeners":{"name":N}}) once serving.
// Used by tests and the benchmark; `pilot-agent` will wire the xDS client to the same Proxy.
import type { AddressInfo } from 'node:net';
import { startAdmin } from './admin/admin-server.js';
import { loadBootstrap } from './config/load.js';
import { Proxy } from './proxy.js';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: static-main BOOTSTRAP_FILE');
    process.exit(2);
  }
  const boot = loadBootstrap(file);
  const proxy = new Proxy();
  await proxy.apply(boot.config);
  let adminPort: number | undefined;
  const stop = async (): Promise<void> => {
    await proxy.close();
    process.exit(0);
  };
  if (boot.admin !== undefined) {
    const admin = await startAdmin(proxy, { port: boot.admin.port, onQuit: () => void stop() });
    adminPort = (admin.address() as AddressInfo).port;
  }
  const listeners = Object.fromEntries(boot.config.listeners.map((l) => [l.name, proxy.listenerPort(l.name)]));
  process.stdout.write(`${JSON.stringify({ admin: adminPort, listeners })}\n`);
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
