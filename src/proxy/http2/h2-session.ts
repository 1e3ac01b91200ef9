// One HTTP/2 connection over a net/tls socket, either end (RFC 9113): the preface, SETTINGS and
// their ACK, HEADERS/CONTINUATION through HPACK, DATA with connection- and stream-level flow
// control both ways, RST_STREAM, PING, GOAWAY, PRIORITY ignored. Protocol violations end the
// connection with GOAWAY or a stream with RST_STREAM and the RFC's error code. Streams are plain
// objects (h2-session-stream.ts) that report to one listener each; frames are batched into one
// socket write per turn of the event loop.
import type { Socket } from 'node:net';
import {
  ACK, DEFAULT_FRAME_SIZE, DEFAULT_INITIAL_WINDOW, F, FRAME_HEADER, H2Error, MAX_WINDOW, PREFACE, S, T,
  goawayFrame, settingsFrame, writeFrameHeader,
} from './frames.js';
import { HpackDecoder, HpackEncoder, HpackError } from './hpack.js';
import { ENVOY_FLOOD_LIMITS, FloodGuard, H2CodecStats, PREMATURE_RESET_LIFETIME_MS, type FloodLimits } from './h2-flood.js';
import { H2SessionStream, validateFields } from './h2-session-stream.js';
import { Keepalive, type KeepaliveOptions } from './h2-keepalive.js';

export interface H2SessionOptions {
  /** Streams the peer may open (server) — our SETTINGS_MAX_CONCURRENT_STREAMS. */
  readonly maxConcurrentStreams: number;
  /** Our receive window per stream (SETTINGS_INITIAL_WINDOW_SIZE) and for the connection. */
  readonly streamWindow: number;
  readonly connectionWindow: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE; larger header lists reach the listener flagged `oversize`. */
  readonly maxHeaderListSize: number;
  /** Flood limits (default Envoy's) and the `http2.*` counters they and resets count in. */
  readonly flood?: FloodLimits;
  readonly stats?: H2CodecStats;
  /** `connection_keepalive`: PINGs on an interval, the connection aborted when one goes unanswered. */
  readonly keepalive?: KeepaliveOptions;
}

export interface H2SessionListener {
  /** Server: a peer opened a stream. `oversize`: its header list exceeded our limit. */
  onStream?(s: H2SessionStream, fields: string[], endStream: boolean, oversize: boolean): void;
  /** The peer's SETTINGS arrived (the first ones complete the handshake). */
  onRemoteSettings?(): void;
  onGoaway?(lastStreamId: number, code: number): void;
  /** A stream closed (both ends done, or reset): its slot is free. */
  onStreamClosed?(s: H2SessionStream): void;
  /** Server: the connection is being closed for too many premature (Rapid Reset) stream resets. */
  onPrematureResets?(): void;
  onClose(): void;
}

const HEADER_BLOCK_LIMIT = 1 << 20;
const OUT_INITIAL = 16384;
/** Not a wire flag: marks a header block whose PRIORITY made the stream depend on itself. */
const SELF_DEPENDENT = 0x100;

export class H2Session {
  readonly streams = new Map<number, H2SessionStream>();
  readonly encoder = new HpackEncoder();
  private readonly decoder = new HpackDecoder();
  // ── peer settings ──
  peerMaxStreams = MAX_WINDOW;
  peerInitialWindow = DEFAULT_INITIAL_WINDOW;
  peerMaxFrame = DEFAULT_FRAME_SIZE;
  connSendWindow = DEFAULT_INITIAL_WINDOW;
  settingsReceived = false;
  // ── our side ──
  private connRecvWindow = DEFAULT_INITIAL_WINDOW;
  private connRecvUnacked = 0;
  private lastPeerStream = 0;
  private nextStreamId: number;
  /** Streams the peer opened (server) or we opened (client) that are not closed. */
  active = 0;
  goawaySent = false;
  goawayReceived = false;
  closed = false;
  // ── reading ──
  private inbuf: Buffer | undefined;
  private prefaceLeft: number;
  private contStream = 0;
  private contFlags = 0;
  private contBlock: Buffer[] = [];
  private contLen = 0;
  // ── writing: frames are copied into one buffer and leave as one write per event-loop turn ──
  private obuf = Buffer.allocUnsafe(OUT_INITIAL);
  private olen = 0;
  private flushQueued = false;
  /** Streams waiting for connection window, and streams that asked to hear when writable again. */
  readonly windowBlocked = new Set<H2SessionStream>();
  readonly wantWritable = new Set<H2SessionStream>();
  readonly guard: FloodGuard;
  private readonly keepalive: Keepalive | undefined;

