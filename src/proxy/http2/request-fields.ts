// An HTTP/2 request's header fields (a flat [name, value, ...] list, as both codecs deliver them)
// folded into the HTTP/1.1-shaped RequestHeaders the Exchange pipeline works on.
import type { RequestHeaders } from '../http1/headers.js';

export interface RequestPseudoHeaders {
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** `:authority`, else a `host` field. */
  readonly authority: string | undefined;
}

/**
 * Adds every regular field to `h` after a `host` placeholder in slot 0 (the caller sets it to the
 * authority), joins split `cookie` fields into one (RFC 9113 §8.2.3) and returns the pseudo-headers.
 */
export function foldRequestFields(fields: readonly string[], h: RequestHeaders): RequestPseudoHeaders {
  let method: string | undefined;
  let path: string | undefined;
  let authority: string | undefined;
  let cookies: string | undefined;
  h.add('host', '');
  for (let i = 0; i < fields.length; i += 2) {
    const k = fields[i];
    const v = fields[i + 1];
    if (k.charCodeAt(0) === 0x3a) {
      if (k === ':method') method = v;
      else if (k === ':path') path = v;
      else if (k === ':authority') authority = v;
    } else if (k === 'cookie') {
      cookies = cookies === undefined ? v : `${cookies}; ${v}`;
    } else if (k === 'host') {
      authority ??= v;
    } else {
      h.add(k, v);
    }
  }
  if (cookies !== undefined) h.add('cookie', cookies);
  return { method, path, authority };
}
