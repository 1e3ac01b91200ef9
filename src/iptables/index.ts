// Traffic capture for `pilot-agent istio-iptables`: Istio's iptables chains (REDIRECT and TPROXY),
// generated from Istio's flags, printed in iptables-restore form (--dry-run), applied, and removed
// again by the `clean` sub-command. Imports only src/shared.
export { istioIptablesMain } from './main.js';
