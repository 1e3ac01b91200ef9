#!/usr/bin/env node
// `npm start`: the demo mesh on loopback (istiod, sample apps with sidecars, an ingress gateway),
// configured by examples/demo. Ctrl-C (SIGINT) or SIGTERM stops every process it started, exit 0.
import { DEMO_USAGE, FlagError, parseDemoFlags } from './demo/flags.js';
import { DemoError, DemoMesh } from './demo/launcher.js';
import { PlanError } from './demo/plan.js';

async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseDemoFlags(argv);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`Error: ${e.message}\n\n${DEMO_USAGE}`);
    return 64;
  }
  if (flags.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const mesh = new DemoMesh(flags, (line) => process.stdout.write(`${line}\n`));
  let stopping: Promise<void> | undefined;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      if (stopping) {
        // A second Ctrl-C: do not wait for graceful shutdowns.
        mesh.killAllNow();
        return;
      }
      process.stdout.write(`\ndemo: ${signal}: stopping every process it started\n`);
      stopping = mesh.stop().then(resolve);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  process.on('exit', () => mesh.killAllNow());
  try {
    await mesh.start();
  } catch (e) {
    if (stopping) {
      await stopping;
      return 0;
    }
    const known = e instanceof DemoError || e instanceof PlanError;
    process.stderr.write(`Error: ${known ? (e as Error).message : (e as Error).stack ?? String(e)}\n`);
    await mesh.stop();
    return 1;
  }
  await stopped;
  process.stdout.write('demo: stopped\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
