// Envoy's http_inspector: tells plaintext HTTP/1.x and HTTP/2 (prior knowledge) apart from other
// bytes by the start of the connection, and reports it as the application protocol
// (`http/1.0`, `http/1.1`, `h2c`) that Istio's sniffing filter chains match on.
import { H2_PREFACE } from './dispatch.js';

export type HttpInspectResult =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'not-http' }
  | { readonly kind: 'http'; readonly protocol: 'http/1.0' | 'http/1.1' | 'h2c' };

/** How far the inspector reads for a request line before giving up on HTTP/1.x. */
export const MAX_INSPECT = 8 * 1024;

const NEED_MORE: HttpInspectResult = { kind: 'need-more' };
const NOT_HTTP: HttpInspectResult = { kind: 'not-http' };

const isTokenChar = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x5f; // A-Z - _
const isTargetChar = (c: number): boolean => c > 0x20 && c < 0x7f;

export function inspectHttp(buf: Buffer): HttpInspectResult {
  if (buf.length === 0) return NEED_MORE;
  const n = Math.min(buf.length, H2_PREFACE.length);
  if (buf.compare(H2_PREFACE, 0, n, 0, n) === 0) {
    return n === H2_PREFACE.length ? { kind: 'http', protocol: 'h2c' } : NEED_MORE;
  }
  // request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 §3)
  let p = 0;
  while (p < buf.length && isTokenChar(buf[p])) p++;
  if (p === buf.length) return p > 32 ? NOT_HTTP : NEED_MORE;
  if (p === 0 || buf[p] !== 0x20) return NOT_HTTP;
  p++;
  const targetStart = p;
  while (p < buf.length && isTargetChar(buf[p])) p++;
  if (p === buf.length) return p >= MAX_INSPECT ? NOT_HTTP : NEED_MORE;
  if (p === targetStart || buf[p] !== 0x20) return NOT_HTTP;
  p++;
  const version = 'HTTP/1.x\r\n';
  for (let i = 0; i < version.length; i++, p++) {
    if (p === buf.length) return NEED_MORE;
    const c = buf[p];
    if (i === 7) {
      if (c !== 0x30 && c !== 0x31) return NOT_HTTP;
    } else if (c !== version.charCodeAt(i)) {
      return NOT_HTTP;
    }
  }
  return { kind: 'http', protocol: buf[p - 3] === 0x30 ? 'http/1.0' : 'http/1.1' };
}
