// One HTTP/1.1 connection to an upstream endpoint: writes a request, parses the response head and
// tracks the body framing so the connection can be reused the moment the response ends. Body
// bytes are handed on as they arrive, unparsed (chunked stays chunked), to avoid copies.
import { connect, type Socket } from 'node:net';
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from '../http1/chunked.js';
import { HeadError, parseResponseHead, type ResponseHead } from '../http1/parse-head.js';

const MAX_RESPONSE_HEAD = 60 * 1024;
const MAX_RESPONSE_HEADERS = 100;

export interface UpstreamReceiver {
  onResponseHead(head: ResponseHead): void;
  /** Body bytes exactly as framed on the wire; returns false to ask for backpressure. */
  onResponseData(data: Buffer): boolean;
  onResponseEnd(): void;
  /** Every byte of one read has been handed on (flush anything held back). */
  onReadComplete(): void;
  /** The connection failed before the response ended; `headersSent` says whether onResponseHead ran. */
  onUpstreamReset(reason: 'termination' | 'protocol'): void;
}

const enum R { Idle, Head, Length, Chunked, Close }

export class UpstreamConnection {
  readonly socket: Socket;
  connected = false;
  closed = false;
  requests = 0;
  idleSince = 0;
  private receiver: UpstreamReceiver | undefined;
  private method = 'GET';
  private state = R.Idle;
  private head: Buffer | undefined;
  private remaining = 0;
  private chunked: ChunkedScanner | undefined;
  private keepAlive = true;
  private sawResponseBytes = false;

  constructor(
    address: string,
    port: number,
    onConnect: (c: UpstreamConnection) => void,
    private readonly onClose: (c: UpstreamConnection, hadReceiver: boolean, connected: boolean) => void,
  ) {
    this.socket = connect({ host: address, port, noDelay: true });
    this.socket.once('connect', () => {
      this.connected = true;
      onConnect(this);
    });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', () => { /* followed by 'close' */ });
    this.socket.once('close', () => this.handleClose());
    this.socket.on('drain', () => this.onDrain?.());
  }

  /** Set by the request while it streams a request body, to resume the downstream. */
  onDrain: (() => void) | undefined;

  get busy(): boolean {
    return this.receiver !== undefined;
  }

  /** Whether the connection may carry another request after the current response. */
  get reusable(): boolean {
    return this.keepAlive && !this.closed;
  }

  /** Starts an exchange; the caller then writes the request with `write`. */
  begin(receiver: UpstreamReceiver, method: string): void {
    this.receiver = receiver;
    this.method = method;
    this.state = R.Head;
    this.head = undefined;
    this.keepAlive = true;
    this.sawResponseBytes = false;
    this.requests++;
  }

  /** Detaches the current receiver without ending the exchange (the caller destroys the connection). */
  abandon(): void {
    this.receiver = undefined;
    this.destroy();
  }

  destroy(): void {
    if (!this.closed) this.socket.destroy();
  }

  private handleClose(): void {
    this.closed = true;
    const r = this.receiver;
    this.receiver = undefined;
    if (r !== undefined) {
      if (this.state === R.Close) {
        this.state = R.Idle;
        r.onResponseEnd();
      } else {
        r.onUpstreamReset('termination');
      }
    }
    this.onClose(this, r !== undefined, this.connected);
  }

  private fail(): void {
    const r = this.receiver;
    this.receiver = undefined;
    this.socket.destroy();
    r?.onUpstreamReset('protocol');
  }

  private onData(d: Buffer): void {
    this.consume(d);
    this.receiver?.onReadComplete();
  }

  private consume(d: Buffer): void {
    let buf = d;
    let off = 0;
    while (off < buf.length) {
      const r = this.receiver;
      if (r === undefined) {
        // Bytes with no request outstanding: the stream is out of step; never reuse it.
        this.keepAlive = false;
        this.socket.destroy();
        return;
      }
      this.sawResponseBytes = true;
      switch (this.state) {
        case R.Head: {
          if (this.head !== undefined) {
            buf = Buffer.concat([this.head, off === 0 ? buf : buf.subarray(off)]);
            off = 0;
            this.head = undefined;
          }
          const end = buf.indexOf('\r\n\r\n', off, 'latin1');
          if (end < 0) {
            if (buf.length - off > MAX_RESPONSE_HEAD) return this.fail();
            this.head = off === 0 ? buf : buf.subarray(off);
            return;
          }
          const parsed = parseResponseHead(buf.toString('latin1', off, end), this.method, MAX_RESPONSE_HEADERS);
          off = end + 4;
          if (parsed instanceof HeadError) return this.fail();
          if (parsed.status < 200) continue; // 1xx interim responses are not forwarded yet
          this.keepAlive = parsed.keepAlive;
          r.onResponseHead(parsed);
          if (this.receiver !== r) return; // the receiver gave up inside the callback
          this.startBody(parsed);
          if ((this.state as R) === R.Idle) return this.finish(r, off < buf.length);
          break;
        }
        case R.Length: {
          const take = Math.min(this.remaining, buf.length - off);
          const slice = off === 0 && take === buf.length ? buf : buf.subarray(off, off + take);
          off += take;
          this.remaining -= take;
          this.deliver(r, slice);
          if (this.remaining === 0) {
            this.state = R.Idle;
            return this.finish(r, off < buf.length);
          }
          break;
        }
        case R.Chunked: {
          const end = this.chunked!.scan(buf, off);
          if (end === CHUNKED_ERROR) return this.fail();
          const stop = end === CHUNKED_MORE ? buf.length : end;
          this.deliver(r, off === 0 && stop === buf.length ? buf : buf.subarray(off, stop));
          off = stop;
          if (end !== CHUNKED_MORE) {
            this.state = R.Idle;
            return this.finish(r, off < buf.length);
          }
          break;
        }
        case R.Close:
          this.deliver(r, off === 0 ? buf : buf.subarray(off));
          return;
        case R.Idle:
          // Extra bytes after a complete response.
          this.keepAlive = false;
          this.receiver = undefined;
          this.socket.destroy();
          return;
      }
    }
  }

  private deliver(r: UpstreamReceiver, data: Buffer): void {
    if (data.length > 0 && !r.onResponseData(data)) this.socket.pause();
  }

  private startBody(h: ResponseHead): void {
    switch (h.bodyKind) {
      case 'none':
        this.state = R.Idle;
        break;
      case 'length':
        this.state = R.Length;
        this.remaining = h.contentLength;
        break;
      case 'chunked':
        this.state = R.Chunked;
        this.chunked = new ChunkedScanner();
        break;
      case 'close':
        this.state = R.Close;
        this.keepAlive = false;
        break;
    }
  }

  /** Ends the exchange; bytes beyond the response (`extra`) mean the connection is out of step. */
  private finish(r: UpstreamReceiver, extra: boolean): void {
    if (extra) this.keepAlive = false;
    this.receiver = undefined;
    this.onDrain = undefined;
    r.onResponseEnd();
  }

  /** Whether the response has started arriving (a reset after that cannot be answered with 503). */
  get responseStarted(): boolean {
    return this.sawResponseBytes;
  }
}
