// Gateway: the listeners of an ingress/egress gateway proxy — ports, hosts it accepts, TLS.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, stringMap, z } from '../schema.js';
import { checkLabels } from '../validation/common.js';
import { dns1123LabelError } from '../validation/names.js';
import { validateBind, validateDefaultEndpoint } from './bind.js';
import { namespaceSlashHostError } from './hosts.js';
import { isHttpProtocol, isTlsProtocol, parseProtocol, port, validatePortNumber } from './port.js';
import { serverTlsSettings, validateServerTls } from './tls-settings.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';

export const server = message({
  port,
  bind: z.string().optional(),
  hosts: z.array(z.string()).optional(),
  tls: serverTlsSettings.optional(),
  defaultEndpoint: z.string().optional(),
  name: z.string().optional(),
});
export type Server = z.infer<typeof server>;

export const gatewaySpec = message({
  servers: z.array(server).optional(),
  selector: stringMap.optional(),
});
export type GatewaySpec = z.infer<typeof gatewaySpec>;

function validateServer(s: Server, d: Diagnostics): void {
  const hosts = s.hosts ?? [];
  if (hosts.length === 0) d.error('server config must contain at least one host', 'hosts');
  hosts.forEach((h, i) => {
    const e = namespaceSlashHostError(h, 'gateway');
    if (e) d.error(e, 'hosts', i);
  });

  const p = s.port;
  const proto = parseProtocol(p.protocol);
  let portOk = true;
  if (!proto) {
    d.error(`invalid protocol "${p.protocol ?? ''}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`, 'port', 'protocol');
    portOk = false;
  }
  if (p.number === undefined) {
    d.error('port number is required', 'port', 'number');
    portOk = false;
  } else {
    validatePortNumber(p.number, d, ['port', 'number']);
  }
  if (p.targetPort !== undefined && p.targetPort !== 0) validatePortNumber(p.targetPort, d, ['port', 'targetPort']);
  if (!p.name) {
    d.error('port name must be set', 'port', 'name');
    portOk = false;
  }
  validateServerTls(s.tls, d, ['tls']);
  if (portOk) {
    if (isTlsProtocol(proto) && !s.tls) {
      d.error('server must have TLS settings for HTTPS/TLS protocols', 'tls');
    } else if (!isTlsProtocol(proto) && s.tls) {
      if (isHttpProtocol(proto)) {
        // Only an HTTPS redirect makes sense on a plain-text HTTP server.
        const passthrough = (s.tls.mode ?? 'PASSTHROUGH') === 'PASSTHROUGH' || s.tls.mode === 'AUTO_PASSTHROUGH';
        if (!passthrough || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate) {
          d.error('server cannot have TLS settings for plain text HTTP ports', 'tls');
        }
      } else {
        d.error('server cannot have TLS settings for non HTTPS/TLS ports', 'tls');
      }
    }
  }
  validateBind(s.bind, d, ['bind'], { allowUnix: true });
  validateDefaultEndpoint(s.defaultEndpoint, d, ['defaultEndpoint'], 'gateway');
}

export function validateGateway(gw: GatewaySpec, d: Diagnostics): void {
  const servers = gw.servers ?? [];
  if (servers.length === 0) d.error('gateway must have at least one server', 'servers');
  const names = new Set<string>();
  servers.forEach((s, i) => {
    const sd = d.at('servers', i);
    validateServer(s, sd);
    const name = s.port.name ?? '';
    if (name !== '' && names.has(name)) sd.error(`port names in servers must be unique: duplicate name ${name}`, 'port', 'name');
    names.add(name);
  });
  checkLabels(gw.selector, d, ['selector']);
}

export const gatewayKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'Gateway',
  plural: 'gateways',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: gatewaySpec,
  validate: (spec, d, ctx) => {
    // Gateway names become part of RDS route names; Istio requires a DNS-1123 label (no dots).
    if (dns1123LabelError(ctx.meta.name)) ctx.root.error(`invalid gateway name: "${ctx.meta.name}"`, 'metadata', 'name');
    validateGateway(spec, d);
  },
});
