// The upstream half of the request pipeline, independent of the wire protocol: what a request
// hands to an upstream codec (HTTP/1.1 pooled connection or HTTP/2 stream), the events it gets
// back, and `openUpstream`, which picks the pool the cluster's protocol options name.
import type { RequestHeaders } from '../http1/headers.js';
import type { BodyKind } from '../http1/parse-head.js';
import { H2Pool } from '../http2/h2-pool.js';
import type { Host } from './cluster.js';

/**
 * How the body bytes a downstream codec delivers are framed: `length` and `chunked` are HTTP/1.1
 * wire bytes (Content-Length, chunked coding); `stream` is bare data whose end is signalled
 * separately (HTTP/2 DATA frames), possibly followed by trailers.
 */
export type MessageBody = BodyKind | 'stream';

export interface ResponseStart {
  readonly status: number;
  readonly reason: string;
  readonly headers: RequestHeaders;
  readonly bodyKind: MessageBody;
}

/** A request as it goes upstream: route rewrites and header mutations already applied. */
export interface OutgoingRequest {
  readonly method: string;
  readonly upstreamTarget: string;
  readonly headers: RequestHeaders;
  readonly bodyKind: MessageBody;
}

/**
 * Why an exchange broke before its response ended: `termination` (the connection closed),
 * `protocol` (the upstream spoke garbage), `remote_reset` (HTTP/2 RST_STREAM), `refused_stream`
 * (RST_STREAM REFUSED_STREAM: the request was not processed and is safe to retry).
 */
export type UpstreamResetReason = 'termination' | 'protocol' | 'remote_reset' | 'refused_stream';

export interface UpstreamReceiver {
  onResponseHead(head: ResponseStart): void;
  /** Body bytes framed as the head's bodyKind says; returns false to ask for backpressure. */
  onResponseData(data: Buffer): boolean;
  /** `trailers` only from codecs that carry them apart from the body (HTTP/2). */
  onResponseEnd(trailers: readonly [string, string][] | undefined): void;
  /** Every byte of one read has been handed on (flush anything held back). */
  onReadComplete(): void;
  onUpstreamReset(reason: UpstreamResetReason): void;
  /** The upstream took the request body bytes written so far. */
  onUpstreamDrain(): void;
}

/** One request/response exchange on an upstream connection or stream. */
export interface UpstreamStream {
  /**
   * Sends the request head and `body` (what arrived so far, in `req.bodyKind` framing); `ended`
   * says the downstream body is complete.
   */
  start(receiver: UpstreamReceiver, req: OutgoingRequest, body: readonly Buffer[] | undefined, ended: boolean): void;
  /** More request body; false asks the downstream to pause until onUpstreamDrain. */
  writeBody(data: Buffer): boolean;
  /** The request body is complete; `trailers` (HTTP/2 request trailers) go to codecs that carry them. */
  endBody(trailers?: readonly [string, string][]): void;
  resumeResponse(): void;
  /** The exchange completed (or never started): the connection or stream slot goes back to its pool. */
  release(): void;
  /** Resets the exchange; no further events reach the receiver. */
  abandon(): void;
}

export interface AttemptWaiter {
  onPoolReady(stream: UpstreamStream, host: Host): void;
  onPoolFailure(reason: 'connect_failure' | 'overflow'): void;
}

export interface UpstreamPool {
  cancel(w: AttemptWaiter): void;
}

/**
 * Asks the host for an upstream stream over the protocol its cluster configures (HTTP1 by
 * default; USE_DOWNSTREAM follows the downstream codec). Returns the pool to cancel the wait with.
 */
export function openUpstream(host: Host, downstreamHttp2: boolean, w: AttemptWaiter): UpstreamPool {
  const proto = host.cluster.config.httpProtocolOptions;
  if (proto !== undefined && (proto.upstreamProtocol === 'HTTP2' || (proto.upstreamProtocol === 'USE_DOWNSTREAM' && downstreamHttp2))) {
    const pool = H2Pool.of(host, proto.http2ProtocolOptions);
    pool.acquire(w);
    return pool;
  }
  host.acquire(w);
  return host;
}
