// Sidecar: narrows what a workload's proxy listens on (ingress) and which services it can reach
// (egress), and how traffic to unknown destinations is treated.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, z } from '../schema.js';
import { UNIX_PREFIX, unixAddressError, validateBind, validateDefaultEndpoint } from './bind.js';
import { destination, validateDestination } from './destination.js';
import { namespaceSlashHostError } from './hosts.js';
import { isHttpProtocol, isTlsProtocol, parseProtocol, port, validatePortName, validatePortNumber, validateProtocol, type Port } from './port.js';
import { checkNetworkingSelector, networkingWorkloadSelector } from './selectors.js';
import { serverTlsSettings, validateServerTls } from './tls-settings.js';
import { connectionPoolSettings } from './traffic-policy-schema.js';
import { validateConnectionPool } from './traffic-policy-validate.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';

const captureMode = z.enum(['DEFAULT', 'IPTABLES', 'NONE']);

export const istioIngressListener = message({
  port,
  bind: z.string().optional(),
  captureMode: captureMode.optional(),
  defaultEndpoint: z.string().optional(),
  tls: serverTlsSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
});
export type IstioIngressListener = z.infer<typeof istioIngressListener>;

export const istioEgressListener = message({
  port: port.optional(),
  bind: z.string().optional(),
  captureMode: captureMode.optional(),
  hosts: z.array(z.string()).optional(),
});
export type IstioEgressListener = z.infer<typeof istioEgressListener>;

export const outboundTrafficPolicy = message({
  mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']).optional(),
  egressProxy: destination.optional(),
});

export const sidecarSpec = message({
  workloadSelector: networkingWorkloadSelector.optional(),
  ingress: z.array(istioIngressListener).optional(),
  egress: z.array(istioEgressListener).optional(),
  inboundConnectionPool: connectionPoolSettings.optional(),
  outboundTrafficPolicy: outboundTrafficPolicy.optional(),
});
export type SidecarSpec = z.infer<typeof sidecarSpec>;

function validateIngress(l: IstioIngressListener, d: Diagnostics, seen: Set<number>): void {
  const p = l.port;
  validatePortName(p.name, d, ['port', 'name']);
  validateProtocol(p.protocol, d, ['port', 'protocol']);
  if (p.number === undefined) d.error('sidecar: port number is required for ingress listeners', 'port', 'number');
  else {
    validatePortNumber(p.number, d, ['port', 'number']);
    if (seen.has(p.number)) d.error('sidecar: ports on IP bound listeners must be unique', 'port', 'number');
    seen.add(p.number);
  }
  validateBind(l.bind, d, ['bind'], { allowUnix: false });
  validateDefaultEndpoint(l.defaultEndpoint, d, ['defaultEndpoint'], 'sidecar');
  const proto = parseProtocol(p.protocol);
  if (l.tls) {
    if (l.tls.httpsRedirect) d.error('sidecar: httpsRedirect is not supported', 'tls', 'httpsRedirect');
    if (l.tls.credentialName) d.error('sidecar: credentialName is not currently supported', 'tls', 'credentialName');
    if (l.tls.mode === 'ISTIO_MUTUAL' || l.tls.mode === 'AUTO_PASSTHROUGH') {
      d.error(`configuration is invalid: cannot set mode to ${l.tls.mode} in sidecar ingress tls`, 'tls', 'mode');
    }
    if ((l.tls.subjectAltNames?.length ?? 0) > 0) d.warning('sidecar: subjectAltNames is not supported in ingress tls', 'tls', 'subjectAltNames');
    if (!isTlsProtocol(proto)) d.error('server cannot have TLS settings for non HTTPS/TLS ports', 'tls');
    validateServerTls(l.tls, d, ['tls']);
  }
  validateConnectionPool(l.connectionPool, d.at('connectionPool'));
  if (l.connectionPool?.http && p.protocol && !isHttpProtocol(proto)) {
    d.warning(
      `sidecar: HTTP connection pool settings are configured for port ${p.number} (${p.name ?? ''}) but its protocol is not HTTP (${p.protocol}); only TCP settings will apply`,
      'connectionPool',
      'http',
    );
  }
}

