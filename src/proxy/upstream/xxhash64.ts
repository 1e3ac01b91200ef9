// xxHash64, the hash Envoy uses for hash policies, ring hash and Maglev, so that the same key and
// endpoints map the way they would in Envoy. BigInt keeps it short and exact; it only runs for
// clusters and routes that configure hash-based balancing.
const M = (1n << 64n) - 1n;
const P1 = 0x9E3779B185EBCA87n;
const P2 = 0xC2B2AE3D27D4EB4Fn;
const P3 = 0x165667B19E3779F9n;
const P4 = 0x85EBCA77C2B2AE63n;
const P5 = 0x27D4EB2F165667C5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M;
}

function round(acc: bigint, input: bigint): bigint {
  return (rotl((acc + input * P2) & M, 31n) * P1) & M;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  return (((acc ^ round(0n, val)) * P1) + P4) & M;
}

export function xxHash64(input: string | Uint8Array, seed = 0n): bigint {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const len = b.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M;
    let v2 = (seed + P2) & M;
    let v3 = seed;
    let v4 = (seed - P1) & M;
    while (p + 32 <= len) {
      v1 = round(v1, b.readBigUInt64LE(p));
      v2 = round(v2, b.readBigUInt64LE(p + 8));
      v3 = round(v3, b.readBigUInt64LE(p + 16));
      v4 = round(v4, b.readBigUInt64LE(p + 24));
      p += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = (seed + P5) & M;
  }
  h = (h + BigInt(len)) & M;
  while (p + 8 <= len) {
    h ^= round(0n, b.readBigUInt64LE(p));
    h = ((rotl(h, 27n) * P1) + P4) & M;
    p += 8;
  }
  if (p + 4 <= len) {
    h ^= (BigInt(b.readUInt32LE(p)) * P1) & M;
    h = ((rotl(h, 23n) * P2) + P3) & M;
    p += 4;
  }
  while (p < len) {
    h ^= (BigInt(b[p]) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
    p++;
  }
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}
