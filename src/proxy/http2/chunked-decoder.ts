// Decodes an HTTP/1.1 chunked body into its data and trailers, for translation to HTTP/2 (which
// frames data itself and carries trailers in a HEADERS frame). The HTTP/1.1 → HTTP/1.1 path never
// decodes; it only finds where a chunked body ends (http1/chunked.ts).

const enum S { Size, SizeLf, Data, DataCr, DataLf, Trailer, Done }

export class ChunkedDecoder {
  private state = S.Size;
  private size = 0;
  private sawDigit = false;
  private remaining = 0;
  private line = '';
  readonly trailers: [string, string][] = [];
  error = false;

  get done(): boolean {
    return this.state === S.Done;
  }

  /** Feeds wire bytes; calls `onData` with each run of body bytes. Returns false on a framing error. */
  feed(buf: Buffer, onData: (d: Buffer) => void): boolean {
    let i = 0;
    const n = buf.length;
    while (i < n && !this.error) {
      switch (this.state) {
        case S.Size: {
          const c = buf[i++];
          const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 87 : c >= 0x41 && c <= 0x46 ? c - 55 : -1;
          if (v >= 0 && this.line === '') {
            this.size = this.size * 16 + v;
            this.sawDigit = true;
            if (this.size > Number.MAX_SAFE_INTEGER / 16) this.error = true;
          } else if (c === 0x0d) {
            if (!this.sawDigit) this.error = true;
            this.state = S.SizeLf;
          } else if (c === 0x3b || this.line !== '') {
            this.line += String.fromCharCode(c); // chunk extension: ignored
          } else {
            this.error = true;
          }
          break;
        }
        case S.SizeLf:
          if (buf[i++] !== 0x0a) { this.error = true; break; }
          this.line = '';
          this.sawDigit = false;
          if (this.size === 0) {
            this.state = S.Trailer;
          } else {
            this.remaining = this.size;
            this.state = S.Data;
          }
          this.size = 0;
          break;
        case S.Data: {
          const take = Math.min(this.remaining, n - i);
          onData(i === 0 && take === n ? buf : buf.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = S.DataCr;
          break;
        }
        case S.DataCr:
          if (buf[i++] !== 0x0d) this.error = true;
          else this.state = S.DataLf;
          break;
        case S.DataLf:
          if (buf[i++] !== 0x0a) this.error = true;
          else this.state = S.Size;
          break;
        case S.Trailer: {
          const eol = buf.indexOf(0x0a, i);
          const end = eol < 0 ? n : eol;
          this.line += buf.toString('latin1', i, end);
          i = end;
          if (eol < 0) break;
          i++;
          if (!this.line.endsWith('\r')) { this.error = true; break; }
          const l = this.line.slice(0, -1);
          this.line = '';
          if (l === '') { this.state = S.Done; break; }
          const colon = l.indexOf(':');
          if (colon <= 0) { this.error = true; break; }
          this.trailers.push([l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()]);
          break;
        }
        case S.Done:
          return true;
      }
    }
    return !this.error;
  }
}

/** Frames `data` as one HTTP/1.1 chunk. */
export function chunk(data: Buffer): Buffer[] {
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF];
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** The last chunk with trailers (HTTP/1.1's only way to carry them). */
export function lastChunk(trailers: readonly [string, string][] | undefined): string {
  let s = '0\r\n';
  if (trailers !== undefined) for (const [k, v] of trailers) s += `${k}: ${v}\r\n`;
  return `${s}\r\n`;
}
