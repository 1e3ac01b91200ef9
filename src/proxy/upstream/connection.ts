// One HTTP/1.1 connection to an upstream endpoint, the HTTP/1.1 upstream codec: writes a request
// (body framing kept, or bare HTTP/2 data chunk-encoded), parses the response head and tracks the
// body framing so the connection can be reused the moment the response ends. Body bytes are
// handed on as they arrive, unparsed (chunked stays chunked), to avoid copies.
import { connect, type Socket } from 'node:net';
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from '../http1/chunked.js';
import { findHeadEnd, HEAD_BAD } from '../http1/head-end.js';
import { HeadError, parseResponseHead, type ResponseHead } from '../http1/parse-head.js';
import type { OutgoingRequest, UpstreamReceiver, UpstreamStream } from './upstream-stream.js';

const MAX_RESPONSE_HEAD = 60 * 1024;
const MAX_RESPONSE_HEADERS = 100;

/** Where a finished exchange's connection goes back (the host's keep-alive pool). */
export interface ConnectionPool {
  release(conn: UpstreamConnection): void;
  /** The cluster's upstream_bind_config source address, when it sets one. */
  readonly localAddress?: string;
}

const enum R { Idle, Head, Length, Chunked, Close }

const LAST_CHUNK = '0\r\n\r\n';

export class UpstreamConnection implements UpstreamStream {
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
  /** The request body is bare data (from HTTP/2) sent chunk-encoded. */
  private encodeChunks = false;

  constructor(
    private readonly pool: ConnectionPool,
    address: string,
    port: number,
    onConnect: (c: UpstreamConnection) => void,
    private readonly onClose: (c: UpstreamConnection, hadReceiver: boolean, connected: boolean) => void,
  ) {
    const localAddress = pool.localAddress;
    this.socket = connect(localAddress === undefined ? { host: address, port, noDelay: true } : { host: address, port, noDelay: true, localAddress });
    this.socket.once('connect', () => {
      this.connected = true;
      onConnect(this);
    });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', () => { /* followed by 'close' */ });
    this.socket.once('close', () => this.handleClose());
    this.socket.on('drain', () => this.receiver?.onUpstreamDrain());
  }

  get busy(): boolean {
    return this.receiver !== undefined;
  }

  /** Whether the connection may carry another request after the current response. */
  get reusable(): boolean {
    return this.keepAlive && !this.closed;
  }

  start(receiver: UpstreamReceiver, req: OutgoingRequest, body: readonly Buffer[] | undefined, ended: boolean): void {
    this.receiver = receiver;
    this.method = req.method;
    this.state = R.Head;
    this.head = undefined;
    this.keepAlive = true;
    this.sawResponseBytes = false;
    this.requests++;
    let framing = '';
    this.encodeChunks = false;
    const kind = req.bodyKind;
    if (kind === 'chunked') {
      framing = 'transfer-encoding: chunked\r\n';
    } else if (kind === 'stream' && !req.headers.has('content-length')) {
      if (!ended) {
        this.encodeChunks = true;
        framing = 'transfer-encoding: chunked\r\n';
      } else if (body !== undefined) {
        // The whole body arrived while the connection was being set up: send it with its length.
        let n = 0;
        for (const b of body) n += b.length;
        framing = `content-length: ${n}\r\n`;
      }
    }
    const line = `${req.method} ${req.upstreamTarget} HTTP/1.1\r\n${req.headers.serialize()}${framing}\r\n`;
    const s = this.socket;
    if (body === undefined && !this.encodeChunks) {
      s.write(line, 'latin1');
      return;
    }
    s.cork();
    s.write(line, 'latin1');
    if (body !== undefined) for (const b of body) this.writeBody(b);
    if (ended) this.endBody();
    s.uncork();
  }

  writeBody(data: Buffer): boolean {
    if (data.length === 0) return true;
    const s = this.socket;
    if (!this.encodeChunks) return s.write(data);
    s.write(`${data.length.toString(16)}\r\n`, 'latin1');
    s.write(data);
    return s.write('\r\n', 'latin1');
  }

  endBody(): void {
    if (this.encodeChunks) {
      this.encodeChunks = false;
      this.socket.write(LAST_CHUNK, 'latin1');
    }
  }

  resumeResponse(): void {
    this.socket.resume();
  }

  release(): void {
    this.pool.release(this);
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
        r.onResponseEnd(undefined);
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
          const end = findHeadEnd(buf, off, MAX_RESPONSE_HEAD);
          if (end < 0) {
            if (end === HEAD_BAD || buf.length - off > MAX_RESPONSE_HEAD) return this.fail();
            this.head = off === 0 ? buf : buf.subarray(off);
            return;
          }
          const parsed = parseResponseHead(buf.toString('latin1', off, end), this.method, MAX_RESPONSE_HEADERS, true);
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
    r.onResponseEnd(undefined);
  }

  /** Whether the response has started arriving (a reset after that cannot be answered with 503). */
  get responseStarted(): boolean {
    return this.sawResponseBytes;
  }
}
