// What every sample app shares: it listens on its pod's address, answers JSON that names the
// service, version and pod that served it and the request headers it saw (so a caller can tell
// which sidecars the request crossed), and calls other services through its sidecar's egress
// listener, forwarding the tracing headers as Istio asks applications to.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Who this process is, from the environment the launcher gives it (as a kubelet would). */
export interface Workload {
  readonly service: string;
  readonly version: string;
  readonly pod: string;
  readonly namespace: string;
  /** host:port of the sidecar's egress listener; calls to other services go there. */
  readonly meshOutbound?: string;
}

export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A sample app: answers one request, possibly calling other services first. */
export type Handler = (req: IncomingMessage, path: string, mesh: Mesh) => Promise<Reply>;

export interface SampleApp {
  readonly service: string;
  readonly handle: Handler;
}

/** The result of a call through the sidecar: the callee's JSON, or why there is none. */
export interface CallResult {
  readonly status: number;
  readonly body?: unknown;
  readonly error?: string;
}

export interface Mesh {
  /** GET http://<service>:<port><path> through the sidecar's egress listener. */
  call(service: string, path: string): Promise<CallResult>;
}

/** Headers Istio's documentation asks apps to copy from the incoming request to outgoing calls. */
export const PROPAGATED_HEADERS = [
  'x-request-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid',
  'x-b3-sampled', 'x-b3-flags', 'b3', 'x-ot-span-context', 'x-cloud-trace-context', 'grpc-trace-bin',
  'sw8', 'end-user', 'user-agent',
] as const;

const CALL_TIMEOUT_MS = 3000;

export function workloadFromEnv(env: NodeJS.ProcessEnv, service: string): Workload {
  return {
    service,
    version: env.SERVICE_VERSION || 'v1',
    pod: env.POD_NAME || service,
    namespace: env.POD_NAMESPACE || 'default',
    ...(env.MESH_OUTBOUND ? { meshOutbound: env.MESH_OUTBOUND } : {}),
  };
}

export function propagated(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROPAGATED_HEADERS) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/** Calls go to the egress listener with the Host a call to `http://<service>:<port>` would carry. */
function meshFor(w: Workload, incoming: IncomingHttpHeaders): Mesh {
  return {
    call(service, path) {
      if (!w.meshOutbound) return Promise.resolve({ status: 0, error: 'MESH_OUTBOUND is not set: this app has no sidecar egress listener to call through' });
      const colon = w.meshOutbound.lastIndexOf(':');
      const host = w.meshOutbound.slice(0, colon);
      const port = Number(w.meshOutbound.slice(colon + 1));
      return new Promise((resolve) => {
        const req = request({
          host, port, path, method: 'GET', timeout: CALL_TIMEOUT_MS,
          headers: { ...propagated(incoming), host: `${service}:${port}`, accept: 'application/json' },
        }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { text += d; });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            try {
              resolve({ status, body: JSON.parse(text) as unknown });
            } catch {
              resolve({ status, error: text.trim() || `HTTP ${status}` });
            }
          });
          res.on('error', (e) => resolve({ status: res.statusCode ?? 0, error: e.message }));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer from ${service} within ${CALL_TIMEOUT_MS} ms`)));
        req.on('error', (e) => resolve({ status: 0, error: e.message }));
        req.end();
      });
    },
  };
}

/** Every reply carries who served it and what arrived, so a curl shows the path taken. */
function envelope(w: Workload, req: IncomingMessage, body: Record<string, unknown>): Record<string, unknown> {
  return {
    service: w.service,
    version: w.version,
    pod: `${w.pod}.${w.namespace}`,
    ...body,
    request: { method: req.method, path: req.url, from: req.socket.remoteAddress, headers: req.headers },
  };
}

export function serve(app: SampleApp, w: Workload): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: Record<string, unknown>) => {
      const text = `${JSON.stringify(envelope(w, req, body), null, 2)}\n`;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    req.resume();
    req.on('end', () => {
      app.handle(req, path, meshFor(w, req.headers)).then(
        (r) => send(r.status, r.body),
        (e: unknown) => send(500, { error: e instanceof Error ? e.message : String(e) }),
      );
    });
  });
}

/** Listens on host:port; resolves with the bound port (port 0 works). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
