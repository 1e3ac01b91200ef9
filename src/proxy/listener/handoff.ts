// Envoy's use_original_dst handoff: a connection captured on virtualOutbound/virtualInbound goes
// to the listener bound to its original destination — exact IP:port first, then the wildcard
// address for that port — else stays on the capturing listener, whose filter chains then match
// against the original destination.
import type { Socket } from 'node:net';
import { WellKnownName } from '../../xds-api/index.js';
import { originalDestination, transparentDestination, type OriginalDestination } from '../capture/index.js';
import type { ListenerConfig } from '../config/types.js';

/** Whether a listener restores destinations: the original_dst listener filter, which use_original_dst implies (as Envoy adds it). */
export function restoresDestination(l: ListenerConfig): boolean {
  return l.useOriginalDst === true || (l.listenerFilters?.includes(WellKnownName.OriginalDst) ?? false);
}

/**
 * The default lookup: SO_ORIGINAL_DST for REDIRECT-captured connections; a connection that has
 * no NAT record (TPROXY, or no conntrack) keeps its own local address, which then is the original.
 */
export function capturedLookup(socket: Socket): OriginalDestination | undefined {
  return originalDestination(socket) ?? transparentDestination(socket);
}

function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address.toLowerCase();
}

export class ListenerIndex<T> {
  private readonly map = new Map<string, T>();

  add(address: string, port: number, value: T): void {
    const key = `${plain(address)}|${port}`;
    if (!this.map.has(key)) this.map.set(key, value);
  }

  find(address: string, port: number): T | undefined {
    const a = plain(address);
    return this.map.get(`${a}|${port}`) ?? this.map.get(`${a.includes(':') ? '::' : '0.0.0.0'}|${port}`);
  }
}
