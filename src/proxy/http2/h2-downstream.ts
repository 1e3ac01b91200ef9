// Downstream HTTP/2 for one HTTP connection manager: an nghttp2 server session (Node's http2, in
// C++) per connection, configured from http2_protocol_options; each stream is routed by
// H2Stream through the same routing code as HTTP/1.1.
import { createServer, type Http2Server, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Http2ProtocolOptions } from '../config/types.js';
import type { HcmContext } from '../hcm-context.js';
import { carryDestination } from '../listener/original-dst.js';
import { DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_WINDOW_SIZE } from './h2-pool.js';
import { H2Stream } from './h2-stream.js';

const MAX_WINDOW = 2147483647;

export interface H2Handle {
  closeAfterResponse: boolean;
  destroy(): void;
}

class SessionHandle implements H2Handle {
  session: Http2Session | undefined;
  readonly remoteAddress: string;
  constructor(private readonly socket: Socket) {
    this.remoteAddress = socket.remoteAddress ?? '';
  }

  get closeAfterResponse(): boolean {
    return this.session?.closed ?? false;
  }

  /** Draining an HTTP/2 connection is a GOAWAY: streams in flight finish, new ones go elsewhere. */
  set closeAfterResponse(v: boolean) {
    if (v) this.session?.close();
  }

  destroy(): void {
    this.session?.destroy();
    this.socket.destroy();
  }
}

export class H2Downstream {
  private readonly server: Http2Server;
  private readonly connWindow: number;
  private attaching: SessionHandle | undefined;
  private readonly remotes = new WeakMap<Http2Session, string>();

  constructor(private readonly ctx: HcmContext, opts: Http2ProtocolOptions | undefined) {
    this.connWindow = Math.min(opts?.initialConnectionWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW);
    this.server = createServer({
      settings: {
        maxConcurrentStreams: opts?.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
        initialWindowSize: Math.min(opts?.initialStreamWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW),
        maxHeaderListSize: ctx.maxHeadBytes,
        enablePush: false,
      },
      // Pseudo-headers count towards Node's limit, not towards Envoy's max_headers_count.
      maxHeaderListPairs: ctx.maxHeaders + 5,
    });
    this.server.on('session', (session: Http2Session) => {
      const h = this.attaching;
      if (h !== undefined) {
        h.session = session;
        this.remotes.set(session, h.remoteAddress);
      }
      session.on('error', () => { /* the socket's 'close' follows */ });
      session.once('connect', () => {
        if (this.connWindow > 65535) session.setLocalWindowSize(this.connWindow);
      });
    });
    this.server.on('stream', (stream: ServerHttp2Stream, _headers: unknown, flags: number, rawHeaders: string[]) => {
      const remote = (stream.session !== undefined ? this.remotes.get(stream.session) : undefined) ?? '';
      new H2Stream(stream, rawHeaders, (flags & 1) !== 0, this.ctx, remote).start();
    });
  }

  /** Runs HTTP/2 on `socket`; `initial` holds bytes already read (the preface). */
  serve(socket: Socket, initial: Buffer | undefined, onGone: (h: H2Handle) => void): H2Handle {
    const stats = this.ctx.stats;
    stats.downstream_cx_total++;
    stats.downstream_cx_active++;
    stats.downstream_cx_http2_total++;
    socket.setNoDelay(true);
    const handle = new SessionHandle(socket);
    socket.once('close', () => {
      stats.downstream_cx_active--;
      onGone(handle);
    });
    // nghttp2 reads the socket's native handle directly, so bytes already read (the sniffed
    // preface) cannot be pushed back; such a connection goes through a replaying JS stream.
    // Connections known to be HTTP/2 up front (codec HTTP2, ALPN h2) take the native path.
    const transport = initial === undefined ? socket : new Replayed(socket, initial);
    if (transport !== socket) carryDestination(socket, transport); // ORIGINAL_DST clusters read it through the session
    // Node's http2 server takes over a socket it did not accept through 'connection'; 'session' fires synchronously.
    this.attaching = handle;
    this.server.emit('connection', transport);
    this.attaching = undefined;
    socket.resume();
    return handle;
  }
}

/** A socket whose first bytes were already consumed, presented again as a stream that starts with them. */
class Replayed extends Duplex {
  constructor(private readonly socket: Socket, initial: Buffer) {
    super({ allowHalfOpen: false });
    this.push(initial);
    socket.on('data', (d: Buffer) => {
      if (!this.push(d)) socket.pause();
    });
    socket.once('end', () => this.push(null));
    socket.once('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}
