// HTTP/2 for the proxy: our own codec (h2-session.ts, HPACK in hpack.ts) by default, or Node's
// http2 (nghttp2) with ISTIO_TS_H2_CODEC=node, behind the same downstream interface the listener
// hands connections to and the same upstream pool interface (h2-pool.ts picks the pool).
import type { Socket } from 'node:net';
import type { Http2ProtocolOptions } from '../config/types.js';
import type { HcmContext } from '../hcm-context.js';
import { h2Codec } from './codec-choice.js';
import { H2Downstream, type H2Handle } from './h2-downstream.js';
import type { H2CodecStats } from './h2-flood.js';
import { NativeH2Downstream } from './native-downstream.js';

export type { H2Handle } from './h2-downstream.js';

export interface H2Server {
  /** Runs HTTP/2 on `socket`; `initial` holds bytes already read (the preface). */
  serve(socket: Socket, initial: Buffer | undefined, onGone: (h: H2Handle) => void): H2Handle;
}

export { h2Codec, type H2Codec } from './codec-choice.js';

export { H2CodecStats, registerClusterH2Stats } from './h2-flood.js';

/** `h2Stats`: the `http2.*` counters (flood limits, resets, keepalive) of our codec. */
export function createH2Server(ctx: HcmContext, opts: Http2ProtocolOptions | undefined, h2Stats?: H2CodecStats): H2Server {
  return h2Codec() === 'native' ? new NativeH2Downstream(ctx, opts, h2Stats) : new H2Downstream(ctx, opts);
}
