// One downstream HTTP/1.1 connection: frames requests out of the byte stream (head, then a
// Content-Length or chunked body), runs one request at a time and holds pipelined requests back
// until the response before them is complete, so responses can never be reordered.
import type { Socket } from 'node:net';
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from './http1/chunked.js';
import { findHeadEnd, HEAD_BAD, HEAD_MORE } from './http1/head-end.js';
import { HeadError, parseRequestHead, type RequestHead } from './http1/parse-head.js';
import { NOT_ARMED, type Deadline } from './coarse-timers.js';
import type { HcmContext } from './hcm-context.js';
import { watchIdle } from './idle-timeout.js';
import { Stream, writeLocalReply } from './stream.js';
import { enabledUpgrade, UpgradeTunnel } from './upgrade.js';

const enum Rd { Head, Body, Wait, Discard, Closed }

export class DownstreamConnection implements Deadline {
  private buf: Buffer | undefined;
  private state = Rd.Head;
  private stream: Stream | undefined;
  private remaining = 0;
  private chunked: ChunkedScanner | undefined;
  private processing = false;
  private pausedForPipeline = false;
  private closeAfter = false;
  /** Requests framed so far: the idle-timeout check's sign of activity. */
  private requests = 0;
  private readonly stopIdleWatch: (() => void) | undefined;
  /** `request_headers_timeout`, armed only while a head is incomplete after a read. */
  deadline = 0;
  timerSlot = NOT_ARMED;

  /** Whether the connection closes once the current response is written (`connection: close`). */
  get closeAfterResponse(): boolean {
    return this.closeAfter;
  }

  /**
   * Setting it from outside a request (a listener drain) closes an idle keep-alive connection at
   * once: no request is in flight or buffered, so there is no response to carry `connection: close`.
   */
  set closeAfterResponse(v: boolean) {
    this.closeAfter = v;
    if (v && this.stream === undefined && this.state === Rd.Head && this.buf === undefined && !this.processing) {
      this.state = Rd.Closed;
      this.socket.end();
    }
  }

