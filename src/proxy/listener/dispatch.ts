// What a listener does with an accepted connection once its filter chain is chosen: hand it to the
// TCP proxy, or to an HTTP codec. The codec is decided once per connection (Envoy's codec_type:
// HTTP/2 by its connection preface on plaintext, or by ALPN `h2` under TLS), so the HTTP/1.1 path
// pays nothing per request for HTTP/2 existing.
import type { Socket } from 'node:net';
import type { CodecType } from '../config/types.js';
import { DownstreamConnection } from '../downstream.js';
import type { HcmContext } from '../hcm-context.js';
import type { H2Server } from '../http2/index.js';
import { TcpProxySession, type TcpProxyContext } from '../tcp/tcp-proxy.js';

export type ChainRuntime =
  | { readonly kind: 'http'; readonly hcm: HcmContext; readonly codec: CodecType; readonly h2: H2Server }
  | { readonly kind: 'tcp'; readonly tcp: TcpProxyContext };

/** An open downstream connection as the listener sees it: drained on config change, destroyed on close. */
export interface DownstreamHandle {
  closeAfterResponse: boolean;
  destroy(): void;
}

/** RFC 9113 §3.4: every HTTP/2 connection with prior knowledge starts with these 24 octets. */
export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Whether `b` is the preface (true), cannot be (false), or is a prefix of it so far (undefined). */
export function looksLikeH2Preface(b: Buffer): boolean | undefined {
  const n = Math.min(b.length, H2_PREFACE.length);
  if (b.compare(H2_PREFACE, 0, n, 0, n) !== 0) return false;
  return n === H2_PREFACE.length ? true : undefined;
}

/**
 * Serves a connection on a chain. `alpn` is the protocol a TLS handshake negotiated (the TLS
 * transport passes it; plaintext listeners pass undefined and AUTO sniffs the preface).
 */
export function serveConnection(socket: Socket, chain: ChainRuntime, track: Set<DownstreamHandle>, alpn?: string, inspected?: Buffer): void {
  const gone = (h: DownstreamHandle): void => { track.delete(h); };
  // `inspected`: bytes listener filters already read off the (now paused) socket.
  const peeked = inspected !== undefined && inspected.length > 0 ? inspected : undefined;
  if (chain.kind === 'tcp') {
    if (peeked !== undefined) socket.unshift(peeked);
    track.add(new TcpProxySession(socket, chain.tcp, gone));
    return;
  }
  const http1 = (initial: Buffer | undefined): void => {
    chain.hcm.stats.downstream_cx_http1_total++;
    const conn = new DownstreamConnection(socket, chain.hcm, gone);
    track.add(conn);
    if (initial !== undefined) {
      if (initial.length > 0) socket.unshift(initial);
      socket.resume();
    }
  };
  const http2 = (initial: Buffer | undefined): void => {
    track.add(chain.h2.serve(socket, initial, gone));
  };
  if (chain.codec === 'HTTP1' || (chain.codec === 'AUTO' && alpn !== undefined && alpn !== 'h2')) return http1(inspected);
  if (chain.codec === 'HTTP2' || alpn === 'h2') return http2(peeked);
  // AUTO on plaintext: read until the bytes are, or cannot be, the HTTP/2 preface.
  let seen: Buffer | undefined = peeked;
  const decide = (): boolean => {
    const h2 = seen === undefined ? undefined : looksLikeH2Preface(seen);
    if (h2 === undefined) return false;
    socket.off('data', onData);
    socket.off('close', onEarlyClose);
    socket.pause();
    if (h2) http2(seen);
    else http1(seen);
    return true;
  };
  const onData = (d: Buffer): void => {
    seen = seen === undefined ? d : Buffer.concat([seen, d]);
    decide();
  };
  const onEarlyClose = (): void => { socket.off('data', onData); };
  if (decide()) return;
  socket.on('data', onData);
  socket.on('error', () => { /* 'close' follows */ });
  socket.once('close', onEarlyClose);
  if (inspected !== undefined) socket.resume();
}