  constructor(
    readonly socket: Socket, readonly isServer: boolean, readonly opts: H2SessionOptions,
    private readonly listener: H2SessionListener,
  ) {
    this.nextStreamId = isServer ? 2 : 1;
    this.prefaceLeft = isServer ? PREFACE.length : 0;
    this.guard = new FloodGuard(opts.flood ?? ENVOY_FLOOD_LIMITS, opts.stats ?? new H2CodecStats());
    this.keepalive = opts.keepalive === undefined ? undefined : new Keepalive(this, opts.keepalive);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('drain', () => this.notifyWritable());
    socket.on('error', () => { /* 'close' follows */ });
    socket.once('close', () => this.onSocketClose());
  }

  /** Sends our preface (client) and SETTINGS; `initial` holds bytes already read off the socket. */
  start(initial?: Buffer): void {
    if (!this.isServer) this.emit(PREFACE);
    const o = this.opts;
    const settings: [number, number][] = [[S.ENABLE_PUSH, 0], [S.MAX_HEADER_LIST_SIZE, o.maxHeaderListSize]];
    if (this.isServer) settings.push([S.MAX_CONCURRENT_STREAMS, o.maxConcurrentStreams]);
    if (o.streamWindow !== DEFAULT_INITIAL_WINDOW) settings.push([S.INITIAL_WINDOW_SIZE, o.streamWindow]);
    this.emit(settingsFrame(settings));
    if (o.connectionWindow > DEFAULT_INITIAL_WINDOW) {
      this.emitU32(T.WINDOW_UPDATE, 0, 0, o.connectionWindow - DEFAULT_INITIAL_WINDOW);
      this.connRecvWindow = o.connectionWindow;
    }
    if (initial !== undefined && initial.length > 0) this.onData(initial);
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────────

  /** Room for `n` more output bytes; returns where they go. */
  private reserve(n: number): number {
    const at = this.olen;
    if (at + n > this.obuf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.obuf.length * 2, at + n));
      this.obuf.copy(next, 0, 0, at);
      this.obuf = next;
    }
    this.olen = at + n;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flush);
    }
    return at;
  }

  emit(b: Buffer): void {
    if (this.closed) return;
    b.copy(this.obuf, this.reserve(b.length));
  }

  /** A frame header and a payload (copied). */
  emitFrame(type: number, flags: number, id: number, payload: Buffer | undefined): void {
    if (this.closed || this.flooded(type, flags)) return;
    const len = payload === undefined ? 0 : payload.length;
    const at = this.reserve(FRAME_HEADER + len);
    writeFrameHeader(this.obuf, at, len, type, flags, id);
    if (payload !== undefined) payload.copy(this.obuf, at + FRAME_HEADER);
  }

  emitU32(type: number, flags: number, id: number, v: number): void {
    if (this.closed || this.flooded(type, flags)) return;
    const at = this.reserve(FRAME_HEADER + 4);
    writeFrameHeader(this.obuf, at, 4, type, flags, id);
    this.obuf.writeUInt32BE(v, at + FRAME_HEADER);
  }

  /**
   * Counts an outbound frame; true when the peer has let too many pile up (it does not read, or
   * keeps asking for PING/SETTINGS ACKs and RST_STREAMs): the connection is dropped at once, as
   * nothing more can usefully be queued to it.
   */
  private flooded(type: number, flags: number): boolean {
    const g = this.guard;
    if (type === T.DATA) g.outboundDataFrames++;
    const control = type === T.RST_STREAM || type === T.PING || (type === T.SETTINGS && (flags & ACK) !== 0);
    if (g.queued(control) === undefined) return false;
    this.closed = true;
    this.olen = 0;
    this.socket.destroy();
    return true;
  }

  readonly flush = (): void => {
    this.flushQueued = false;
    const n = this.olen;
    if (n === 0 || this.closed || this.socket.destroyed) return;
    this.olen = 0;
    // One allocation per write, not one per frame; the socket may hold it until it drains.
    const out = Buffer.allocUnsafe(n);
    this.obuf.copy(out, 0, 0, n);
    if (this.obuf.length > 4 * OUT_INITIAL) this.obuf = Buffer.allocUnsafe(OUT_INITIAL);
    this.guard.handedToSocket();
    this.socket.write(out, this.guard.written);
    if (!this.socket.writableNeedDrain && this.wantWritable.size > 0) this.notifyWritable();
  };

  get socketBlocked(): boolean {
    return this.socket.writableNeedDrain;
  }

  private notifyWritable(): void {
    if (this.socket.writableNeedDrain) return;
    for (const s of this.wantWritable) {
      if (s.queued > 0) continue;
      this.wantWritable.delete(s);
      s.listener?.onWritable();
    }
  }

  /** Whether a new stream id is left (client): ids are odd and below 2^31. */
  get canOpenStream(): boolean {
    return this.nextStreamId <= MAX_WINDOW - 2 && !this.goawayReceived && !this.goawaySent && !this.closed;
  }

  /** Opens a stream (client) with a request head; the caller owns the returned stream. */
  request(fields: (enc: HpackEncoder) => void, endStream: boolean): H2SessionStream {
    this.keepalive?.beforeNewStream();
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const s = new H2SessionStream(this, id);
    this.streams.set(id, s);
    this.active++;
    this.sendHeaders(id, fields, endStream);
    if (endStream) s.localClosed = true;
    return s;
  }

  /** HEADERS (and CONTINUATION when the block exceeds the peer's frame size). */
  sendHeaders(id: number, fields: (enc: HpackEncoder) => void, endStream: boolean): void {
    const enc = this.encoder;
    enc.begin(FRAME_HEADER);
    fields(enc);
    const block = enc.output;
    const len = block.length - FRAME_HEADER;
    const es = endStream ? F.END_STREAM : 0;
    if (len <= this.peerMaxFrame) {
      if (this.closed || this.flooded(T.HEADERS, 0)) return;
      writeFrameHeader(block, 0, len, T.HEADERS, F.END_HEADERS | es, id);
      this.emit(block);
      return;
    }
    let off = FRAME_HEADER;
    let type: number = T.HEADERS;
    while (off < block.length) {
      const n = Math.min(this.peerMaxFrame, block.length - off);
      const last = off + n === block.length;
      this.emitFrame(type, (last ? F.END_HEADERS : 0) | (type === T.HEADERS ? es : 0), id, block.subarray(off, off + n));
      off += n;
      type = T.CONTINUATION;
    }
  }

  rst(s: H2SessionStream, code: number): void {
    if (s.closedState) return;
    this.guard.stats.tx_reset++;
    this.emitU32(T.RST_STREAM, 0, s.id, code);
    this.closeStream(s);
  }

  closeStream(s: H2SessionStream): void {
    if (s.closedState) return;
    s.closedState = true;
    s.queue = undefined;
    s.queued = 0;
    this.windowBlocked.delete(s);
    this.wantWritable.delete(s);
    if (this.streams.delete(s.id)) this.active--;
    this.listener.onStreamClosed?.(s);
    // Rapid Reset: streams the peer opens and abandons before any response cost us work each.
    if (this.isServer && !this.goawaySent && !this.closed && (s.id & 1) === 1) {
      const premature = !s.responded && performance.now() - s.openedAt <= PREMATURE_RESET_LIFETIME_MS;
      if (this.guard.streamClosed(premature)) {
        this.listener.onPrematureResets?.();
        return this.fail(H2Error.ENHANCE_YOUR_CALM);
      }
    }
    if (this.active === 0 && (this.goawaySent || this.goawayReceived)) this.end();
  }

  /** The highest stream id the peer has opened (0 before any). */
  get lastStreamId(): number {
    return this.lastPeerStream;
  }

  /** Graceful drain: GOAWAY naming the last stream we will serve; the socket closes once those end. */
  shutdown(): void {
    if (this.goawaySent || this.closed) return;
    this.goawaySent = true;
    this.guard.stats.goaway_sent++;
    this.emit(goawayFrame(this.lastPeerStream, H2Error.NO_ERROR));
    if (this.active === 0) this.end();
  }

  /** A connection error: GOAWAY with `code`, every stream reset, the socket closed. */
  fail(code: number): void {
    if (this.closed) return;
    if (!this.goawaySent) {
      this.goawaySent = true;
      this.guard.stats.goaway_sent++;
      this.emit(goawayFrame(this.lastPeerStream, code));
    }
    this.resetAll(code);
    this.end();
  }

  private end(): void {
    if (this.closed) return;
    this.keepalive?.stop();
    this.flush();
    this.closed = true;
    this.socket.end();
    // A peer that never closes its end must not keep the socket.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private resetAll(code: number): void {
    for (const s of [...this.streams.values()]) {
      this.closeStream(s);
      s.listener?.onReset(code, true);
    }
  }

  private onSocketClose(): void {
    this.closed = true;
    this.keepalive?.stop();
    this.resetAll(H2Error.CANCEL);
    this.listener.onClose();
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────

  private onData(d: Buffer): void {
    if (this.closed) return;
    const buf = this.inbuf === undefined ? d : Buffer.concat([this.inbuf, d]);
    this.inbuf = undefined;
    let pos = 0;
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, buf.length);
      const at = PREFACE.length - this.prefaceLeft;
      if (buf.compare(PREFACE, at, at + n, 0, n) !== 0) return this.fail(H2Error.PROTOCOL_ERROR);
      this.prefaceLeft -= n;
      pos = n;
    }
    const maxFrame = DEFAULT_FRAME_SIZE;
    while (buf.length - pos >= FRAME_HEADER && !this.closed) {
      const len = (buf[pos] << 16) | (buf[pos + 1] << 8) | buf[pos + 2];
      if (len > maxFrame) return this.fail(H2Error.FRAME_SIZE_ERROR);
      if (buf.length - pos < FRAME_HEADER + len) break;
      const type = buf[pos + 3];
      const flags = buf[pos + 4];
      const id = buf.readUInt32BE(pos + 5) & 0x7fffffff;
      const payload = buf.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len);
      pos += FRAME_HEADER + len;
      this.onFrame(type, flags, id, payload);
    }
    if (pos < buf.length && !this.closed) this.inbuf = pos === 0 ? buf : buf.subarray(pos);
  }

  private onFrame(type: number, flags: number, id: number, p: Buffer): void {
    if (!this.settingsReceived && this.isServer && type !== T.SETTINGS) return this.fail(H2Error.PROTOCOL_ERROR);
    if (this.contStream !== 0 && (type !== T.CONTINUATION || id !== this.contStream)) return this.fail(H2Error.PROTOCOL_ERROR);
    if (this.keepalive !== undefined) this.keepalive.frameReceived(type, flags, p);
    if (this.inboundFlood(type, flags, p)) return this.fail(H2Error.ENHANCE_YOUR_CALM);
    switch (type) {
      case T.DATA: return this.onDataFrame(flags, id, p);
      case T.HEADERS: return this.onHeadersFrame(flags, id, p);
      case T.PRIORITY:
        if (id === 0) return this.fail(H2Error.PROTOCOL_ERROR);
        if (p.length !== 5) return this.streamError(id, H2Error.FRAME_SIZE_ERROR);
        return;
      case T.RST_STREAM: return this.onRst(id, p);
      case T.SETTINGS: return this.onSettings(flags, id, p);
      case T.PUSH_PROMISE: return this.fail(H2Error.PROTOCOL_ERROR); // we never enable push
      case T.PING:
        if (id !== 0) return this.fail(H2Error.PROTOCOL_ERROR);
        if (p.length !== 8) return this.fail(H2Error.FRAME_SIZE_ERROR);
        if ((flags & ACK) === 0) this.emitFrame(T.PING, ACK, 0, p);
        return;
      case T.GOAWAY: return this.onGoaway(id, p);
      case T.WINDOW_UPDATE: return this.onWindowUpdate(id, p);
      case T.CONTINUATION: return this.onContinuation(flags, id, p);
      default: return; // unknown frame types are ignored (§5.5)
    }
  }

  /** Envoy's inbound limits: empty frames in a row, PRIORITY and WINDOW_UPDATE floods. */
  private inboundFlood(type: number, flags: number, p: Buffer): boolean {
    const g = this.guard;
    switch (type) {
      case T.DATA:
      case T.HEADERS:
      case T.CONTINUATION: {
        const padded = type !== T.CONTINUATION && (flags & F.PADDED) !== 0 && p.length > 0;
        const n = padded ? p.length - 1 - p[0] : p.length;
        const endHeaders = type !== T.DATA && (flags & F.END_HEADERS) !== 0;
        return g.inboundMessageFrame(n, (flags & F.END_STREAM) !== 0, endHeaders) !== undefined;
      }
      case T.PRIORITY: return g.inboundPriority() !== undefined;
      case T.WINDOW_UPDATE: return g.inboundWindowUpdate() !== undefined;
      default: return false;
    }
  }

  /** Sends a PING (keepalive); its ACK comes back through the keepalive. */
  ping(data: Buffer): void {
    this.emitFrame(T.PING, 0, 0, data);
  }

  keepaliveTimeout(): void {
    this.guard.stats.keepalive_timeout++;
    this.destroy();
  }

  /** RST_STREAM for a stream we may not even know (refused, or closed). */
  private streamError(id: number, code: number): void {
    const s = this.streams.get(id);
    if (s !== undefined) {
      this.rst(s, code);
      s.listener?.onReset(code, false);
    } else {
      this.guard.stats.tx_reset++;
      this.emitU32(T.RST_STREAM, 0, id, code);
    }
  }

  /** Padding stripped; undefined when the pad length is impossible (a connection error). */
  private unpad(flags: number, p: Buffer): Buffer | undefined {
    if ((flags & F.PADDED) === 0) return p;
    if (p.length < 1) return undefined;
    const pad = p[0];
    if (pad >= p.length) return undefined;
    return p.subarray(1, p.length - pad);
  }

  private onDataFrame(flags: number, id: number, p: Buffer): void {
    if (id === 0) return this.fail(H2Error.PROTOCOL_ERROR);
    const len = p.length;
    if (len > this.connRecvWindow) return this.fail(H2Error.FLOW_CONTROL_ERROR);
    this.connRecvWindow -= len;
    this.connRecvUnacked += len;
    // The connection window is handed back as data arrives: stream windows bound what is buffered.
    if (this.connRecvUnacked >= this.opts.connectionWindow / 2 || this.connRecvWindow < DEFAULT_FRAME_SIZE * 2) {
      this.emitU32(T.WINDOW_UPDATE, 0, 0, this.connRecvUnacked);
      this.connRecvWindow += this.connRecvUnacked;
      this.connRecvUnacked = 0;
    }
    const s = this.streams.get(id);
    if (s === undefined) {
      if (this.isIdle(id)) return this.fail(H2Error.PROTOCOL_ERROR);
      return; // a stream we reset or closed: its frames in flight are dropped (§5.4.2)
    }
    if (s.remoteClosed) return this.streamError(id, H2Error.STREAM_CLOSED);
    if (!s.headersReceived) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    if (len > s.recvWindow) return this.streamError(id, H2Error.FLOW_CONTROL_ERROR);
    s.recvWindow -= len;
    const data = this.unpad(flags, p);
    if (data === undefined) return this.fail(H2Error.PROTOCOL_ERROR);
    const end = (flags & F.END_STREAM) !== 0;
    // §8.1.1: DATA that disagrees with content-length makes the message malformed.
    const expected = s.contentLength;
    if (expected >= 0) {
      s.dataReceived += data.length;
      if (s.dataReceived > expected || (end && s.dataReceived !== expected)) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    }
    if (end) s.remoteClosed = true;
    s.received(data, len - data.length, end);
    if (end && s.localClosed) this.closeStream(s);
  }

  /** Hands `n` consumed bytes of stream `s` back to the peer, in batches of half a window. */
  ackData(s: H2SessionStream, n: number): void {
    s.recvUnacked += n;
    if (s.remoteClosed || s.closedState) return;
    if (s.recvUnacked >= this.opts.streamWindow / 2) {
      this.emitU32(T.WINDOW_UPDATE, 0, s.id, s.recvUnacked);
      s.recvWindow += s.recvUnacked;
      s.recvUnacked = 0;
    }
  }

  private isIdle(id: number): boolean {
    const peerInitiated = (id & 1) === (this.isServer ? 1 : 0);
    return peerInitiated ? id > this.lastPeerStream : id >= this.nextStreamId;
  }

  private onHeadersFrame(flags: number, id: number, p: Buffer): void {
    if (id === 0) return this.fail(H2Error.PROTOCOL_ERROR);
    let frag = this.unpad(flags, p);
    if (frag === undefined) return this.fail(H2Error.PROTOCOL_ERROR);
    if ((flags & F.PRIORITY) !== 0) {
      if (frag.length < 5) return this.fail(H2Error.FRAME_SIZE_ERROR);
      // A stream depending on itself is a stream error, but its block still updates HPACK state.
      if ((frag.readUInt32BE(0) & 0x7fffffff) === id) flags |= SELF_DEPENDENT;
      frag = frag.subarray(5);
    }
    if ((flags & F.END_HEADERS) !== 0) return this.onHeaderBlock(flags, id, frag);
    this.contStream = id;
    this.contFlags = flags;
    this.contBlock = [frag];
    this.contLen = frag.length;
  }

  private onContinuation(flags: number, id: number, p: Buffer): void {
    if (this.contStream === 0 || id !== this.contStream) return this.fail(H2Error.PROTOCOL_ERROR);
    this.contBlock.push(p);
    this.contLen += p.length;
    if (this.contLen > HEADER_BLOCK_LIMIT) return this.fail(H2Error.ENHANCE_YOUR_CALM);
    if ((flags & F.END_HEADERS) === 0) return;
    const block = Buffer.concat(this.contBlock);
    this.contStream = 0;
    this.contBlock = [];
    this.onHeaderBlock(this.contFlags, id, block);
  }

  private onHeaderBlock(flags: number, id: number, block: Buffer): void {
    const fields: string[] = [];
    let size: number;
    try {
      size = this.decoder.decode(block, fields);
    } catch (e) {
      if (e instanceof HpackError) return this.fail(H2Error.COMPRESSION_ERROR);
      throw e;
    }
    const end = (flags & F.END_STREAM) !== 0;
    if ((flags & SELF_DEPENDENT) !== 0) {
      if (this.isIdle(id) && (id & 1) === (this.isServer ? 1 : 0)) this.lastPeerStream = id;
      return this.streamError(id, H2Error.PROTOCOL_ERROR);
    }
    const s = this.streams.get(id);
    if (s === undefined) return this.onNewStream(id, fields, end, size);
    if (s.remoteClosed) return this.streamError(id, H2Error.STREAM_CLOSED);
    const trailers = s.headersReceived;
    if (trailers && (!end || (s.contentLength >= 0 && s.dataReceived !== s.contentLength))) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    const kind = trailers ? 'trailers' : this.isServer ? 'request' : 'response';
    if (trailers) this.guard.stats.trailers++;
    if (!validateFields(fields, kind)) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    if (kind === 'response') {
      const status = fields[1];
      // Interim responses (100-continue, 103) are dropped: the proxy forwards final responses only.
      if (status.length === 3 && status.charCodeAt(0) === 0x31) {
        if (end) return this.streamError(id, H2Error.PROTOCOL_ERROR);
        return;
      }
    }
    if (!trailers) {
      const status = fields[1];
      // Responses to HEAD, and 204/304, carry a content-length but no content.
      if (!s.bodiless && status !== '204' && status !== '304' && !this.takeContentLength(s, fields, end)) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    }
    s.headersReceived = true;
    if (end) s.remoteClosed = true;
    s.listener?.onHeaders(fields, end);
    if (end && s.localClosed) this.closeStream(s);
  }

  private onNewStream(id: number, fields: string[], end: boolean, size: number): void {
    if (!this.isServer || (id & 1) === 0) {
      if (!this.isIdle(id)) return; // a stream we gave up on
      return this.fail(H2Error.PROTOCOL_ERROR);
    }
    if (id <= this.lastPeerStream) return this.fail(H2Error.STREAM_CLOSED);
    this.lastPeerStream = id;
    if (this.goawaySent) return; // above the last stream we said we would serve: ignored (§6.8)
    if (this.active >= this.opts.maxConcurrentStreams) return this.streamError(id, H2Error.REFUSED_STREAM);
    if (!validateFields(fields, 'request')) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    const s = new H2SessionStream(this, id);
    s.openedAt = performance.now();
    if (!this.takeContentLength(s, fields, end)) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    s.headersReceived = true;
    s.remoteClosed = end;
    this.streams.set(id, s);
    this.active++;
    this.listener.onStream?.(s, fields, end, size > this.opts.maxHeaderListSize);
  }

  /** Records the message's content-length; false when it is malformed or contradicts END_STREAM. */
  private takeContentLength(s: H2SessionStream, fields: string[], end: boolean): boolean {
    for (let i = 0; i < fields.length; i += 2) {
      if (fields[i] !== 'content-length') continue;
      const v = fields[i + 1];
      if (!/^\d{1,15}$/.test(v)) return false;
      const n = Number(v);
      if (s.contentLength >= 0 && s.contentLength !== n) return false;
      s.contentLength = n;
    }
    return !end || s.contentLength <= 0;
  }

  private onRst(id: number, p: Buffer): void {
    if (id === 0) return this.fail(H2Error.PROTOCOL_ERROR);
    if (p.length !== 4) return this.fail(H2Error.FRAME_SIZE_ERROR);
    const s = this.streams.get(id);
    if (s === undefined) {
      if (this.isIdle(id)) this.fail(H2Error.PROTOCOL_ERROR);
      return;
    }
    this.guard.stats.rx_reset++;
    this.closeStream(s);
    s.listener?.onReset(p.readUInt32BE(0), false);
  }

  private onSettings(flags: number, id: number, p: Buffer): void {
    if (id !== 0) return this.fail(H2Error.PROTOCOL_ERROR);
    if ((flags & ACK) !== 0) {
      if (p.length !== 0) this.fail(H2Error.FRAME_SIZE_ERROR);
      return;
    }
    if (p.length % 6 !== 0) return this.fail(H2Error.FRAME_SIZE_ERROR);
    for (let o = 0; o < p.length; o += 6) {
      const k = p.readUInt16BE(o);
      const v = p.readUInt32BE(o + 2);
      switch (k) {
        case S.HEADER_TABLE_SIZE: this.encoder.setMaxTableSize(v); break;
        case S.ENABLE_PUSH: if (v > 1 || (v === 1 && !this.isServer)) return this.fail(H2Error.PROTOCOL_ERROR); break;
        case S.MAX_CONCURRENT_STREAMS: this.peerMaxStreams = v; break;
        case S.INITIAL_WINDOW_SIZE: {
          if (v > MAX_WINDOW) return this.fail(H2Error.FLOW_CONTROL_ERROR);
          const delta = v - this.peerInitialWindow;
          this.peerInitialWindow = v;
          for (const s of this.streams.values()) {
            s.sendWindow += delta;
            if (s.sendWindow > MAX_WINDOW) return this.fail(H2Error.FLOW_CONTROL_ERROR);
          }
          break;
        }
        case S.MAX_FRAME_SIZE:
          if (v < DEFAULT_FRAME_SIZE || v > 16777215) return this.fail(H2Error.PROTOCOL_ERROR);
          this.peerMaxFrame = v;
          break;
        default: break; // MAX_HEADER_LIST_SIZE is advisory; unknown settings are ignored
      }
    }
    this.emitFrame(T.SETTINGS, ACK, 0, undefined);
    this.settingsReceived = true;
    for (const s of this.streams.values()) if (s.queued > 0 && s.sendWindow > 0) s.pump();
    this.listener.onRemoteSettings?.();
  }

  private onGoaway(id: number, p: Buffer): void {
    if (id !== 0) return this.fail(H2Error.PROTOCOL_ERROR);
    if (p.length < 8) return this.fail(H2Error.FRAME_SIZE_ERROR);
    const last = p.readUInt32BE(0) & 0x7fffffff;
    const code = p.readUInt32BE(4);
    this.goawayReceived = true;
    if (!this.isServer) {
      // Streams above `last` were never processed: safe to retry elsewhere.
      for (const s of [...this.streams.values()]) {
        if (s.id > last) {
          this.closeStream(s);
          s.listener?.onReset(H2Error.REFUSED_STREAM, false);
        }
      }
    }
    this.listener.onGoaway?.(last, code);
    if (this.active === 0) this.end();
  }

  private onWindowUpdate(id: number, p: Buffer): void {
    if (p.length !== 4) return this.fail(H2Error.FRAME_SIZE_ERROR);
    const inc = p.readUInt32BE(0) & 0x7fffffff;
    if (id === 0) {
      if (inc === 0) return this.fail(H2Error.PROTOCOL_ERROR);
      this.connSendWindow += inc;
      if (this.connSendWindow > MAX_WINDOW) return this.fail(H2Error.FLOW_CONTROL_ERROR);
      for (const s of [...this.windowBlocked]) {
        if (this.connSendWindow <= 0) break;
        this.windowBlocked.delete(s);
        s.pump();
      }
      return;
    }
    const s = this.streams.get(id);
    if (s === undefined) {
      if (this.isIdle(id)) this.fail(H2Error.PROTOCOL_ERROR);
      return;
    }
    if (inc === 0) return this.streamError(id, H2Error.PROTOCOL_ERROR);
    s.sendWindow += inc;
    if (s.sendWindow > MAX_WINDOW) return this.streamError(id, H2Error.FLOW_CONTROL_ERROR);
    if (s.queued > 0) s.pump();
  }
}
