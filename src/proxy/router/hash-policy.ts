// A route's hash policies (header, cookie, source IP, query parameter) compiled into one function
// that yields the request's 64-bit hash for RING_HASH / MAGLEV clusters, combined across policies
// as Envoy does (rotate the running hash left by one, xor the next; `terminal` stops early once a
// hash exists). A cookie policy with a TTL mints the cookie when the client has none.
import type { HashPolicy } from '../config/types.js';
import type { RequestHeaders } from '../http1/headers.js';
import { xxHash64 } from '../upstream/xxhash64.js';
import { parseQuery } from './header-matcher.js';

export interface HashInput {
  readonly headers: RequestHeaders;
  /** Peer address and port of the downstream connection. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** "" or "?a=b..." */
  readonly query: string;
}

export interface HashResult {
  readonly hash: bigint | undefined;
  /** A `set-cookie` value to add to the response (generated cookie), if any. */
  readonly setCookie: string | undefined;
}

type Method = (i: HashInput, out: { setCookie: string | undefined }) => bigint | undefined;

const MASK = (1n << 64n) - 1n;

function stripV4Mapped(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function cookieValue(headers: RequestHeaders, name: string): string | undefined {
  const names = headers.names;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== 'cookie') continue;
    for (const part of headers.values[i].split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
      let v = part.slice(eq + 1).trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      return v;
    }
  }
  return undefined;
}

function compileMethod(p: HashPolicy): Method {
  if ('header' in p) {
    const name = p.header.headerName.toLowerCase();
    return (i) => {
      const v = i.headers.get(name);
      return v === undefined ? undefined : xxHash64(v);
    };
  }
  if ('cookie' in p) {
    const { name, ttlMs, path } = p.cookie;
    return (i, out) => {
      const v = cookieValue(i.headers, name);
      if (v !== undefined) return xxHash64(v);
      if (ttlMs === undefined) return undefined;
      // Envoy mints the value from the downstream address, so one client keeps landing on one host.
      const minted = xxHash64(`${stripV4Mapped(i.remoteAddress)}:${i.remotePort}`).toString(16).padStart(16, '0');
      let c = `${name}="${minted}"`;
      if (ttlMs > 0) c += `; Max-Age=${Math.floor(ttlMs / 1000)}`;
      if (path !== undefined && path !== '') c += `; Path=${path}`;
      out.setCookie = `${c}; HttpOnly`;
      return xxHash64(minted);
    };
  }
  if ('connectionProperties' in p) {
    if (!p.connectionProperties.sourceIp) return () => undefined;
    return (i) => (i.remoteAddress === '' ? undefined : xxHash64(stripV4Mapped(i.remoteAddress)));
  }
  if ('queryParameter' in p) {
    const name = p.queryParameter.name;
    return (i) => {
      if (i.query.length < 2) return undefined;
      const v = parseQuery(i.query.slice(1)).get(name);
      return v === undefined ? undefined : xxHash64(v);
    };
  }
  throw new Error('hashPolicy names none of header, cookie, connectionProperties, queryParameter');
}

export class CompiledHashPolicy {
  private readonly methods: { readonly fn: Method; readonly terminal: boolean }[];

  constructor(policies: readonly HashPolicy[]) {
    this.methods = policies.map((p) => ({ fn: compileMethod(p), terminal: p.terminal === true }));
  }

  compute(i: HashInput): HashResult {
    let hash: bigint | undefined;
    const out = { setCookie: undefined as string | undefined };
    for (const m of this.methods) {
      if (hash !== undefined && m.terminal) break;
      const h = m.fn(i, out);
      if (h === undefined) continue;
      const rotated = hash === undefined ? 0n : ((hash << 1n) | (hash >> 63n)) & MASK;
      hash = rotated ^ h;
    }
    return { hash, setCookie: out.setCookie };
  }
}
