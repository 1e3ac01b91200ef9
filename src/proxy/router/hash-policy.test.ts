import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HashPolicy } from '../config/types.js';
import { RequestHeaders } from '../http1/headers.js';
import { xxHash64 } from '../upstream/xxhash64.js';
import { CompiledHashPolicy } from './hash-policy.js';

function headers(pairs: [string, string][]): RequestHeaders {
  const h = new RequestHeaders();
  for (const [k, v] of pairs) h.add(k, v);
  return h;
}

const rot = (h: bigint): bigint => ((h << 1n) | (h >> 63n)) & ((1n << 64n) - 1n);

describe('hash policies', () => {
  const input = {
    headers: headers([['x-user', 'alice'], ['cookie', 'a=1; session="s-9"; b=2']]),
    remoteAddress: '::ffff:10.1.2.3', remotePort: 5555, query: '?shard=7&x=1',
  };
  const cases: { name: string; policies: HashPolicy[]; want: bigint | undefined; cookie?: string }[] = [
    { name: 'header', policies: [{ header: { headerName: 'X-User' } }], want: xxHash64('alice') },
    { name: 'missing header: no hash', policies: [{ header: { headerName: 'x-none' } }], want: undefined },
    { name: 'cookie (quoted value)', policies: [{ cookie: { name: 'session' } }], want: xxHash64('s-9') },
    { name: 'source ip (IPv4-mapped form stripped)', policies: [{ connectionProperties: { sourceIp: true } }], want: xxHash64('10.1.2.3') },
    { name: 'query parameter', policies: [{ queryParameter: { name: 'shard' } }], want: xxHash64('7') },
    {
      name: 'two policies combine by rotate and xor',
      policies: [{ header: { headerName: 'x-user' } }, { queryParameter: { name: 'shard' } }],
      want: rot(xxHash64('alice')) ^ xxHash64('7'),
    },
    { name: 'terminal stops once a hash exists', policies: [{ header: { headerName: 'x-user' } }, { queryParameter: { name: 'shard' }, terminal: true }], want: xxHash64('alice') },
    { name: 'terminal is skipped while no hash exists', policies: [{ header: { headerName: 'x-none' } }, { queryParameter: { name: 'shard' }, terminal: true }], want: xxHash64('7') },
    {
      name: 'generated cookie with TTL when the client has none',
      policies: [{ cookie: { name: 'sticky', ttlMs: 3_600_000, path: '/app' } }],
      want: xxHash64(xxHash64('10.1.2.3:5555').toString(16).padStart(16, '0')),
      cookie: `sticky="${xxHash64('10.1.2.3:5555').toString(16).padStart(16, '0')}"; Max-Age=3600; Path=/app; HttpOnly`,
    },
    { name: 'cookie without TTL and absent: no hash', policies: [{ cookie: { name: 'sticky' } }], want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = new CompiledHashPolicy(c.policies).compute(input);
      assert.equal(r.hash, c.want);
      assert.equal(r.setCookie, c.cookie);
    });
  }
});