function validateEgressPort(p: Port, bind: string | undefined, mode: string | undefined, d: Diagnostics): void {
  validatePortName(p.name, d, ['port', 'name']);
  if (!p.number) {
    // Port 0 means a Unix domain socket listener.
    if (!bind?.startsWith(UNIX_PREFIX)) d.error('sidecar: ports with 0 value must have a unix domain socket bind address', 'bind');
    else {
      const e = unixAddressError(bind.slice(UNIX_PREFIX.length));
      if (e) d.error(e, 'bind');
    }
    if (mode !== undefined && mode !== 'DEFAULT' && mode !== 'NONE') {
      d.error('sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners', 'captureMode');
    }
    return;
  }
  validateProtocol(p.protocol, d, ['port', 'protocol']);
  validatePortNumber(p.number, d, ['port', 'number']);
  validateBind(bind, d, ['bind'], { allowUnix: false });
}

export function validateSidecar(sc: SidecarSpec, d: Diagnostics, namespace: string): void {
  if (sc.workloadSelector && Object.keys(sc.workloadSelector.labels ?? {}).length === 0) {
    d.error('sidecar: workloadSelector cannot have empty labels', 'workloadSelector', 'labels');
  }
  checkNetworkingSelector(sc.workloadSelector, d, ['workloadSelector']);
  if (!sc.egress?.length && !sc.ingress?.length && !sc.outboundTrafficPolicy && !sc.inboundConnectionPool) {
    d.error('sidecar: empty configuration provided');
    return;
  }
  const ingressPorts = new Set<number>();
  sc.ingress?.forEach((l, i) => validateIngress(l, d.at('ingress', i), ingressPorts));
  validateConnectionPool(sc.inboundConnectionPool, d.at('inboundConnectionPool'));

  const egressPorts = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  const egress = sc.egress ?? [];
  egress.forEach((l, i) => {
    const ed = d.at('egress', i);
    if (!l.port) {
      // One listener without a port catches everything else, so it must come last.
      if (catchAll) ed.error('sidecar: egress can have only one listener with empty port', 'port');
      else if (i !== egress.length - 1) ed.error('sidecar: the egress listener with empty port should be the last listener in the list', 'port');
      catchAll = true;
    } else {
      validateEgressPort(l.port, l.bind, l.captureMode, ed);
      if (!l.port.number) {
        if (sockets.has(l.bind ?? '')) ed.error('sidecar: unix domain socket values for listeners must be unique', 'bind');
        sockets.add(l.bind ?? '');
      } else {
        if (egressPorts.has(l.port.number)) ed.error('sidecar: ports on IP bound listeners must be unique', 'port', 'number');
        egressPorts.add(l.port.number);
      }
    }
    const hosts = l.hosts ?? [];
    if (hosts.length === 0) ed.error('sidecar: egress listener must contain at least one host', 'hosts');
    const byNs = new Map<string, Set<string>>();
    hosts.forEach((h, j) => {
      const e = namespaceSlashHostError(h, 'sidecar');
      if (e) {
        ed.error(e, 'hosts', j);
        return;
      }
      const slash = h.indexOf('/');
      const ns = h.slice(0, slash) === '.' ? namespace : h.slice(0, slash);
      const svc = h.slice(slash + 1);
      const set = byNs.get(ns) ?? new Set<string>();
      if ((svc !== '*' && (set.has(svc) || set.has('*'))) || (svc === '*' && set.size > 0)) {
        ed.warning(`duplicated egress host: ${h}`, 'hosts', j);
      }
      set.add(svc);
      byNs.set(ns, set);
    });
    if (byNs.get('*')?.has('*') && byNs.size !== 1) ed.warning('`*/*` host select all resources, no other hosts can be added', 'hosts');
  });

  const otp = sc.outboundTrafficPolicy;
  if (otp?.egressProxy) {
    const od = d.at('outboundTrafficPolicy');
    if (otp.mode !== 'ALLOW_ANY') od.error('sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode', 'egressProxy');
    validateDestination(otp.egressProxy, od, ['egressProxy']);
    if (otp.egressProxy.port?.number === undefined) od.error('sidecar: egress_proxy port must be non-nil', 'egressProxy', 'port');
  }
}

export const sidecarKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'Sidecar',
  plural: 'sidecars',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: sidecarSpec,
  validate: (spec, d, ctx) => validateSidecar(spec, d, ctx.meta.namespace),
});
