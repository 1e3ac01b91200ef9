// Envoy's tls_inspector: reads the first bytes of a connection and, when they are a TLS
// ClientHello, reports SNI and ALPN for filter-chain matching. The bytes are only looked at;
// the listener hands them on untouched, so a TLS passthrough chain forwards the very same hello.

/** Envoy's limit: a ClientHello larger than this closes the connection (`client_hello_too_large`). */
export const MAX_CLIENT_HELLO = 64 * 1024;

export type ClientHelloResult =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'not-tls' }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'tls'; readonly serverName: string | undefined; readonly alpn: readonly string[] };

const NEED_MORE: ClientHelloResult = { kind: 'need-more' };
const NOT_TLS: ClientHelloResult = { kind: 'not-tls' };
const TOO_LARGE: ClientHelloResult = { kind: 'too-large' };

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
/** RFC 8446 §5.1: a plaintext record carries at most 2^14 bytes. */
const MAX_RECORD = 1 << 14;

/**
 * Classifies the bytes read so far. A ClientHello may span several handshake records; their
 * fragments are joined before parsing. Anything that cannot be a ClientHello is `not-tls`, and
 * the connection continues as plaintext, as Envoy does.
 */
export function inspectClientHello(buf: Buffer): ClientHelloResult {
  if (buf.length === 0) return NEED_MORE;
  if (buf[0] !== RECORD_HANDSHAKE) return NOT_TLS;
  if (buf.length >= 2 && buf[1] !== 0x03) return NOT_TLS;
  const fragments: Buffer[] = [];
  let have = 0;
  let off = 0;
  let want = -1; // handshake message length incl. its 4-byte header, once known
  for (;;) {
    if (off + 5 > buf.length) return off >= MAX_CLIENT_HELLO ? TOO_LARGE : NEED_MORE;
    if (buf[off] !== RECORD_HANDSHAKE || buf[off + 1] !== 0x03) return NOT_TLS;
    const len = buf.readUInt16BE(off + 3);
    if (len === 0 || len > MAX_RECORD) return NOT_TLS;
    if (off + 5 + len > buf.length) return off + 5 + len > MAX_CLIENT_HELLO ? TOO_LARGE : NEED_MORE;
    fragments.push(buf.subarray(off + 5, off + 5 + len));
    have += len;
    off += 5 + len;
    if (want < 0 && have >= 4) {
      const first = fragments.length === 1 ? fragments[0] : Buffer.concat(fragments);
      if (first[0] !== HANDSHAKE_CLIENT_HELLO) return NOT_TLS;
      want = 4 + ((first[1] << 16) | (first[2] << 8) | first[3]);
      if (want > MAX_CLIENT_HELLO) return TOO_LARGE;
    }
    if (want >= 0 && have >= want) break;
  }
  const hs = fragments.length === 1 ? fragments[0] : Buffer.concat(fragments);
  return parseClientHello(hs.subarray(4, want)) ?? NOT_TLS;
}

/** The body of a ClientHello (RFC 8446 §4.1.2); undefined when malformed. */
function parseClientHello(b: Buffer): ClientHelloResult | undefined {
  let p = 2 + 32; // legacy_version, random
  if (p + 1 > b.length) return undefined;
  p += 1 + b[p]; // legacy_session_id
  if (p + 2 > b.length) return undefined;
  p += 2 + b.readUInt16BE(p); // cipher_suites
  if (p + 1 > b.length) return undefined;
  p += 1 + b[p]; // legacy_compression_methods
  if (p > b.length) return undefined;
  let serverName: string | undefined;
  let alpn: string[] = [];
  if (p === b.length) return { kind: 'tls', serverName, alpn }; // no extensions (old clients)
  if (p + 2 > b.length) return undefined;
  const end = p + 2 + b.readUInt16BE(p);
  if (end > b.length) return undefined;
  p += 2;
  while (p + 4 <= end) {
    const type = b.readUInt16BE(p);
    const len = b.readUInt16BE(p + 2);
    const body = p + 4;
    if (body + len > end) return undefined;
    if (type === EXT_SERVER_NAME) serverName = parseServerName(b.subarray(body, body + len));
    else if (type === EXT_ALPN) alpn = parseAlpn(b.subarray(body, body + len));
    p = body + len;
  }
  if (p !== end) return undefined;
  return { kind: 'tls', serverName, alpn };
}

/** RFC 6066 §3: the first host_name entry, lowercased (server names match case-insensitively). */
function parseServerName(e: Buffer): string | undefined {
  if (e.length < 2) return undefined;
  const end = Math.min(e.length, 2 + e.readUInt16BE(0));
  let p = 2;
  while (p + 3 <= end) {
    const type = e[p];
    const len = e.readUInt16BE(p + 1);
    if (p + 3 + len > end) return undefined;
    if (type === 0 && len > 0) return e.toString('latin1', p + 3, p + 3 + len).toLowerCase();
    p += 3 + len;
  }
  return undefined;
}

/** RFC 7301 §3.1: the client's protocol list, in its order of preference. */
function parseAlpn(e: Buffer): string[] {
  if (e.length < 2) return [];
  const end = Math.min(e.length, 2 + e.readUInt16BE(0));
  const out: string[] = [];
  let p = 2;
  while (p < end) {
    const len = e[p];
    if (len === 0 || p + 1 + len > end) break;
    out.push(e.toString('latin1', p + 1, p + 1 + len));
    p += 1 + len;
  }
  return out;
}

/** Envoy's `tls_inspector.*` counters. */
export class TlsInspectorStats {
  client_hello_too_large = 0;
  tls_found = 0;
  tls_not_found = 0;
  alpn_found = 0;
  alpn_not_found = 0;
  sni_found = 0;
  sni_not_found = 0;
}
