// A sidecar's route configuration for port 80 holds one virtual host per service (~1,000 here,
// 0.6 MB), built once per Sidecar scope. A VirtualService edit changes one of them, but encoding the
// configuration whole re-encodes all of them in every scope. Here the configuration is assembled
// from encoded virtual hosts, remembered by their content: an edit encodes the hosts that changed
// and copies the others' bytes. The bytes equal protobufjs's encoding of the whole message: it
// writes fields in field-number order, and a repeated message field is each element's own encoding
// behind its tag and length, so `name` (1), then every virtual host (2), then the rest (3+).
import { createHash, hash } from 'node:crypto';
import { encodeMessage, lookupMessageType, TypeUrl, type RouteConfiguration, type VirtualHost } from '../../xds-api/index.js';
import type { GeneratedResource } from '../generator.js';
import { fieldSize, Writer } from '../wire.js';

const RC = lookupMessageType(TypeUrl.RouteConfiguration);
const VHOSTS_FIELD = RC?.fields.virtual_hosts?.id;
const NAME_FIELD = RC?.fields.name?.id;
/** RouteConfiguration.virtual_hosts, checked against the descriptor below. */
const VIRTUAL_HOSTS = 2;
if (VHOSTS_FIELD !== VIRTUAL_HOSTS || NAME_FIELD !== 1 || Object.values(RC!.fields).some((f) => f.id !== 1 && f.id !== 2 && f.id < 3)) {
  throw new Error('route-encode: RouteConfiguration is expected to number name 1 and virtual_hosts 2');
}
const VHOST_TYPE = 'envoy.config.route.v3.VirtualHost';

/** Reads a varint at `pos`: [value, next position]. */
function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let n = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++];
    n += (b & 0x7f) * mul;
    if (b < 0x80) return [n, pos];
    mul *= 0x80;
  }
}

/**
 * Encoded virtual hosts by content (a hash of their JSON form: translation output is plain data).
 * Two generations: a host not used since the last rotation is dropped at the next one, so the memo
 * holds at most 2 × `maxEntries`. Entries are views into the route configuration they were first
 * encoded for (no copy), so a rotated-out configuration's bytes are freed with its last view.
 */
export class VirtualHostMemo {
  private current = new Map<string, Uint8Array>();
  private previous = new Map<string, Uint8Array>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 65_536) {}

  get(key: string): Uint8Array | undefined {
    let b = this.current.get(key);
    if (b) return b;
    b = this.previous.get(key);
    if (b) this.put(key, b);
    return b;
  }

  put(key: string, bytes: Uint8Array): void {
    if (this.current.size >= this.maxEntries) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, bytes);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}

// One-shot hash: a Hash object per virtual host costs more than hashing its JSON.
const keyOf = (vh: VirtualHost) => hash('sha256', JSON.stringify(vh), 'base64url');

/** `rc` encoded as encodeResource would, reusing the bytes of virtual hosts seen before. */
export function encodeRouteConfiguration(rc: RouteConfiguration, memo: VirtualHostMemo): GeneratedResource {
  const vhosts = (rc.virtual_hosts ?? []) as VirtualHost[];
  // Everything but the virtual hosts: `name` first, then fields 3 and up.
  const rest = encodeMessage(TypeUrl.RouteConfiguration, { ...rc, virtual_hosts: [] });
  let nameEnd = 0;
  if (rest.length > 0 && rest[0] === ((1 << 3) | 2)) {
    const [len, at] = readVarint(rest, 1);
    nameEnd = at + len;
  }
  const keys: string[] = new Array(vhosts.length);
  const parts: Uint8Array[] = new Array(vhosts.length);
  const fresh: boolean[] = new Array(vhosts.length);
  let size = rest.length;
  vhosts.forEach((vh, i) => {
    const key = keyOf(vh);
    let b = memo.get(key);
    fresh[i] = b === undefined;
    if (b) memo.hits++;
    else {
      memo.misses++;
      b = encodeMessage(VHOST_TYPE, vh as unknown as Record<string, unknown>);
    }
    keys[i] = key;
    parts[i] = b;
    size += fieldSize(VIRTUAL_HOSTS, b.length);
  });
  const out = Buffer.allocUnsafe(size);
  const w = new Writer(out);
  out.set(rest.subarray(0, nameEnd), 0);
  w.pos = nameEnd;
  parts.forEach((b, i) => {
    w.bytes(VIRTUAL_HOSTS, b);
    // Remember a view into this configuration rather than the freshly encoded copy.
    if (fresh[i]) memo.put(keys[i], out.subarray(w.pos - b.length, w.pos));
  });
  out.set(rest.subarray(nameEnd), w.pos);
  return {
    name: rc.name ?? '',
    version: createHash('sha256').update(out).digest('base64url').slice(0, 16),
    resource: { type_url: TypeUrl.RouteConfiguration, value: out },
  };
}
