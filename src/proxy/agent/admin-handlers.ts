// The Envoy admin endpoints pilot-agent adds on top of the proxy's own (/stats, /quitquitquit):
// /config_dump, /clusters and /listeners (text, or ?format=json), /server_info, /ready, /logging,
// /drain_listeners — in Envoy's shapes, so `istioctl proxy-config` and users' scripts work.
import { logLevels, setLogLevel } from '../../shared/index.js';
import type { AdminHandler, AdminReply } from '../admin/admin-server.js';
import type { ClusterLoadAssignment, LbEndpoint } from '../config/types.js';
import { configDump, nodeJson, type DumpContext } from '../xds/config-dump.js';

export interface AgentView extends DumpContext {
  readonly state: DumpContext['state'];
  /** INITIALIZING until the first full config is applied, LIVE after, DRAINING once drained. */
  serverState(): 'INITIALIZING' | 'LIVE' | 'DRAINING';
  listenerPort(name: string): number | undefined;
  drainListeners(opts: { inboundOnly?: boolean }): Promise<void>;
  /** STRICT_DNS / LOGICAL_DNS clusters' hosts as resolved (their config holds hostnames). */
  resolvedEndpoints?(): Promise<Record<string, readonly LbEndpoint[]>>;
  readonly concurrency: number;
  readonly version: string;
}

const json = (body: unknown, status = 200): AdminReply => ({ status, type: 'application/json', body: `${JSON.stringify(body, null, 2)}\n` });
const text = (body: string, status = 200): AdminReply => ({ status, type: 'text/plain', body });

function uptime(a: AgentView): string {
  return `${Math.floor((Date.now() - a.startedAt.getTime()) / 1000)}s`;
}

