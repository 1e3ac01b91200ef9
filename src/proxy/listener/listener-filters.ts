// Runs a listener's inspecting listener filters (tls_inspector, http_inspector) on an accepted
// connection before its filter chain is chosen: bytes are read and kept until every inspector
// has decided, then handed on with what they found (SNI, ALPN, transport protocol). Envoy's
// listener_filters_timeout applies: on expiry the connection is closed, or, with
// continue_on_listener_filters_timeout, matched with whatever was found so far.
import type { Socket } from 'node:net';
import { WellKnownName } from '../../xds-api/index.js';
import type { StatsRegistry } from '../stats.js';
import { inspectHttp } from './http-inspector.js';
import { inspectClientHello, TlsInspectorStats } from './tls-inspector.js';

/** Envoy's default listener_filters_timeout. */
export const DEFAULT_LISTENER_FILTERS_TIMEOUT_MS = 15_000;

export interface Inspected {
  serverName: string | undefined;
  transportProtocol: string;
  applicationProtocols: readonly string[];
  /** Bytes read while inspecting, to be replayed to the chain (possibly empty). */
  initial: Buffer;
}

export interface ListenerFilterPlan {
  readonly tls: boolean;
  readonly http: boolean;
  /** 0: no timeout. */
  readonly timeoutMs: number;
  readonly continueOnTimeout: boolean;
  readonly tlsStats: TlsInspectorStats | undefined;
  readonly listenerStats: { downstream_pre_cx_timeout: number };
}

/** Envoy's `listener.<address>_<port>.*` counters. */
export class ListenerStats {
  downstream_cx_total = 0;
  downstream_cx_active = 0;
  downstream_pre_cx_timeout = 0;
}

export function listenerStats(stats: StatsRegistry, address: string, port: number): ListenerStats {
  return stats.group(`listener.${address}_${port}`, () => new ListenerStats());
}

/** The inspecting part of a listener's filters; undefined when none needs connection bytes. */
export function planListenerFilters(
  names: readonly string[] | undefined,
  timeoutMs: number | undefined,
  continueOnTimeout: boolean | undefined,
  stats: StatsRegistry,
  listenerStatPrefix: string,
): ListenerFilterPlan | undefined {
  const tls = names?.includes(WellKnownName.TlsInspector) ?? false;
  const http = names?.includes(WellKnownName.HttpInspector) ?? false;
  if (!tls && !http) return undefined;
  return {
    tls,
    http,
    timeoutMs: timeoutMs ?? DEFAULT_LISTENER_FILTERS_TIMEOUT_MS,
    continueOnTimeout: continueOnTimeout ?? false,
    tlsStats: tls ? stats.group('tls_inspector', () => new TlsInspectorStats()) : undefined,
    listenerStats: stats.group(`listener.${listenerStatPrefix}`, () => new ListenerStats()),
  };
}

/**
 * Inspects `socket` per `plan`, then calls `done` with the findings (the socket is left paused,
 * its consumed bytes in `initial`), or closes the socket and never calls `done`.
 */
export function inspectConnection(socket: Socket, plan: ListenerFilterPlan, done: (r: Inspected) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  let tlsPending = plan.tls;
  let httpPending = plan.http;
  const r: Inspected = { serverName: undefined, transportProtocol: 'raw_buffer', applicationProtocols: [], initial: buf };
  let timer: NodeJS.Timeout | undefined;

  const finish = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    r.initial = buf;
    done(r);
  };
  const step = (): boolean => {
    if (tlsPending) {
      const t = inspectClientHello(buf);
      const s = plan.tlsStats!;
      switch (t.kind) {
        case 'need-more': return false;
        case 'too-large':
          s.client_hello_too_large++;
          socket.destroy();
          return true;
        case 'not-tls':
          s.tls_not_found++;
          break;
        case 'tls':
          s.tls_found++;
          r.transportProtocol = 'tls';
          r.serverName = t.serverName;
          if (t.serverName !== undefined) s.sni_found++;
          else s.sni_not_found++;
          if (t.alpn.length > 0) {
            s.alpn_found++;
            r.applicationProtocols = t.alpn;
          } else {
            s.alpn_not_found++;
          }
          httpPending = false; // Envoy's http_inspector skips connections already found to be TLS
          break;
      }
      tlsPending = false;
    }
    if (httpPending) {
      const h = inspectHttp(buf);
      if (h.kind === 'need-more') return false;
      if (h.kind === 'http') r.applicationProtocols = [h.protocol];
      httpPending = false;
    }
    finish();
    return true;
  };
  function onData(d: Buffer): void {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    step();
  }
  // The peer ended before the inspectors could decide: Envoy closes such a connection.
  function onEnd(): void {
    socket.destroy();
  }
  if (plan.timeoutMs > 0) {
    timer = setTimeout(() => {
      plan.listenerStats.downstream_pre_cx_timeout++;
      if (!plan.continueOnTimeout) {
        socket.destroy();
        return;
      }
      finish();
    }, plan.timeoutMs);
  }
  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.on('error', () => { /* 'close' follows */ });
  socket.once('close', () => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
