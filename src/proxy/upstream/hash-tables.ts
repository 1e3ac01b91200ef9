// The two consistent-hashing tables Envoy offers: the ketama-style ring (RING_HASH) and Maglev.
// Both are built once per host-set change and looked up with a request's 64-bit hash; `attempt`
// (> 0 on retries with a host predicate) moves the lookup to another entry as Envoy does.
import { xxHash64 } from './xxhash64.js';

export interface HashableHost {
  /** "address:port", the string Envoy hashes for a host without a hash_key. */
  readonly key: string;
  readonly weight: number;
}

export const DEFAULT_MIN_RING_SIZE = 1024;
export const DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;

export class RingHash<H extends HashableHost> {
  readonly hashes: BigUint64Array;
  readonly hosts: H[];

  constructor(hosts: readonly H[], minRingSize = DEFAULT_MIN_RING_SIZE, maxRingSize = DEFAULT_MAX_RING_SIZE) {
    if (minRingSize > maxRingSize) throw new Error('ringHashLbConfig: minimumRingSize exceeds maximumRingSize');
    const total = hosts.reduce((s, h) => s + h.weight, 0);
    const entries: { hash: bigint; host: H }[] = [];
    if (hosts.length > 0 && total > 0) {
      const minNormalized = Math.min(...hosts.map((h) => h.weight / total));
      // Scale so the lightest host still gets at least one entry, within the ring size bounds.
      const scale = Math.min(Math.ceil(minNormalized * minRingSize) / minNormalized, maxRingSize);
      let current = 0;
      let target = 0;
      for (const h of hosts) {
        target += scale * (h.weight / total);
        for (let i = 0; current < target; i++, current++) entries.push({ hash: xxHash64(`${h.key}_${i}`), host: h });
      }
    }
    entries.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    this.hashes = BigUint64Array.from(entries.map((e) => e.hash));
    this.hosts = entries.map((e) => e.host);
  }

  get size(): number {
    return this.hashes.length;
  }

  pick(hash: bigint, attempt = 0): H | undefined {
    const n = this.hashes.length;
    if (n === 0) return undefined;
    // First entry whose hash is >= the request's, wrapping to the start.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    const i = lo === n ? 0 : lo;
    return this.hosts[attempt > 0 ? (i + attempt) % n : i];
  }
}

export class Maglev<H extends HashableHost> {
  readonly table: (H | undefined)[];

  constructor(hosts: readonly H[], readonly size = DEFAULT_MAGLEV_TABLE_SIZE) {
    if (!isPrime(size)) throw new Error(`maglevLbConfig.tableSize ${size} is not a prime number`);
    this.table = new Array<H | undefined>(size);
    const live = hosts.filter((h) => h.weight > 0);
    if (live.length === 0) return;
    const maxWeight = Math.max(...live.map((h) => h.weight));
    const build = live.map((h) => ({
      host: h,
      offset: Number(xxHash64(h.key, 0n) % BigInt(size)),
      skip: Number(xxHash64(h.key, 1n) % BigInt(size - 1)) + 1,
      weight: h.weight,
      target: 0,
      next: 0,
    }));
    const t = this.table;
    // Weighted Maglev: a host of weight w takes a turn in w/maxWeight of the rounds.
    for (let filled = 0, round = 0; filled < size; round++) {
      for (let j = 0; j < build.length && filled < size; j++) {
        const e = build[j];
        if (round * e.weight < e.target) continue;
        e.target += maxWeight;
        let c = (e.offset + e.skip * e.next) % size;
        while (t[c] !== undefined) {
          e.next++;
          c = (e.offset + e.skip * e.next) % size;
        }
        t[c] = e.host;
        e.next++;
        filled++;
      }
    }
  }

  pick(hash: bigint, attempt = 0): H | undefined {
    // On retries Envoy flips the hash with a mostly-ones mask to land far from the first choice.
    const h = attempt > 0 ? hash ^ (((1n << 64n) - 1n) - BigInt(attempt) + 1n) : hash;
    return this.table[Number(h % BigInt(this.size))];
  }
}

function isPrime(n: number): boolean {
  if (n < 2 || !Number.isInteger(n)) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
