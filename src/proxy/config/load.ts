// The static bootstrap: a JSON or YAML file holding a ProxyConfig plus the admin address. Used by
// tests and the benchmark until the xDS client feeds the same config from a control plane.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ProxyConfig } from './types.js';

export interface Bootstrap {
  readonly admin?: { readonly address?: string; readonly port: number };
  readonly config: ProxyConfig;
}

function fail(path: string, msg: string): never {
  throw new Error(`bootstrap: ${path}: ${msg}`);
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(path, 'must be a list');
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') fail(path, 'must be a non-empty string');
  return v;
}

function port(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) fail(path, 'must be a port number 0-65535');
  return v;
}

/** Checks the fields everything else relies on; deeper problems (bad regexes) surface at compile. */
export function parseBootstrap(text: string): Bootstrap {
  const raw = parseYaml(text) as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object') fail('$', 'must be a mapping');
  const admin = raw.admin as { address?: string; port: number } | undefined;
  if (admin !== undefined) port(admin.port, 'admin.port');
  arr(raw.listeners, 'listeners').forEach((l, i) => {
    const x = l as Record<string, unknown>;
    str(x.name, `listeners[${i}].name`);
    str(x.address, `listeners[${i}].address`);
    port(x.port, `listeners[${i}].port`);
    arr(x.filterChains, `listeners[${i}].filterChains`).forEach((fc, j) => {
      const f = fc as Record<string, unknown>;
      const hcm = f.httpConnectionManager as Record<string, unknown> | undefined;
      const tcp = f.tcpProxy as Record<string, unknown> | undefined;
      if ((hcm === undefined) === (tcp === undefined)) fail(`listeners[${i}].filterChains[${j}]`, 'needs exactly one of httpConnectionManager, tcpProxy');
      if (hcm !== undefined) str(hcm.statPrefix, `listeners[${i}].filterChains[${j}].httpConnectionManager.statPrefix`);
      if (tcp !== undefined) str(tcp.statPrefix, `listeners[${i}].filterChains[${j}].tcpProxy.statPrefix`);
    });
  });
  arr(raw.clusters, 'clusters').forEach((c, i) => {
    const x = c as Record<string, unknown>;
    str(x.name, `clusters[${i}].name`);
    if (x.type !== 'STATIC' && x.type !== 'EDS') fail(`clusters[${i}].type`, 'must be STATIC or EDS');
    if (x.lbPolicy !== undefined && !['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'].includes(x.lbPolicy as string)) {
      fail(`clusters[${i}].lbPolicy`, 'must be ROUND_ROBIN, LEAST_REQUEST or RANDOM');
    }
  });
  arr(raw.routeConfigs, 'routeConfigs').forEach((r, i) => str((r as Record<string, unknown>).name, `routeConfigs[${i}].name`));
  const config: ProxyConfig = {
    version: typeof raw.version === 'string' ? raw.version : 'static',
    listeners: (raw.listeners ?? []) as ProxyConfig['listeners'],
    routeConfigs: (raw.routeConfigs ?? []) as ProxyConfig['routeConfigs'],
    clusters: (raw.clusters ?? []) as ProxyConfig['clusters'],
    endpoints: (raw.endpoints ?? []) as ProxyConfig['endpoints'],
  };
  return { admin, config };
}

export function loadBootstrap(file: string): Bootstrap {
  return parseBootstrap(readFileSync(file, 'utf8'));
}
