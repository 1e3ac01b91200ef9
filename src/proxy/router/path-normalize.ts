// The HTTP connection manager's path transformations, applied to a request's :path before any
// filter or route sees it and forwarded upstream as transformed: escaped slashes
// (`path_with_escaped_slashes_action`), RFC 3986 normalization (`normalize_path`, with the rules of
// the URL canonicalizer Envoy embeds: dot segments resolved, backslashes made slashes, escapes of
// unreserved characters decoded, characters that may not appear raw escaped, NUL refused) and
// `merge_slashes`. Only the part before the first "?" changes; the query is kept byte for byte.
//
// Most paths need nothing: one scan decides that, and the request's own string is returned.
import type { PathNormalization } from '../config/types.js';

/** What to do instead of forwarding: answer 400 (`reject`), or 307 to `location` (`redirect`). */
export type PathRefusal = { readonly kind: 'reject' } | { readonly kind: 'redirect'; readonly location: string };

const REJECT: PathRefusal = { kind: 'reject' };

/**
 * Applies the transformations, in Envoy's order (escaped slashes, then normalization, then merging
 * slashes), to a request target that starts with "/". Returns the target to route and forward (the
 * same string when nothing changed) or a refusal.
 */
export function normalizeTarget(target: string, p: PathNormalization): string | PathRefusal {
  const q = target.indexOf('?');
  let path = q < 0 ? target : target.slice(0, q);
  let redirect = false;
  if (p.escapedSlashes !== 'KEEP_UNCHANGED') {
    const unescaped = unescapeSlashes(path);
    if (unescaped !== undefined) {
      if (p.escapedSlashes === 'REJECT_REQUEST') return REJECT;
      redirect = p.escapedSlashes === 'UNESCAPE_AND_REDIRECT';
      path = unescaped;
    }
  }
  if (p.normalize) {
    const canonical = canonicalPath(path);
    if (canonical === undefined) return REJECT;
    path = canonical;
  }
  if (p.mergeSlashes) path = mergeSlashes(path);
  const out = q < 0 ? path : path + target.slice(q);
  if (redirect) return { kind: 'redirect', location: out };
  return out === target ? target : out;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const DOT = 0x2e;

/** `path` with %2F / %2f made "/" and %5C / %5c made "\"; undefined when it has none. */
export function unescapeSlashes(path: string): string | undefined {
  let i = path.indexOf('%');
  if (i < 0) return undefined;
  let out = '';
  let from = 0;
  for (; i >= 0 && i + 2 < path.length; i = path.indexOf('%', i + 1)) {
    const a = path.charCodeAt(i + 1);
    const b = path.charCodeAt(i + 2) | 0x20;
    let ch = '';
    if (a === 0x32 && b === 0x66) ch = '/';
    else if (a === 0x35 && b === 0x63) ch = '\\';
    else continue;
    out += path.slice(from, i) + ch;
    from = i + 3;
    i += 2;
  }
  return from === 0 ? undefined : out + path.slice(from);
}

/** `path` with every run of slashes made one. */
export function mergeSlashes(path: string): string {
  if (path.indexOf('//') < 0) return path;
  return path.replace(/\/{2,}/g, '/');
}

// Per byte, how the canonical path treats it (the table of the URL canonicalizer Envoy uses):
// PASS copies it, ESCAPE writes it as %XX, UNESCAPE means an escape of it is decoded, INVALID
// (NUL) fails the path. Dot, "%" and backslash are handled by the loop itself.
const PASS = 0;
const ESCAPE = 1;
const UNESCAPE = 2;
const INVALID = 3;
const SPECIAL = 4;

const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(ESCAPE); // control characters and every byte >= 0x80
  t[0] = INVALID;
  for (const c of "!$&'()*+,/:;=@[]") t[c.charCodeAt(0)] = PASS;
  for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_~') t[c.charCodeAt(0)] = UNESCAPE;
  for (const c of '.%\\') t[c.charCodeAt(0)] = SPECIAL;
  // The rest of the printable ASCII range stays ESCAPE: space " # < > ? ^ ` { | } and DEL.
  return t;
})();

