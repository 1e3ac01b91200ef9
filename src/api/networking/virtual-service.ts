// VirtualService: routing rules for hosts, bound to sidecars (`mesh`) and/or gateways.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { checkExportTo, checkLabels } from '../validation/common.js';
import { isIstioDnsLabel, wildcardDomainError } from '../validation/names.js';
import { cidrError, isIPAddress, portError } from '../validation/net.js';
import { validateDestination } from './destination.js';
import { hostCovers, hostsOverlap } from './host-match.js';
import { validateGatewayNames } from './hosts.js';
import { validateHttpRoute } from './http-route-validate.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';
import type { HTTPMatchRequest, HTTPRoute, L4MatchAttributes, RouteDestination, TLSMatchAttributes, VirtualServiceSpec } from './virtual-service-schema.js';
import { virtualServiceSpec } from './virtual-service-schema.js';

export * from './virtual-service-schema.js';

export function validateVirtualService(vs: VirtualServiceSpec, d: Diagnostics): void {
  const hosts = vs.hosts ?? [];
  const gateways = vs.gateways ?? [];
  // A VirtualService without hosts is a delegate: only reachable from a root route.
  const isDelegate = hosts.length === 0;
  if (isDelegate) {
    if (gateways.length > 0) d.error('delegate virtual service must have no gateways specified', 'gateways');
    if ((vs.tls?.length ?? 0) > 0) d.error('delegate virtual service must have no tls route specified', 'tls');
    if ((vs.tcp?.length ?? 0) > 0) d.error('delegate virtual service must have no tcp route specified', 'tcp');
  }
  validateGatewayNames(gateways, d, ['gateways']);
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');

  let allHostsValid = true;
  hosts.forEach((h, i) => {
    const e = wildcardDomainError(h);
    if (e) {
      if (!isIPAddress(h)) {
        d.error(e, 'hosts', i);
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      d.error('wildcard host * is not allowed for virtual services bound to the mesh gateway', 'hosts', i);
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i], hosts[j])) d.error(`duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`, 'hosts', j);
      }
    }
  }

  if ((vs.http?.length ?? 0) === 0 && (vs.tcp?.length ?? 0) === 0 && (vs.tls?.length ?? 0) === 0) {
    d.error('http, tcp or tls must be provided in virtual service');
  }
  vs.http?.forEach((r, i) => validateHttpRoute(r, d.at('http', i), isDelegate));
  vs.tls?.forEach((r, i) => {
    const rd = d.at('tls', i);
    if ((r.match?.length ?? 0) === 0) rd.error('TLS route must have at least one match condition', 'match');
    r.match?.forEach((m, j) => validateTlsMatch(m, hosts, rd.at('match', j)));
    validateL4Destinations(r.route, rd, 'TLS');
  });
  vs.tcp?.forEach((r, i) => {
    const rd = d.at('tcp', i);
    r.match?.forEach((m, j) => validateL4Match(m, rd.at('match', j)));
    validateL4Destinations(r.route, rd, 'TCP');
  });
  checkExportTo(vs.exportTo, d, ['exportTo']);
  warnUnreachableHttp(vs.http ?? [], d);
}

function validateL4Match(m: L4MatchAttributes | TLSMatchAttributes, d: Diagnostics): void {
  m.destinationSubnets?.forEach((s, i) => {
    const e = cidrError(s);
    if (e) d.error(e, 'destinationSubnets', i);
  });
  if (m.port !== undefined) {
    const e = portError(m.port);
    if (e) d.error(e, 'port');
  }
  checkLabels(m.sourceLabels, d, ['sourceLabels']);
  validateGatewayNames(m.gateways, d, ['gateways']);
  if (m.sourceNamespace && !isIstioDnsLabel(m.sourceNamespace)) d.error(`sourceNamespace match ${m.sourceNamespace} is invalid`, 'sourceNamespace');
}

function validateTlsMatch(m: TLSMatchAttributes, vsHosts: readonly string[], d: Diagnostics): void {
  const snis = m.sniHosts ?? [];
  if (snis.length === 0) d.error('TLS match must have at least one SNI host', 'sniHosts');
  snis.forEach((sni, i) => {
    const e = wildcardDomainError(sni);
    if (e) {
      d.error(e, 'sniHosts', i);
      return;
    }
    // An SNI outside the VirtualService's hosts would never reach this route.
    if (!vsHosts.some((h) => hostCovers(h, sni))) {
      d.error(`the SNI host "${sni}" is not a compatible subset of any of the virtual service hosts: [${vsHosts.join(', ')}]`, 'sniHosts', i);
    }
  });
  validateL4Match(m, d);
}

function validateL4Destinations(routes: readonly RouteDestination[] | undefined, d: Diagnostics, kind: 'TCP' | 'TLS'): void {
  if (!routes || routes.length === 0) {
    d.error(`${kind} route is required`, 'route');
    return;
  }
  let total = 0;
  routes.forEach((r, i) => {
    validateDestination(r.destination, d, ['route', i, 'destination']);
    const w = r.weight ?? 0;
    if (w < 0) d.error(`weight ${w} < 0`, 'route', i, 'weight');
    total += w;
  });
  if (routes.length > 1 && total === 0) d.error('total destination weight = 0', 'route');
}

/** A match that accepts every request, as an absent match list does. */
function isCatchAll(m: HTTPMatchRequest): boolean {
  const keys = Object.keys(m).filter((k) => k !== 'name' && (m as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) return true;
  return keys.length === 1 && (m.uri?.prefix === '/' || m.uri?.regex === '.*' || m.uri?.regex === '*') && Object.keys(m.uri ?? {}).length === 1;
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

function stableKey(m: HTTPMatchRequest): string {
  const { name: _n, ...rest } = m;
  return canonical(rest);
}

/** Rules after a catch-all, and matches repeated from earlier rules, never see a request. */
function warnUnreachableHttp(routes: readonly HTTPRoute[], d: Diagnostics): void {
  let catchAll = -1;
  const seen = new Map<string, number>();
  const nameOf = (r: HTTPRoute, i: number): string => r.name ?? `#${i}`;
  routes.forEach((r, i) => {
    if (catchAll >= 0) {
      d.warning(`virtualService rule ${nameOf(r, i)} not used (only the last rule can have no matches)`, 'http', i);
      return;
    }
    const matches = r.match ?? [];
    if (matches.length === 0 || matches.some(isCatchAll)) {
      catchAll = i;
      return;
    }
    let dups = 0;
    matches.forEach((m, j) => {
      const key = stableKey(m);
      const prior = seen.get(key);
      if (prior !== undefined && prior !== i) {
        dups++;
        d.warning(`virtualService rule ${nameOf(r, i)} match ${m.name ?? `#${j}`} is not used (duplicate/overlapping match in rule ${nameOf(routes[prior], prior)})`, 'http', i, 'match', j);
      } else if (prior === undefined) {
        seen.set(key, i);
      }
    });
    if (dups === matches.length && dups > 0) d.warning(`virtualService rule ${nameOf(r, i)} not used (all matches used by prior rules)`, 'http', i);
  });
}

export const virtualServiceKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'VirtualService',
  plural: 'virtualservices',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: virtualServiceSpec,
  validate: (spec, d) => validateVirtualService(spec, d),
});
