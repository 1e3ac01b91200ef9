// istiod's monitoring and debug HTTP surface: /metrics, /ready, /debug/syncz, config_dump,
// registryz, endpointz, configz, push_status; JSON shapes follow Istio's where tools read them.
export { MonitoringServer, DEBUG_ENDPOINTS, type MonitoringSources } from './monitoring-server.js';
export { istioSyncz, type IstioSyncStatus } from './syncz.js';
export { configDump } from './config-dump.js';
export { xdsToJson } from './any-json.js';
