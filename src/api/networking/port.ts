// Port (number, protocol, name, targetPort) of Gateway servers, Sidecar listeners and
// ServiceEntry, and Istio's protocol names.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { message, uint32, z } from '../schema.js';
import { isIstioDnsLabel } from '../validation/names.js';
import { portError } from '../validation/net.js';

export const port = message({
  number: uint32.optional(),
  protocol: z.string().optional(),
  name: z.string().optional(),
  targetPort: uint32.optional(),
});
export type Port = z.infer<typeof port>;

export const PROTOCOLS = ['TCP', 'UDP', 'GRPC', 'GRPC-WEB', 'HTTP', 'HTTP_PROXY', 'HTTP2', 'HTTPS', 'TLS', 'MONGO', 'REDIS', 'MYSQL'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Istio parses protocol names case-insensitively; undefined means unsupported. */
export function parseProtocol(p: string | undefined): Protocol | undefined {
  const up = (p ?? '').toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(up) ? (up as Protocol) : undefined;
}

export function isHttpProtocol(p: Protocol | undefined): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB' || p === 'HTTP_PROXY';
}

export function isTlsProtocol(p: Protocol | undefined): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

/** An empty protocol means "detect it" where Istio sniffs (ServiceEntry, Sidecar). */
export function validateProtocol(p: string | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (p === undefined || p === '') return;
  if (!parseProtocol(p)) d.error(`"${p}" is not a valid protocol`, ...path);
}

export function validatePortName(name: string | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (name === undefined || name === '') return;
  if (!isIstioDnsLabel(name)) d.error(`invalid port name: ${name}`, ...path);
}

export function validatePortNumber(n: number | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (n === undefined) return;
  const e = portError(n);
  if (e) d.error(e, ...path);
}
