// Finds where a chunked body ends without copying it: the proxy forwards chunked bytes unchanged
// (both sides speak HTTP/1.1), so it only needs the framing to know where the next message starts.

const enum S { Size, Ext, SizeLf, Data, DataCr, DataLf, TrailerStart, TrailerLine, TrailerLf, EndLf, Done }

export const CHUNKED_ERROR = -2;
export const CHUNKED_MORE = -1;

export class ChunkedScanner {
  private state = S.Size;
  private size = 0;
  private digits = 0;
  private remaining = 0;

  get done(): boolean {
    return this.state === S.Done;
  }

  /**
   * Scans `buf` from `start`. Returns the offset just past the body's last byte when the body
   * ends inside `buf`, CHUNKED_MORE when all of `buf` belongs to the body, CHUNKED_ERROR on
   * malformed framing.
   */
  scan(buf: Buffer, start: number): number {
    let i = start;
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case S.Size: {
          const c = buf[i];
          const d = hexValue(c);
          if (d >= 0) {
            // More than 15 hex digits would overflow a safe integer; no real body is that big.
            if (++this.digits > 15) return CHUNKED_ERROR;
            this.size = this.size * 16 + d;
          } else if (this.digits === 0) {
            return CHUNKED_ERROR;
          } else if (c === 0x3b || c === 0x20 || c === 0x09) {
            this.state = S.Ext;
          } else if (c === 0x0d) {
            this.state = S.SizeLf;
          } else {
            return CHUNKED_ERROR;
          }
          i++;
          break;
        }
        case S.Ext: {
          const c = buf[i++];
          if (c === 0x0d) this.state = S.SizeLf;
          else if (c === 0x0a) return CHUNKED_ERROR;
          break;
        }
        case S.SizeLf:
          if (buf[i++] !== 0x0a) return CHUNKED_ERROR;
          if (this.size === 0) {
            this.state = S.TrailerStart;
          } else {
            this.remaining = this.size;
            this.state = S.Data;
          }
          this.size = 0;
          this.digits = 0;
          break;
        case S.Data: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = S.DataCr;
          break;
        }
        case S.DataCr:
          if (buf[i++] !== 0x0d) return CHUNKED_ERROR;
          this.state = S.DataLf;
          break;
        case S.DataLf:
          if (buf[i++] !== 0x0a) return CHUNKED_ERROR;
          this.state = S.Size;
          break;
        case S.TrailerStart:
          this.state = buf[i++] === 0x0d ? S.EndLf : S.TrailerLine;
          break;
        case S.TrailerLine:
          if (buf[i++] === 0x0d) this.state = S.TrailerLf;
          break;
        case S.TrailerLf:
          if (buf[i++] !== 0x0a) return CHUNKED_ERROR;
          this.state = S.TrailerStart;
          break;
        case S.EndLf:
          if (buf[i++] !== 0x0a) return CHUNKED_ERROR;
          this.state = S.Done;
          return i;
        case S.Done:
          return i;
      }
    }
    return CHUNKED_MORE;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
