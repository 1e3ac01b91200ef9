// A downstream connection's restored destination. Envoy's original_dst listener filter (and the
// use_original_dst handoff) replace a captured connection's local address with the address the
// client was really going to; ORIGINAL_DST clusters connect there, and only when it was restored
// (an unrestored local address is the proxy itself, and connecting there would loop).
import type { Socket } from 'node:net';
import type { OriginalDestination } from '../capture/index.js';

const RESTORED = Symbol('istio-ts.restoredDestination');

/** How a listener finds a captured connection's original destination (SO_ORIGINAL_DST, TPROXY, or a test's fake). */
export type DestinationLookup = (socket: Socket) => OriginalDestination | undefined;

function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Records `dst` as the socket's local address, as Envoy's connection info does once the
 * original_dst filter ran: filter-chain matching and ORIGINAL_DST clusters see it from here on.
 */
export function restoreDestination(socket: Socket, dst: OriginalDestination): void {
  const d = { address: plain(dst.address), port: dst.port };
  Object.defineProperty(socket, RESTORED, { value: d, configurable: true });
  Object.defineProperty(socket, 'localAddress', { value: d.address, configurable: true });
  Object.defineProperty(socket, 'localPort', { value: d.port, configurable: true });
}

/**
 * The restored destination of a downstream connection, or undefined when none was restored.
 * Reads through wrappers that forward property reads (Node's HTTP/2 session socket proxy).
 */
export function restoredDestination(socket: object | undefined | null): OriginalDestination | undefined {
  return socket === undefined || socket === null ? undefined : (socket as { [RESTORED]?: OriginalDestination })[RESTORED];
}

/** Lets a stream wrapped around `from` (a replaying Duplex) report the same restored destination. */
export function carryDestination(from: Socket, to: object): void {
  const d = restoredDestination(from);
  if (d !== undefined) Object.defineProperty(to, RESTORED, { value: d, configurable: true });
}

/** Parses `IP:port` / `[IPv6]:port` (x-envoy-original-dst-host); undefined unless both parts are valid. */
export function parseHostPort(v: string | undefined): OriginalDestination | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(s) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s);
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  if (!m[1].includes(':') && m[1].split('.').some((o) => Number(o) > 255)) return undefined;
  return { address: m[1].toLowerCase(), port };
}
