// Finds where an HTTP/1.1 message head ends in a buffer and checks its line endings in the same
// pass over the bytes: a JS loop is cheaper than `Buffer#indexOf` (a call into C++ per message)
// followed by a regular expression over the decoded head. Bare CR, bare LF and NUL, which
// request smuggling relies on, are rejected here, so the head parser need not look for them.

/** The head is not complete in the bytes scanned (or exceeds the limit: the caller checks the length). */
export const HEAD_MORE = -1;
/** A bare CR, bare LF or NUL before the end of the head. */
export const HEAD_BAD = -2;

/**
 * Scans `buf` from `start` for the blank line ending a head, looking at most `limit` + 4 bytes.
 * Returns the offset of that blank line's CR (the head is `buf[start, result)`; the body starts
 * 4 bytes later), HEAD_MORE or HEAD_BAD.
 */
export function findHeadEnd(buf: Uint8Array, start: number, limit: number): number {
  const n = buf.length;
  const stop = Math.min(n, start + limit + 4);
  for (let i = start; i < stop; i++) {
    const c = buf[i];
    if (c > 0x0d) continue;
    if (c === 0x0a) {
      if (i === start || buf[i - 1] !== 0x0d) return HEAD_BAD;
      // Every LF is preceded by CR (checked as the scan passed it), so LF CR LF is CRLF CRLF.
      if (i - start >= 3 && buf[i - 2] === 0x0a) return i - 3;
    } else if (c === 0x0d) {
      if (i + 1 < n && buf[i + 1] !== 0x0a) return HEAD_BAD;
    } else if (c === 0) {
      return HEAD_BAD;
    }
  }
  return HEAD_MORE;
}