// Envoy's level names (and pino's `warn`/`fatal`), mapped onto pino's.
const LEVELS = new Set(['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'fatal', 'off']);
const PINO: Record<string, string> = { warning: 'warn', critical: 'fatal', off: 'silent' };
const pinoLevel = (l: string): string => PINO[l] ?? l;

type Resolved = Record<string, readonly LbEndpoint[]>;

function endpointsOf(a: AgentView, name: string, resolved: Resolved): ClusterLoadAssignment | undefined {
  const c = a.state.activeClusters.get(name)?.resource.value;
  if (c === undefined) return undefined;
  const dns = resolved[name];
  if (dns !== undefined) return { clusterName: name, endpoints: dns };
  if (c.config.loadAssignment !== undefined) return c.config.loadAssignment;
  const svc = c.edsServiceName;
  return svc === undefined ? undefined : a.state.endpoints.entries.get(svc)?.resource.value;
}

function clustersJson(a: AgentView, resolved: Resolved): object {
  const statuses = [...a.state.activeClusters.entries()].map(([name, e]) => {
    const cb = e.resource.value.config.circuitBreakers ?? {};
    const hosts = (endpointsOf(a, name, resolved)?.endpoints ?? []).map((ep) => ({
      address: { socket_address: { address: ep.address, port_value: ep.port } },
      health_status: { eds_health_status: ep.healthStatus ?? 'HEALTHY' },
      weight: ep.weight ?? 1,
      locality: { ...(ep.locality?.region ? { region: ep.locality.region } : {}), ...(ep.locality?.zone ? { zone: ep.locality.zone } : {}), ...(ep.locality?.subZone ? { sub_zone: ep.locality.subZone } : {}) },
      ...(ep.priority ? { priority: ep.priority } : {}),
    }));
    return {
      name,
      observability_name: name,
      added_via_api: true,
      circuit_breakers: { thresholds: [{ max_connections: cb.maxConnections ?? 1024, max_pending_requests: cb.maxPendingRequests ?? 1024, max_requests: cb.maxRequests ?? 1024, max_retries: 3 }] },
      ...(hosts.length > 0 ? { host_statuses: hosts } : {}),
    };
  });
  return { cluster_statuses: statuses };
}

function clustersText(a: AgentView, resolved: Resolved): string {
  let out = '';
  for (const [name, e] of a.state.activeClusters) {
    const cb = e.resource.value.config.circuitBreakers ?? {};
    out += `${name}::observability_name::${name}\n`;
    out += `${name}::default_priority::max_connections::${cb.maxConnections ?? 1024}\n`;
    out += `${name}::default_priority::max_pending_requests::${cb.maxPendingRequests ?? 1024}\n`;
    out += `${name}::default_priority::max_requests::${cb.maxRequests ?? 1024}\n`;
    out += `${name}::added_via_api::true\n`;
    for (const ep of endpointsOf(a, name, resolved)?.endpoints ?? []) {
      const h = `${name}::${ep.address}:${ep.port}`;
      const unhealthy = ep.healthStatus === 'UNHEALTHY' || ep.healthStatus === 'DRAINING' || ep.healthStatus === 'TIMEOUT';
      out += `${h}::health_flags::${unhealthy ? '/failed_eds_health' : 'healthy'}\n`;
      out += `${h}::weight::${ep.weight ?? 1}\n`;
      out += `${h}::region::${ep.locality?.region ?? ''}\n${h}::zone::${ep.locality?.zone ?? ''}\n${h}::sub_zone::${ep.locality?.subZone ?? ''}\n`;
      out += `${h}::priority::${ep.priority ?? 0}\n`;
    }
  }
  return out;
}

export function agentAdminHandlers(a: AgentView): Map<string, AdminHandler> {
  const handlers = new Map<string, AdminHandler>();
  handlers.set('/config_dump', (url) => json(configDump(a, { includeEds: url.searchParams.has('include_eds') })));
  handlers.set('/clusters', async (url) => {
    const resolved = (await a.resolvedEndpoints?.()) ?? {};
    return url.searchParams.get('format') === 'json' ? json(clustersJson(a, resolved)) : text(clustersText(a, resolved));
  });
  handlers.set('/listeners', (url) => {
    const rows = [...a.state.activeListeners.values()].map((e) => {
      const l = e.resource.value;
      return { name: l.name, address: l.address, port: a.listenerPort(l.name) ?? l.port };
    });
    if (url.searchParams.get('format') === 'json') {
      return json({ listener_statuses: rows.map((r) => ({ name: r.name, local_address: { socket_address: { address: r.address, port_value: r.port } } })) });
    }
    return text(rows.map((r) => `${r.name}::${r.address}:${r.port}\n`).join(''));
  });
  handlers.set('/server_info', () => json({
    version: `istio-ts/${a.version}/Clean/RELEASE/NodeJS ${process.version}`,
    state: a.serverState(),
    hot_restart_version: 'disabled',
    command_line_options: { concurrency: a.concurrency, mode: 'Serve', drain_strategy: 'Immediate' },
    node: nodeJson(a.node),
    uptime_current_epoch: uptime(a),
    uptime_all_epochs: uptime(a),
  }));
  handlers.set('/ready', () => {
    const s = a.serverState();
    return text(`${s}\n`, s === 'LIVE' ? 200 : 503);
  });
  handlers.set('/logging', (url, method) => {
    const changes = [...url.searchParams.entries()];
    if (changes.length > 0) {
      if (method !== 'POST') return text('This endpoint requires POST to change levels\n', 405);
      for (const [k, v] of changes) {
        const level = v;
        if (!LEVELS.has(level)) return text(`error: unknown level "${level}"\n`, 400);
        const scopes = k === 'level' ? Object.keys(logLevels()) : [k];
        for (const s of scopes) setLogLevel(s, pinoLevel(level));
      }
    }
    const lines = Object.entries(logLevels()).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `  ${k}: ${v}\n`);
    return text(`active loggers:\n${lines.join('')}`);
  });
  handlers.set('/drain_listeners', (url, method) => {
    if (method !== 'POST') return text('This endpoint requires POST\n', 405);
    // `graceful` is accepted; listeners stop accepting at once either way (see ARCHITECTURE, lifecycle).
    void a.drainListeners({ inboundOnly: url.searchParams.has('inboundonly') });
    return text('OK\n');
  });
  return handlers;
}
