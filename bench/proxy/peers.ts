// Config files for the benchmark's peers: nginx as the 1 KiB backend and as a proxy (1 worker),
// HAProxy (1 thread), and a bootstrap for our proxy. All bind 127.0.0.1 only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BODY_1K = 'x'.repeat(1024);

function nginxBase(dir: string): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  // master_process off: one process serves, so its /proc entry is the whole cost.
  return `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\n`
    + `events { worker_connections 4096; }\n`;
}

function httpBase(dir: string): string {
  return `access_log off; keepalive_requests 1000000; keepalive_timeout 60s;\n`
    + `client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/pt; fastcgi_temp_path ${dir}/ft; uwsgi_temp_path ${dir}/ut; scgi_temp_path ${dir}/st;\n`;
}

export function nginxBackendConf(dir: string, port: number): string {
  const f = join(dir, 'backend.conf');
  writeFileSync(f, `${nginxBase(dir)}http { ${httpBase(dir)}\n`
    + `server { listen 127.0.0.1:${port}; default_type text/plain; location / { return 200 "${BODY_1K}"; } } }\n`);
  return f;
}

export function nginxProxyConf(dir: string, port: number, upstream: number): string {
  const f = join(dir, 'nginx-proxy.conf');
  writeFileSync(f, `${nginxBase(dir)}http { ${httpBase(dir)}\n`
    + `upstream be { server 127.0.0.1:${upstream}; keepalive 64; }\n`
    + `server { listen 127.0.0.1:${port}; location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }\n`);
  return f;
}

export function haproxyConf(dir: string, port: number, upstream: number): string {
  const f = join(dir, 'haproxy.cfg');
  writeFileSync(f, `global\n  nbthread 1\n  maxconn 4096\n\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n  option http-keep-alive\n  http-reuse always\n\n`
    + `frontend fe\n  bind 127.0.0.1:${port}\n  default_backend be\n\nbackend be\n  server s1 127.0.0.1:${upstream}\n`);
  return f;
}

export function istioTsBootstrap(dir: string, port: number, upstream: number): string {
  const f = join(dir, 'istio-ts.json');
  writeFileSync(f, JSON.stringify({
    listeners: [{
      name: 'bench', address: '127.0.0.1', port,
      filterChains: [{ httpConnectionManager: { statPrefix: 'bench', routeConfigName: 'bench' } }],
    }],
    routeConfigs: [{ name: 'bench', virtualHosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'backend' } }] }] }],
    clusters: [{
      name: 'backend', type: 'STATIC',
      loadAssignment: { clusterName: 'backend', endpoints: [{ address: '127.0.0.1', port: upstream }] },
    }],
  }));
  return f;
}
