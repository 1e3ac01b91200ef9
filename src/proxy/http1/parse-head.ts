// HTTP/1.1 message heads, parsed strictly: anything a smuggling attack relies on (bare CR or LF,
// obs-fold, whitespace before the colon, Content-Length together with Transfer-Encoding, unknown
// transfer codings, conflicting lengths) is an error with the status Envoy answers.
import { RequestHeaders } from './headers.js';

export type BodyKind = 'none' | 'length' | 'chunked' | 'close';

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly headers: RequestHeaders;
  /** false when the client sent `Connection: close`. */
  readonly keepAlive: boolean;
  readonly bodyKind: BodyKind;
  readonly contentLength: number;
}

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly headers: RequestHeaders;
  readonly keepAlive: boolean;
  readonly bodyKind: BodyKind;
  readonly contentLength: number;
}

/** A malformed message: the status to answer and Envoy's response code detail. */
export class HeadError {
  constructor(readonly status: number, readonly detail: string) {}
}

/** tchar (RFC 9110) by character code, for header names: a table lookup per character beats a regex per name. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;

function isToken(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || TCHAR[c] === 0) return false;
  }
  return true;
}
const BAD_CHARS = /\r(?!\n)|(?<!\r)\n|\0/;

/** A request target: visible ASCII only (no spaces, controls or bytes above 0x7e). */
function isTarget(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** 1 to 15 decimal digits (a Content-Length Number() represents exactly). */
function isLength(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function parseHeaderLines(
  head: string, firstLineEnd: number, headers: RequestHeaders, maxCount: number,
): HeadError | undefined {
  let pos = firstLineEnd + 2;
  const end = head.length;
  while (pos < end) {
    let eol = head.indexOf('\r\n', pos);
    if (eol < 0) eol = end;
    const c = head.charCodeAt(pos);
    if (c === 0x20 || c === 0x09) return new HeadError(400, 'http1.codec_error');
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > eol) return new HeadError(400, 'http1.codec_error');
    if (!isToken(head, pos, colon)) return new HeadError(400, 'http1.invalid_characters');
    const name = head.slice(pos, colon);
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && (head.charCodeAt(vs) === 0x20 || head.charCodeAt(vs) === 0x09)) vs++;
    while (ve > vs && (head.charCodeAt(ve - 1) === 0x20 || head.charCodeAt(ve - 1) === 0x09)) ve--;
    if (headers.size >= maxCount) return new HeadError(431, 'http1.too_many_headers');
    headers.add(name.toLowerCase(), head.slice(vs, ve));
    pos = eol + 2;
  }
  return undefined;
}

interface Framing { keepAlive: boolean; bodyKind: BodyKind; contentLength: number }

function framing(headers: RequestHeaders, http11: boolean): Framing | HeadError {
  let keepAlive = http11;
  let te: string | undefined;
  let cl: string | undefined;
  const n = headers.names;
  for (let i = 0; i < n.length; i++) {
    const name = n[i];
    if (name === 'connection') {
      const v = headers.values[i].toLowerCase();
      if (v.includes('close')) keepAlive = false;
      else if (!http11 && v.includes('keep-alive')) keepAlive = true;
    } else if (name === 'transfer-encoding') {
      te = te === undefined ? headers.values[i] : `${te},${headers.values[i]}`;
    } else if (name === 'content-length') {
      const v = headers.values[i];
      if (cl !== undefined && cl !== v) return new HeadError(400, 'http1.content_length_not_allowed');
      cl = v;
    }
  }
  if (te !== undefined) {
    if (cl !== undefined) return new HeadError(400, 'http1.content_length_and_chunked_not_allowed');
    if (te.trim().toLowerCase() !== 'chunked') return new HeadError(501, 'http1.invalid_transfer_encoding');
    return { keepAlive, bodyKind: 'chunked', contentLength: -1 };
  }
  if (cl !== undefined) {
    if (!isLength(cl)) return new HeadError(400, 'http1.content_length_not_allowed');
    const len = Number(cl);
    return { keepAlive, bodyKind: len === 0 ? 'none' : 'length', contentLength: len };
  }
  return { keepAlive, bodyKind: 'none', contentLength: 0 };
}

/**
 * Parses a request head (`head` excludes the terminating blank line). `lineEndsChecked`: the
 * caller found the head with findHeadEnd, which already rejected bare CR, bare LF and NUL.
 */
export function parseRequestHead(head: string, maxHeaders: number, lineEndsChecked = false): RequestHead | HeadError {
  if (!lineEndsChecked && BAD_CHARS.test(head)) return new HeadError(400, 'http1.codec_error');
  let lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = head.length;
  const sp1 = head.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : head.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd) return new HeadError(400, 'http1.codec_error');
  // Character loops rather than regexes: a regex test per request line cost more than the checks.
  if (!isToken(head, 0, sp1) || !isTarget(head, sp1 + 1, sp2)) return new HeadError(400, 'http1.codec_error');
  const method = head.slice(0, sp1);
  const target = head.slice(sp1 + 1, sp2);
  const version = head.slice(sp2 + 1, lineEnd);
  if (version !== 'HTTP/1.1') {
    // Envoy's default (accept_http_10: false) answers HTTP/1.0 with 426 Upgrade Required.
    if (version === 'HTTP/1.0') return new HeadError(426, 'low_version');
    return new HeadError(400, 'http1.codec_error');
  }
  const headers = new RequestHeaders();
  const err = parseHeaderLines(head, lineEnd, headers, maxHeaders);
  if (err) return err;
  const f = framing(headers, true);
  if (f instanceof HeadError) return f;
  return { method, target, headers, keepAlive: f.keepAlive, bodyKind: f.bodyKind, contentLength: f.contentLength };
}

/** `HTTP/1.x NNN[ reason]`: the status, or -1. Character checks rather than a regex: no match array per response. */
function statusOf(line: string, lineEnd: number): number {
  if (lineEnd < 12 || !line.startsWith('HTTP/1.') || line.charCodeAt(8) !== 0x20) return -1;
  const v = line.charCodeAt(7);
  if (v !== 0x30 && v !== 0x31) return -1;
  if (lineEnd > 12 && line.charCodeAt(12) !== 0x20) return -1;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = line.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    status = status * 10 + d;
  }
  return status;
}

/** Parses a response head; `requestMethod` decides whether a body can follow. `lineEndsChecked` as for requests. */
export function parseResponseHead(head: string, requestMethod: string, maxHeaders: number, lineEndsChecked = false): ResponseHead | HeadError {
  if (!lineEndsChecked && BAD_CHARS.test(head)) return new HeadError(502, 'upstream_codec_error');
  let lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = head.length;
  const status = statusOf(head, lineEnd);
  if (status < 0) return new HeadError(502, 'upstream_codec_error');
  const http11 = head.charCodeAt(7) === 0x31;
  const headers = new RequestHeaders();
  const err = parseHeaderLines(head, lineEnd, headers, maxHeaders);
  if (err) return new HeadError(502, 'upstream_codec_error');
  const f = framing(headers, http11);
  if (f instanceof HeadError) return new HeadError(502, 'upstream_codec_error');
  let { bodyKind, contentLength } = f;
  if (requestMethod === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    bodyKind = 'none';
    contentLength = 0;
  } else if (f.bodyKind === 'none' && !headers.has('content-length')) {
    bodyKind = 'close';
  }
  return { status, reason: lineEnd > 13 ? head.slice(13, lineEnd) : '', headers, keepAlive: f.keepAlive && bodyKind !== 'close', bodyKind, contentLength };
}
