// Building blocks shared by the Kubernetes kinds: protocols, object references, port names and
// the name rules Kubernetes' API server applies to them.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { message, z } from '../schema.js';
import { dns1123LabelError, qualifiedNameError } from '../validation/names.js';
import { isIPAddress } from '../validation/net.js';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export const protocol = z.enum(PROTOCOLS);

/** core/v1 ObjectReference (targetRef of an endpoint address). */
export const objectReference = message({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof objectReference>;

/** A field Kubernetes defines but the mesh never reads: any JSON is accepted. */
export const opaque = z.unknown();

/** IANA_SVC_NAME (a named targetPort or container port): 1-15 lowercase alphanumerics or '-', with a letter. */
export function ianaSvcNameError(name: string): string | undefined {
  if (name.length === 0 || name.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  return undefined;
}

export function checkPortNumber(p: number | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (p === undefined) return;
  if (p < 1 || p > 65535) d.error(`Invalid value: ${p}: must be between 1 and 65535, inclusive`, ...path);
}

/** Port names on Services and Endpoints are DNS-1123 labels. */
export function checkPortName(name: string | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (name === undefined || name === '') return;
  const e = dns1123LabelError(name);
  if (e) d.error(`Invalid value: "${name}": ${e}`, ...path);
}

/** appProtocol: an IANA service name or a domain-prefixed name (`kubernetes.io/h2c`). */
export function checkAppProtocol(v: string | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (v === undefined) return;
  const e = qualifiedNameError(v);
  if (e) d.error(`Invalid value: "${v}": ${e}`, ...path);
}

export function checkIP(v: string, d: Diagnostics, path: PathSegment[]): void {
  if (!isIPAddress(v)) d.error(`Invalid value: "${v}": must be a valid IP address`, ...path);
}

/** Keys of ConfigMap and Secret data: `[-._a-zA-Z0-9]+`, at most 253 characters. */
export function checkConfigKey(key: string, d: Diagnostics, path: PathSegment[]): void {
  if (key.length === 0 || key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key)) {
    d.error(`Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`, ...path);
  } else if (key === '.' || key === '..' || key.startsWith('..')) {
    d.error(`Invalid value: "${key}": must not be '.' or '..' or start with '..'`, ...path);
  }
}
