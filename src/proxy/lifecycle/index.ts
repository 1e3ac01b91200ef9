// The proxy's lifecycle as Istio's pilot-agent runs it: drain settings, the SIGTERM termination
// sequence (drain, wait, exit 0) and `pilot-agent wait` (holdApplicationUntilProxyStarts).
// Exit codes: 0 drained or quit, 1 fatal error (startup, or `wait` timed out), 64 usage error.
export { drainSettings, DEFAULT_TERMINATION_DRAIN_MS, DEFAULT_MINIMUM_DRAIN_MS, type DrainSettings } from './drain-settings.js';
export { terminate, ACTIVE_CONNECTION_CHECK_MS, type Terminable, type TerminationLog } from './termination.js';
export { waitMain, waitForProxy, parseWaitFlags, WAIT_DEFAULTS, WaitFlagError, type WaitFlags, type WaitOutput } from './wait.js';
