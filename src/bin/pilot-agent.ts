#!/usr/bin/env node
// pilot-agent entry point (wiring only): `pilot-agent proxy sidecar|router ...` runs the proxy
// against a discovery server; `pilot-agent istio-iptables ...` sets up traffic capture.
// Once serving it prints one JSON line with the bound ports (useful with port 0 in tests).
import cluster from 'node:cluster';
import { availableParallelism, networkInterfaces } from 'node:os';
import { Agent, FlagError, WorkerPool, buildNode, parseProxyFlags, runProxyWorker } from '../proxy/agent/index.js';
import { istioIptablesMain } from '../iptables/index.js';
import { clientVersion } from '../cli/version.js';

const USAGE = `Istio Pilot agent runs in the sidecar or gateway container and bootstraps the proxy.

Usage:
  pilot-agent proxy sidecar|router [flags]
  pilot-agent istio-iptables [flags]

Proxy flags:
      --discoveryAddress string   Address of the discovery service (HOST:PORT)
      --concurrency int           Number of worker threads to run (default 2)
      --proxyAdminPort uint16     Port on 127.0.0.1 for the proxy admin API (default 15000)
      --statusPort uint16         Port for /healthz/ready (default 15020)
      --serviceCluster string     Service cluster reported in the node (default app.namespace)
`;

function firstIp(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return undefined;
}

async function proxyMain(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseProxyFlags(args, process.env);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`Error: ${e.message}\n${USAGE}`);
      return 64;
    }
    throw e;
  }
  const version = clientVersion();
  const node = buildNode({
    type: flags.type, env: process.env, serviceCluster: flags.serviceCluster, istioVersion: version,
    concurrency: flags.concurrency, statusPort: flags.statusPort, adminPort: flags.proxyAdminPort, fallbackIp: firstIp(),
  });
  let done!: (code: number) => void;
  const exited = new Promise<number>((r) => { done = r; });
  // --concurrency N > 1: N worker processes share the listeners; this process holds the xDS stream.
  // Envoy's --concurrency 0 means one worker per core.
  const workers = flags.concurrency === 0 ? availableParallelism() : flags.concurrency;
  const dataPlane = workers > 1 ? await WorkerPool.start(workers) : undefined;
  const agent = new Agent({
    dataPlane, node, discoveryAddress: flags.discoveryAddress, adminPort: flags.proxyAdminPort, statusPort: flags.statusPort,
    concurrency: workers, version, onExit: (c) => done(c),
    ...(process.env.ISTIO_TS_XDS_BACKOFF_MS ? { backoff: { initialMs: Number(process.env.ISTIO_TS_XDS_BACKOFF_MS), maxMs: 30_000 } } : {}),
  });
  const ports = await agent.start();
  process.stdout.write(`${JSON.stringify({ nodeId: node.id, admin: ports.adminPort, status: ports.statusPort })}\n`);
  // Istio's shutdown: stop accepting, let open connections finish for the drain duration, exit.
  const drainSeconds = Number(process.env.TERMINATION_DRAIN_DURATION_SECONDS ?? '5');
  const shutdown = (): void => {
    void agent.drainListeners().finally(() => setTimeout(() => void agent.stop(0), Math.max(0, drainSeconds) * 1000));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return exited;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'proxy') return proxyMain(rest);
  if (cmd === 'istio-iptables') return istioIptablesMain(rest);
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd === undefined ? 64 : 0;
  }
  process.stderr.write(`Error: unknown command "${cmd}" for "pilot-agent"\n${USAGE}`);
  return 64;
}

if (cluster.isWorker) runProxyWorker();
else main(process.argv.slice(2)).then((code) => { process.exit(code); }, (e: unknown) => {
  process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
