// Traffic capture for `pilot-agent istio-iptables`: Istio's iptables chains (REDIRECT and TPROXY),
// generated from Istio's flags, printed in iptables-restore form (--dry-run), applied, and removed
// again by the `clean` sub-command. Imports only src/shared.
export { istioIptablesMain, renderDryRun, type IptablesIO } from './main.js';
export { parseArgs, usage, DEFAULT_CONFIG, ALWAYS_EXCLUDED_INBOUND_PORTS, type CaptureConfig, type InterceptionMode } from './config.js';
export { buildRules, CHAIN, INBOUND_PASSTHROUGH_SOURCE, OUTBOUND_MARK } from './rules.js';
export { renderRestore, type Rule, type Table } from './rule-set.js';
export { applyRules, cleanRules, istioChains, spawnRunner, type Runner, type RunResult } from './apply.js';
