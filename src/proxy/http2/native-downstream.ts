// Downstream HTTP/2 on our own codec for one HTTP connection manager: an H2Session per
// connection, configured from http2_protocol_options, each stream routed by NativeH2Stream
// through the same pipeline as HTTP/1.1. Bytes already read (a sniffed preface) are fed to the
// session directly, so no replaying stream is needed.
import type { Socket } from 'node:net';
import type { Http2ProtocolOptions } from '../config/types.js';
import type { HcmContext } from '../hcm-context.js';
import { watchIdle } from '../idle-timeout.js';
import { MAX_WINDOW } from './frames.js';
import type { H2Handle } from './h2-downstream.js';
import { DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_WINDOW_SIZE } from './h2-pool.js';
import { H2CodecStats, protectionOptions } from './h2-flood.js';
import { H2Session, type H2SessionOptions } from './h2-session.js';
import { NativeH2Stream } from './native-stream.js';

class NativeHandle implements H2Handle {
  constructor(private readonly session: H2Session) {}

  get closeAfterResponse(): boolean {
    return this.session.goawaySent;
  }

  /** Draining an HTTP/2 connection is a GOAWAY: streams in flight finish, new ones go elsewhere. */
  set closeAfterResponse(v: boolean) {
    if (v) this.session.shutdown();
  }

  destroy(): void {
    this.session.destroy();
  }
}

export class NativeH2Downstream {
  private readonly opts: H2SessionOptions;

  constructor(private readonly ctx: HcmContext, opts: Http2ProtocolOptions | undefined, h2Stats = new H2CodecStats()) {
    this.opts = {
      ...protectionOptions(opts, h2Stats),
      maxConcurrentStreams: opts?.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
      streamWindow: Math.min(opts?.initialStreamWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW),
      connectionWindow: Math.min(opts?.initialConnectionWindowSize ?? DEFAULT_WINDOW_SIZE, MAX_WINDOW),
      maxHeaderListSize: ctx.maxHeadBytes,
    };
  }

  /** Runs HTTP/2 on `socket`; `initial` holds bytes already read (the preface). */
  serve(socket: Socket, initial: Buffer | undefined, onGone: (h: H2Handle) => void): H2Handle {
    const ctx = this.ctx;
    const stats = ctx.stats;
    stats.downstream_cx_total++;
    stats.downstream_cx_active++;
    stats.downstream_cx_http2_total++;
    socket.setNoDelay(true);
    const remote = socket.remoteAddress ?? '';
    let handle: NativeHandle | undefined = undefined;
    const session = new H2Session(socket, true, this.opts, {
      onStream: (s, fields, end, oversize) => new NativeH2Stream(s, end, ctx, remote).start(fields, oversize),
      onPrematureResets: () => { stats.downstream_rq_too_many_premature_resets++; },
      onClose: () => {
        stopIdleWatch?.();
        stats.downstream_cx_active--;
        if (handle !== undefined) onGone(handle);
      },
    });
    // Idle: no stream open and no new one since the last check; timing out sends GOAWAY.
    const stopIdleWatch = ctx.idleTimeoutMs > 0
      ? watchIdle(ctx.idleTimeoutMs, () => (session.streams.size > 0 ? -1 : session.lastStreamId), () => {
        stats.downstream_cx_idle_timeout++;
        session.shutdown();
      })
      : undefined;
    handle = new NativeHandle(session);
    session.start(initial);
    socket.resume();
    return handle;
  }
}
