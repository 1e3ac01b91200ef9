// Utilities every layer may use: error codes, scoped logging, RE2 regexes, durations.
// Nothing here knows about Istio config, xDS or the proxy.
export * from './errors.js';
export * from './log.js';
export * from './re2.js';
export * from './duration.js';