const HEX = '0123456789ABCDEF';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The byte an escape at `at` ("%XY") stands for, or -1 when it is not one. */
function escapedAt(s: ArrayLike<number>, at: number, end: number): number {
  if (at + 3 > end) return -1;
  const hi = hexValue(s[at + 1]);
  const lo = hexValue(s[at + 2]);
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

/** Length of a dot at `at`: 1 for ".", 3 for "%2e" / "%2E", else 0. */
function dotAt(s: ArrayLike<number>, at: number, end: number): number {
  const c = s[at];
  if (c === DOT) return 1;
  if (c === PERCENT && at + 3 <= end && s[at + 1] === 0x32 && (s[at + 2] | 0x20) === 0x65) return 3;
  return 0;
}

const isSlash = (c: number): boolean => c === SLASH || c === BACKSLASH;

/** Whether `path` is already canonical: one pass, no allocation. */
function isCanonical(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH) return false;
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const k = CHAR_CLASS[c]; // undefined past 0xff: not canonical
    if (k === PASS || k === UNESCAPE) continue;
    if (c === DOT) {
      // A dot matters only as the start of a segment.
      if (path.charCodeAt(i - 1) === SLASH) return false;
      continue;
    }
    return false;
  }
  return true;
}

/**
 * The canonical form of a path (no query), or undefined when it cannot be made one (a NUL, raw or
 * escaped). Dot segments never climb above the root.
 */
export function canonicalPath(path: string): string | undefined {
  if (path.length > 0 && isCanonical(path)) return path;
  // Request targets are latin1 strings (both codecs decode them so): one byte per character.
  const spec = Buffer.from(path, 'latin1');
  const end = spec.length;
  const out: number[] = [];
  if (end === 0 || !isSlash(spec[0])) out.push(SLASH);
  let ok = true;
  let lastInvalidPercent = -1e9;
  for (let i = 0; i < end; i++) {
    const c = spec[i];
    const k = CHAR_CLASS[c];
    if (k === PASS || k === UNESCAPE) {
      out.push(c);
      continue;
    }
    const dot = dotAt(spec, i, end);
    if (dot > 0) {
      if (out[out.length - 1] !== SLASH) {
        out.push(DOT);
        i += dot - 1;
        continue;
      }
      const after = i + dot;
      let consumed = 0;
      let up = false;
      let directory = false;
      if (after === end) directory = true;
      else if (isSlash(spec[after])) { directory = true; consumed = 1; } else {
        const second = dotAt(spec, after, end);
        const after2 = after + second;
        if (second > 0 && (after2 === end || isSlash(spec[after2]))) {
          directory = true;
          up = true;
          consumed = second + (after2 === end ? 0 : 1);
        }
      }
      if (!directory) {
        out.push(DOT);
        i += dot - 1;
        continue;
      }
      if (up) backUpToPreviousSlash(out);
      i += dot + consumed - 1;
      continue;
    }
    if (c === BACKSLASH) {
      out.push(SLASH);
    } else if (c === PERCENT) {
      const v = escapedAt(spec, i, end);
      if (v < 0) {
        // Not an escape: kept as a bare "%", remembered so that decoding what follows cannot
        // assemble a new escape out of it ("%%30%30" must not become "%00").
        lastInvalidPercent = out.length;
        out.push(PERCENT);
        continue;
      }
      i += 2;
      const vk = CHAR_CLASS[v];
      if (vk === UNESCAPE) {
        out.push(v);
        if (lastInvalidPercent >= out.length - 3) guardNestedEscape(spec, i + 1, end, lastInvalidPercent, out);
      } else {
        // Kept exactly as written, hex case included; an escaped NUL fails the path.
        out.push(PERCENT, spec[i - 1], spec[i]);
        if (vk === INVALID) ok = false;
      }
    } else {
      out.push(PERCENT, HEX.charCodeAt(c >> 4), HEX.charCodeAt(c & 15));
      if (k === INVALID) ok = false;
    }
  }
  return ok ? fromBytes(out) : undefined;
}

/** Drops the last segment of the output, which ends with a slash; never above the first slash. */
function backUpToPreviousSlash(out: number[]): void {
  let i = out.length - 1;
  if (i === 0) return;
  i--;
  while (i > 0 && out[i] !== SLASH) i--;
  out.length = i + 1;
}

/**
 * After a decoded character lands within two places of an earlier bare "%", checks whether the
 * output now reads as an escape and, if so, escapes that "%" as "%25".
 */
function guardNestedEscape(spec: Uint8Array, next: number, end: number, percentAt: number, out: number[]): void {
  const length = out.length;
  const last = out[length - 1];
  const appendNext = percentAt === length - 2;
  if (appendNext) {
    if (next === end || spec[next] >= 0x80) return;
    out.push(spec[next]);
  }
  if (escapedAt(out, percentAt, out.length) >= 0) {
    if (!appendNext) out.push(out[percentAt + 1]);
    out[percentAt + 1] = 0x32;
    out[percentAt + 2] = 0x35;
    out.push(last);
  } else if (appendNext) {
    out.length = length;
  }
}

function fromBytes(b: number[]): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.slice(i, i + 8192));
  return s;
}