  constructor(readonly socket: Socket, private readonly ctx: HcmContext, private readonly onGone: (c: DownstreamConnection) => void) {
    socket.setNoDelay(true);
    this.remoteAddress = socket.remoteAddress ?? '';
    ctx.stats.downstream_cx_total++;
    ctx.stats.downstream_cx_active++;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => { /* 'close' follows */ });
    socket.on('drain', () => this.stream?.onDownstreamDrain());
    socket.once('close', () => this.onClose());
    if (ctx.idleTimeoutMs > 0) {
      this.stopIdleWatch = watchIdle(ctx.idleTimeoutMs, () => this.activity(), () => {
        ctx.stats.downstream_cx_idle_timeout++;
        this.state = Rd.Closed;
        this.socket.end();
      });
    }
  }

  /** -1 while a request is in flight or bytes wait, else the number of requests so far. */
  private activity(): number {
    return this.stream !== undefined || this.state !== Rd.Head || this.buf !== undefined ? -1 : this.requests;
  }

  /** The peer's address, read once: `socket.remoteAddress` is a getter that calls into the handle. */
  readonly remoteAddress: string;

  private onData(d: Buffer): void {
    if (this.state === Rd.Discard || this.state === Rd.Closed) return;
    this.buf = this.buf === undefined ? d : Buffer.concat([this.buf, d]);
    if (!this.processing) this.process();
  }

  private process(): void {
    this.processing = true;
    try {
      while (this.buf !== undefined) {
        if (this.state === Rd.Head) {
          if (!this.readHead()) break;
        } else if (this.state === Rd.Body) {
          this.readBody();
        } else {
          if (this.state === Rd.Wait && this.buf.length > this.ctx.maxHeadBytes && !this.pausedForPipeline) {
            // A client racing ahead with pipelined requests waits for the responses.
            this.pausedForPipeline = true;
            this.socket.pause();
          }
          break;
        }
      }
    } finally {
      this.processing = false;
    }
  }

  /** Returns false when more bytes are needed. */
  private readHead(): boolean {
    const buf = this.buf!;
    const max = this.ctx.maxHeadBytes;
    const end = findHeadEnd(buf, 0, max);
    if (end === HEAD_BAD || end > max || (end === HEAD_MORE && buf.length > max)) {
      this.ctx.stats.downstream_rq_total++;
      this.protocolError(end === HEAD_BAD ? new HeadError(400, 'http1.codec_error') : new HeadError(431, 'http1.headers_too_large'));
      return false;
    }
    if (end === HEAD_MORE) {
      if (this.ctx.requestHeadersTimeoutMs > 0 && this.timerSlot === NOT_ARMED) {
        this.deadline = performance.now() + this.ctx.requestHeadersTimeoutMs;
        this.ctx.timers.add(this);
      }
      return false;
    }
    if (this.timerSlot !== NOT_ARMED) this.ctx.timers.delete(this);
    this.requests++;
    const head = parseRequestHead(buf.toString('latin1', 0, end), this.ctx.maxHeaders, true);
    this.buf = end + 4 === buf.length ? undefined : buf.subarray(end + 4);
    this.ctx.stats.downstream_rq_total++;
    if (head instanceof HeadError) {
      this.protocolError(head);
      return false;
    }
    if (this.ctx.upgrades.size > 0 && enabledUpgrade(head.headers, this.ctx.upgrades) !== undefined) return this.upgrade(head);
    if (!head.keepAlive) this.closeAfterResponse = true;
    const stream = new Stream(this, head, this.ctx);
    this.stream = stream;
    if (head.bodyKind === 'length') {
      this.state = Rd.Body;
      this.remaining = head.contentLength;
    } else if (head.bodyKind === 'chunked') {
      this.state = Rd.Body;
      this.chunked = new ChunkedScanner();
    } else {
      this.state = Rd.Wait;
    }
    stream.start();
    return true;
  }

  private readBody(): void {
    const buf = this.buf!;
    let end: number;
    if (this.chunked !== undefined) {
      const e = this.chunked.scan(buf, 0);
      if (e === CHUNKED_ERROR) {
        this.buf = undefined;
        this.stream?.onRequestBodyError();
        this.state = Rd.Discard;
        return;
      }
      end = e === CHUNKED_MORE ? buf.length : e;
    } else {
      end = Math.min(this.remaining, buf.length);
      this.remaining -= end;
    }
    const done = this.chunked !== undefined ? this.chunked.done : this.remaining === 0;
    const part = end === buf.length ? buf : buf.subarray(0, end);
    this.buf = end === buf.length ? undefined : buf.subarray(end);
    if (done) {
      this.state = Rd.Wait;
      this.chunked = undefined;
    }
    this.stream?.onRequestData(part, done);
  }

  /** Hands the socket to an upgrade tunnel: from here on it is a byte pipe, not HTTP/1.1. */
  private upgrade(head: RequestHead): boolean {
    const rest = this.buf;
    this.buf = undefined;
    this.state = Rd.Closed;
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('drain');
    new UpgradeTunnel(this.socket, head, this.ctx, rest, this.remoteAddress).start();
    return false;
  }

  /** The stream stops reading its body (it answered early): the rest of the connection is unusable. */
  discardRest(): void {
    if (this.state === Rd.Body) {
      this.state = Rd.Discard;
      this.buf = undefined;
      this.closeAfterResponse = true;
    }
  }

  get requestComplete(): boolean {
    return this.state !== Rd.Body;
  }

  private protocolError(e: HeadError): void {
    this.ctx.stats.downstream_cx_protocol_error++;
    this.buf = undefined;
    this.state = Rd.Discard;
    this.closeAfterResponse = true;
    writeLocalReply(this, this.ctx, e.status, '', undefined, undefined);
    this.socket.end();
  }

  /** Called by the stream when its response has been written in full. */
  onStreamComplete(): void {
    this.stream = undefined;
    if (this.closeAfterResponse || this.state === Rd.Discard) {
      this.state = Rd.Closed;
      this.socket.end();
      return;
    }
    this.state = Rd.Head;
    if (this.pausedForPipeline) {
      this.pausedForPipeline = false;
      this.socket.resume();
    }
    if (this.buf !== undefined && !this.processing) this.process();
  }

  /** The head did not complete within `request_headers_timeout`: the connection is closed without a response, as Envoy does. */
  onDeadline(): void {
    if (this.state !== Rd.Head || this.stream !== undefined) return;
    this.ctx.stats.downstream_rq_header_timeout++;
    this.state = Rd.Closed;
    this.socket.destroy();
  }

  private onClose(): void {
    this.stopIdleWatch?.();
    if (this.timerSlot !== NOT_ARMED) this.ctx.timers.delete(this);
    this.state = Rd.Closed;
    this.ctx.stats.downstream_cx_active--;
    const s = this.stream;
    this.stream = undefined;
    if (s !== undefined) {
      this.ctx.stats.downstream_cx_destroy_remote_active_rq++;
      s.onDownstreamClose();
    }
    this.onGone(this);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
