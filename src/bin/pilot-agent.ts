#!/usr/bin/env node
// pilot-agent entry point (wiring only): `pilot-agent proxy sidecar|router ...` runs the proxy
// against a discovery server; `pilot-agent istio-iptables ...` sets up traffic capture;
// `pilot-agent wait` blocks until the proxy is ready (holdApplicationUntilProxyStarts).
// Once serving it prints one JSON line with the bound ports (useful with port 0 in tests).
// Exit codes: 0 drained/quit/ready, 1 fatal error or `wait` timeout, 64 usage error.
// First: holds V8's young generation while the modules below load (young-generation.ts).
import '../proxy/agent/young-generation.js';
import cluster from 'node:cluster';
import { availableParallelism, networkInterfaces } from 'node:os';
import { Agent, FlagError, WorkerPool, buildNode, parseProxyFlags, runProxyWorker } from '../proxy/agent/index.js';
import { drainSettings, terminate, waitMain } from '../proxy/lifecycle/index.js';
import { istioIptablesMain } from '../iptables/index.js';
import { logger } from '../shared/index.js';
import { clientVersion } from '../cli/version.js';

const USAGE = `Istio Pilot agent runs in the sidecar or gateway container and bootstraps the proxy.

Usage:
  pilot-agent proxy sidecar|router [flags]
  pilot-agent istio-iptables [flags]
  pilot-agent wait [--timeoutSeconds 60] [--periodMillis 500] [--requestTimeoutMillis 500] [--url URL]

Proxy flags:
      --discoveryAddress string   Address of the discovery service (HOST:PORT)
      --concurrency int           Number of worker threads to run (default 2)
      --proxyAdminPort uint16     Port on 127.0.0.1 for the proxy admin API (default 15000)
      --statusPort uint16         Port for /healthz/ready (default 15020)
      --serviceCluster string     Service cluster reported in the node (default app.namespace)

/healthz/ready is also served on the Envoy status port (ISTIO_META_ENVOY_STATUS_PORT, default 15021).
On SIGTERM or SIGINT the proxy drains (a sidecar its inbound listeners, a gateway all) for
terminationDrainDuration (PROXY_CONFIG, else TERMINATION_DRAIN_DURATION_SECONDS, default 5s), then exits 0.

Exit codes: 0 drained, quit or ready; 1 fatal error or wait timeout; 64 usage error.
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
    concurrency: workers, version, onExit: (c) => done(c), proxyType: flags.type, readinessPort: envoyStatusPort(process.env),
    ...(process.env.ISTIO_TS_XDS_BACKOFF_MS ? { backoff: { initialMs: Number(process.env.ISTIO_TS_XDS_BACKOFF_MS), maxMs: 30_000 } } : {}),
  });
  const ports = await agent.start();
  process.stdout.write(`${JSON.stringify({ nodeId: node.id, admin: ports.adminPort, status: ports.statusPort, ready: ports.readinessPort })}\n`);
  const settings = drainSettings(process.env);
  const log = logger('agent');
  for (const w of settings.warnings) log.warn(w);
  // Istio's shutdown: drain, let open connections finish for the drain duration, exit 0.
  let terminating = false;
  const shutdown = (signal: string): void => {
    if (terminating) {
      if (signal === 'SIGINT') void agent.stop(0); // a second Ctrl-C does not wait for the drain
      return;
    }
    terminating = true;
    log.info({ signal }, 'received signal; draining');
    void terminate({
      beginDrain: () => agent.beginTerminationDrain(),
      activeConnections: () => agent.activeConnections(),
      close: () => agent.stop(0),
    }, settings, { info: (m) => log.info(m) }).catch((e: unknown) => {
      log.error({ err: String(e) }, 'termination failed');
      done(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return exited;
}

/** Envoy's status port from the node metadata Istio sets (ENVOY_STATUS_PORT); 15021 by default. */
function envoyStatusPort(env: NodeJS.ProcessEnv): number | undefined {
  const v = env.ISTIO_META_ENVOY_STATUS_PORT ?? '15021';
  return /^\d+$/.test(v) && Number(v) <= 65535 ? Number(v) : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'proxy') return proxyMain(rest);
  if (cmd === 'istio-iptables') return istioIptablesMain(rest);
  if (cmd === 'wait') {
    return waitMain(rest, { info: (l) => process.stdout.write(`${l}\n`), error: (l) => process.stderr.write(`${l}\n`) });
  }
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
