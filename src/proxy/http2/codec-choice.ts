// Which HTTP/2 implementation the proxy runs, per process: ISTIO_TS_H2_CODEC=native (our codec,
// h2-session.ts) or node (node:http2 / nghttp2). Read once, at first use.

export type H2Codec = 'native' | 'node';

let chosen: H2Codec | undefined;

export function h2Codec(): H2Codec {
  chosen ??= process.env.ISTIO_TS_H2_CODEC === 'native' ? 'native' : 'node';
  return chosen;
}
