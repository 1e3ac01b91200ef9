// Addresses, CIDRs and ports.
import { isIP } from 'node:net';

export function isIPAddress(s: string): boolean {
  return isIP(s) !== 0;
}

/** Reason `s` is not an IP or CIDR (`10.0.0.0/8`, `::1/128`, a bare IP), or undefined. */
export function cidrError(s: string): string | undefined {
  const slash = s.indexOf('/');
  const ip = slash < 0 ? s : s.slice(0, slash);
  const family = isIP(ip);
  if (family === 0) return `"${s}" is not a valid IP address or CIDR`;
  if (slash < 0) return undefined;
  const bits = s.slice(slash + 1);
  if (!/^\d+$/.test(bits)) return `"${s}" has an invalid prefix length`;
  const n = Number(bits);
  if (n > (family === 4 ? 32 : 128)) return `"${s}" has an invalid prefix length`;
  return undefined;
}

export function portError(p: number): string | undefined {
  if (!Number.isInteger(p) || p < 1 || p > 65535) return `port number ${p} must be in the range 1..65535`;
  return undefined;
}
