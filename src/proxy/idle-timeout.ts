// The HTTP connection manager's connection idle timeout (`common_http_protocol_options.idle_timeout`,
// Envoy's default 1 h): a downstream connection that carries no request for that long is closed
// (HTTP/1.1) or sent a GOAWAY (HTTP/2). Checked on the shared housekeeping ticker a few times per
// timeout, never per request: a connection reports a number that changes with every request, or
// -1 while one is in flight, and is closed after CHECKS quiet checks in a row, i.e. between one and
// 1.25 timeouts after its last request.
import { housekeeping } from './coarse-timers.js';

const CHECKS = 4;

/** Calls `onIdle` once the connection has been idle for `idleMs`; returns the function that stops watching. */
export function watchIdle(idleMs: number, activity: () => number, onIdle: () => void): () => void {
  let seen = -2;
  let quiet = 0;
  let stopped = false;
  const stop = housekeeping.add(Math.max(1, Math.ceil(idleMs / CHECKS)), () => {
    const a = activity();
    if (a < 0 || a !== seen) {
      seen = a;
      quiet = 0;
      return;
    }
    if (++quiet < CHECKS || stopped) return;
    stopped = true;
    stop();
    onIdle();
  });
  return () => {
    if (stopped) return;
    stopped = true;
    stop();
  };
}
