// The termination sequence pilot-agent runs on SIGTERM/SIGINT, as Istio's agent does: drain at
// once (readiness fails, the drained listeners stop accepting, open HTTP connections are told
// to close: `connection: close` on HTTP/1.1, GOAWAY on HTTP/2), give open connections the drain
// duration, then close whatever is left and exit 0.
import type { DrainSettings } from './drain-settings.js';

export interface Terminable {
  /** Readiness false, listeners drained (a sidecar: inbound ones only; a gateway: all). */
  beginDrain(): Promise<void>;
  /** Downstream connections still open on any listener, drained or not. */
  activeConnections(): Promise<number>;
  /** Closes everything left (connections, pools, xDS, admin). */
  close(): Promise<void>;
}

export interface TerminationLog {
  info(msg: string): void;
}

/** Istio polls active connections once a second when EXIT_ON_ZERO_ACTIVE_CONNECTIONS is on. */
export const ACTIVE_CONNECTION_CHECK_MS = 1_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the sequence; resolves once everything is closed. With exitOnZeroActiveConnections, the
 * drain ends at the first check after minimumDrainMs that finds no connection, and at the latest
 * after max(minimumDrainMs, terminationDrainMs).
 */
export async function terminate(t: Terminable, s: DrainSettings, log: TerminationLog, checkMs = ACTIVE_CONNECTION_CHECK_MS): Promise<void> {
  await t.beginDrain();
  if (s.exitOnZeroActiveConnections) {
    log.info(`draining for at least ${s.minimumDrainMs} ms, then until no connection is active`);
    const deadline = Date.now() + Math.max(s.minimumDrainMs, s.terminationDrainMs);
    await sleep(s.minimumDrainMs);
    for (;;) {
      const n = await t.activeConnections();
      if (n === 0) {
        log.info('no active connections left; terminating');
        break;
      }
      if (Date.now() >= deadline) {
        log.info(`${n} connections still active at the drain deadline; terminating`);
        break;
      }
      await sleep(Math.min(checkMs, Math.max(0, deadline - Date.now())));
    }
  } else {
    log.info(`graceful termination period is ${s.terminationDrainMs} ms, starting`);
    await sleep(s.terminationDrainMs);
    log.info('graceful termination period complete; terminating');
  }
  await t.close();
}
