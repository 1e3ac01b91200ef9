// Which HTTP/2 implementation the proxy runs, per process: our codec (h2-session.ts), the
// default, or ISTIO_TS_H2_CODEC=node for node:http2 (nghttp2), kept as a fallback and tested
// beside it. Read once, at first use.

export type H2Codec = 'native' | 'node';

let chosen: H2Codec | undefined;

export function h2Codec(): H2Codec {
  chosen ??= process.env.ISTIO_TS_H2_CODEC === 'node' ? 'node' : 'native';
  return chosen;
}
