// Config files for the captured-path benchmark. The two istio-ts bootstraps share one HTTP
// connection manager, route and cluster builder, so "explicit" and "captured" differ only in how
// a connection reaches that chain: a listener the client dials, or Istio's virtualOutbound
// (:15001, use_original_dst) handing the redirected connection to the `0.0.0.0_<port>` listener
// that matches its original destination, as istiod configures a sidecar.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BODY_1K } from '../proxy/peers.js';

/** Where the backend listens (server host) and the proxies listen (client host). */
export interface Ports {
  /** Backend HTTP port: the destination the client's traffic is captured from in the captured run. */
  readonly http: number;
  /** Backend port for the TCP rows (same nginx, so the byte pipe carries HTTP/1.1). */
  readonly tcp: number;
}

function write(dir: string, file: string, text: string): string {
  const f = join(dir, file);
  writeFileSync(f, text, { mode: 0o644 });
  return f;
}

/** nginx as one process answering every GET with 1 KiB on each of `ports` of `ip`. */
export function backendConf(dir: string, ip: string, ports: readonly number[]): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const server = (port: number): string => `server { listen ${ip}:${port} backlog=4096; default_type text/plain; location / { return 200 "${BODY_1K}"; } }\n`;
  return write(dir, 'backend.conf', `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\n`
    + `events { worker_connections 4096; }\nhttp { access_log off; keepalive_requests 1000000; keepalive_timeout 60s;\n`
    + `client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/pt; fastcgi_temp_path ${dir}/ft; uwsgi_temp_path ${dir}/ut; scgi_temp_path ${dir}/st;\n`
    + ports.map(server).join('') + '}\n');
}

/** HAProxy (1 thread), explicit only: an HTTP frontend and a TCP frontend on loopback. */
export function haproxyConf(dir: string, listen: Ports, backendIp: string, backend: Ports): string {
  return write(dir, 'haproxy.cfg', `global\n  nbthread 1\n  maxconn 8192\n\ndefaults\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n\n`
    + `frontend http\n  mode http\n  option http-keep-alive\n  bind 127.0.0.1:${listen.http}\n  default_backend http\n\n`
    + `backend http\n  mode http\n  http-reuse always\n  server s1 ${backendIp}:${backend.http}\n\n`
    + `frontend tcp\n  mode tcp\n  bind 127.0.0.1:${listen.tcp}\n  default_backend tcp\n\n`
    + `backend tcp\n  mode tcp\n  server s1 ${backendIp}:${backend.tcp}\n`);
}

type Json = Record<string, unknown>;

/** Stat prefixes as istiod names them: the HCM's `outbound_0.0.0.0_<port>`, tcp_proxy's cluster name. */
export function statPrefixes(backend: Ports): { http: string; tcp: string } {
  return { http: `outbound_0.0.0.0_${backend.http}`, tcp: `outbound|${backend.tcp}||backend.bench.svc.cluster.local` };
}

/** The filter chains, route and clusters both istio-ts runs share. */
function shared(backendIp: string, backend: Ports): { http: Json; tcp: Json; routeConfigs: Json[]; clusters: Json[] } {
  const cluster = (name: string, port: number): Json => ({
    name, type: 'STATIC', loadAssignment: { clusterName: name, endpoints: [{ address: backendIp, port }] },
  });
  const httpCluster = `outbound|${backend.http}||backend.bench.svc.cluster.local`;
  const tcpCluster = `outbound|${backend.tcp}||backend.bench.svc.cluster.local`;
  return {
    http: { httpConnectionManager: { statPrefix: statPrefixes(backend).http, routeConfigName: String(backend.http) } },
    tcp: { tcpProxy: { statPrefix: tcpCluster, cluster: tcpCluster } },
    routeConfigs: [{
      name: String(backend.http),
      virtualHosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: httpCluster } }] }],
    }],
    clusters: [cluster(httpCluster, backend.http), cluster(tcpCluster, backend.tcp)],
  };
}

/** istio-ts dialled directly: listeners on loopback the client targets. */
export function explicitBootstrap(dir: string, admin: number, listen: Ports, backendIp: string, backend: Ports): string {
  const s = shared(backendIp, backend);
  return write(dir, 'istio-ts-explicit.json', JSON.stringify({
    admin: { port: admin },
    listeners: [
      { name: `127.0.0.1_${listen.http}`, address: '127.0.0.1', port: listen.http, trafficDirection: 'OUTBOUND', filterChains: [s.http] },
      { name: `127.0.0.1_${listen.tcp}`, address: '127.0.0.1', port: listen.tcp, trafficDirection: 'OUTBOUND', filterChains: [s.tcp] },
    ],
    routeConfigs: s.routeConfigs,
    clusters: s.clusters,
  }, null, 1));
}

/** Istio's outbound capture port (`istio-iptables -p`). */
export const CAPTURE_PORT = 15001;

/**
 * istio-ts under capture: virtualOutbound on :15001 (use_original_dst) and one listener per
 * backend port that binds nothing and only receives connections handed over by original
 * destination, each with the same chain as the explicit run.
 */
export function capturedBootstrap(dir: string, admin: number, backendIp: string, backend: Ports): string {
  const s = shared(backendIp, backend);
  const virtual = (port: number, chain: Json): Json => ({
    name: `0.0.0.0_${port}`, address: '0.0.0.0', port, bindToPort: false, trafficDirection: 'OUTBOUND', filterChains: [chain],
  });
  return write(dir, 'istio-ts-captured.json', JSON.stringify({
    admin: { port: admin },
    listeners: [
      {
        name: 'virtualOutbound', address: '0.0.0.0', port: CAPTURE_PORT, useOriginalDst: true, trafficDirection: 'OUTBOUND',
        // Reached only when no listener matches the original destination; nothing else is dialled here.
        filterChains: [{ name: 'BlackHole', tcpProxy: { statPrefix: 'BlackHoleCluster', cluster: 'BlackHoleCluster' } }],
      },
      virtual(backend.http, s.http),
      virtual(backend.tcp, s.tcp),
    ],
    routeConfigs: s.routeConfigs,
    clusters: [...s.clusters, { name: 'BlackHoleCluster', type: 'STATIC', loadAssignment: { clusterName: 'BlackHoleCluster', endpoints: [] } }],
  }, null, 1));
}
