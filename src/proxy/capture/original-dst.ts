// The destination a captured connection was originally sent to. With iptables REDIRECT the
// kernel rewrote the destination to our capture port and keeps the original in conntrack, read
// with getsockopt(SO_ORIGINAL_DST) (IPv4) or getsockopt(IP6T_SO_ORIGINAL_DST) (IPv6); Node does
// not expose either, so libc's getsockopt is called through koffi on the socket's fd. With TPROXY
// nothing was rewritten: the accepted socket's local address already is the original destination.
import { createRequire } from 'node:module';
import type { Server, Socket } from 'node:net';
import type * as Koffi from 'koffi';

export interface OriginalDestination {
  readonly address: string;
  readonly port: number;
}

const SOL_IP = 0;
const SOL_IPV6 = 41;
/** linux/netfilter_ipv4.h SO_ORIGINAL_DST and linux/netfilter_ipv6/ip6_tables.h IP6T_SO_ORIGINAL_DST. */
const SO_ORIGINAL_DST = 80;
const IP6T_SO_ORIGINAL_DST = 80;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCKADDR_IN6_SIZE = 28;

type GetSockOpt = (fd: number, level: number, name: number, val: Uint8Array, len: Uint32Array) => number;
type SetSockOpt = (fd: number, level: number, name: number, val: Buffer, len: number) => number;

let getsockopt: GetSockOpt | null | undefined;
let setsockopt: SetSockOpt | null = null;
let errno: () => number = () => 0;
let loadError: string | undefined;

/** Binds libc's getsockopt once; null when unavailable (not Linux, or koffi failed to load). */
function bind(): GetSockOpt | null {
  if (getsockopt !== undefined) return getsockopt;
  if (process.platform !== 'linux') {
    loadError = `SO_ORIGINAL_DST needs Linux (platform is ${process.platform})`;
    return (getsockopt = null);
  }
  try {
    // koffi is CommonJS with a native part; require keeps it out of module start-up until needed.
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const libc = koffi.load('libc.so.6');
    getsockopt = libc.func('getsockopt', 'int', ['int', 'int', 'int', 'void *', 'void *']) as GetSockOpt;
    setsockopt = libc.func('setsockopt', 'int', ['int', 'int', 'int', 'void *', 'uint32_t']) as SetSockOpt;
    errno = () => koffi.errno();
  } catch (err) {
    loadError = `cannot bind libc getsockopt through koffi: ${err instanceof Error ? err.message : String(err)}`;
    getsockopt = null;
  }
  return getsockopt;
}

/** Why `originalDestination` cannot work on this machine, or undefined when it can. */
export function originalDestinationUnavailable(): string | undefined {
  bind();
  return loadError;
}

/** The socket's file descriptor (libuv TCP handle), or undefined when it has none. */
export function socketFd(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

// Reused for every call: the lookup is synchronous, so the pair is never shared. Typed arrays
// cross koffi ~30 % cheaper than Buffers here.
const valBuf = Buffer.alloc(SOCKADDR_IN6_SIZE);
const lenArr = new Uint32Array(1);

/**
 * The original destination of a connection captured by iptables REDIRECT, or undefined when the
 * socket has no NAT record (it was not redirected, or is closed). A connection made straight to
 * the capture port without NAT reports its own local address, as the kernel does.
 */
export function originalDestination(socket: Socket): OriginalDestination | undefined {
  const fn = bind();
  const fd = socketFd(socket);
  if (!fn || fd === undefined) return undefined;
  const local = socket.localAddress ?? '';
  // An IPv6 socket carrying IPv4 (::ffff:a.b.c.d) was NATed by the IPv4 table.
  const v6 = local.includes(':') && !local.startsWith('::ffff:');
  return v6
    ? (lookup(fn, fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST) ?? lookup(fn, fd, SOL_IP, SO_ORIGINAL_DST))
    : (lookup(fn, fd, SOL_IP, SO_ORIGINAL_DST) ?? lookup(fn, fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST));
}

function lookup(fn: GetSockOpt, fd: number, level: number, name: number): OriginalDestination | undefined {
  lenArr[0] = SOCKADDR_IN6_SIZE;
  if (fn(fd, level, name, valBuf, lenArr) !== 0) return undefined;
  return decodeSockaddr(valBuf, lenArr[0]);
}

/** Decodes a Linux `sockaddr_in` / `sockaddr_in6` (family in host order, port big-endian). */
export function decodeSockaddr(buf: Buffer, len: number): OriginalDestination | undefined {
  if (len < 8) return undefined;
  const family = buf.readUInt16LE(0);
  const port = buf.readUInt16BE(2);
  if (family === AF_INET) {
    return { address: `${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`, port };
  }
  if (family === AF_INET6 && len >= 24) {
    return { address: formatIpv6(buf.subarray(8, 24)), port };
  }
  return undefined;
}

/** RFC 5952 text form: lowercase, leading zeros dropped, the longest run of ≥ 2 zero groups as `::`. */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // IPv4-mapped addresses keep their dotted tail, as Node prints them.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * TPROXY mode: the kernel delivered the connection to our (IP_TRANSPARENT) listener without
 * rewriting it, so the socket's local address is where the client was going.
 */
export function transparentDestination(socket: Socket): OriginalDestination | undefined {
  const address = socket.localAddress;
  const port = socket.localPort;
  if (address === undefined || port === undefined) return undefined;
  return { address: address.startsWith('::ffff:') ? address.slice(7) : address, port };
}

export type CaptureMode = 'REDIRECT' | 'TPROXY';

/** The original destination per capture mode, as virtualOutbound/virtualInbound need it. */
export function capturedDestination(socket: Socket, mode: CaptureMode): OriginalDestination | undefined {
  return mode === 'TPROXY' ? transparentDestination(socket) : originalDestination(socket);
}

/** linux/in.h IP_TRANSPARENT and linux/in6.h IPV6_TRANSPARENT. */
const IP_TRANSPARENT = 19;
const IPV6_TRANSPARENT = 75;

/**
 * Marks a listening server IP_TRANSPARENT (and IPV6_TRANSPARENT for IPv6 listeners), which the
 * kernel's TPROXY target requires before it hands a connection to that socket. Needs
 * CAP_NET_ADMIN; Node has no option for it. Throws with the errno when the kernel refuses.
 */
export function setTransparent(server: Server): void {
  const fn = bind();
  if (!fn || !setsockopt) throw new Error(loadError ?? 'setsockopt unavailable');
  const handle = (server as unknown as { _handle?: { fd?: number } })._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('setTransparent: the server is not listening');
  const addr = server.address();
  const v6 = typeof addr === 'object' && addr !== null && addr.family === 'IPv6';
  const one = Buffer.alloc(4);
  one.writeInt32LE(1, 0);
  if (setsockopt(fd, SOL_IP, IP_TRANSPARENT, one, 4) !== 0 && !v6) {
    throw new Error(`setsockopt(IP_TRANSPARENT) failed: errno ${errno()}`);
  }
  if (v6 && setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, one, 4) !== 0) {
    throw new Error(`setsockopt(IPV6_TRANSPARENT) failed: errno ${errno()}`);
  }
}
