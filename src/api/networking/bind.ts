// Listener bind addresses and default endpoints of Gateway servers and Sidecar listeners.
import { isAbsolute } from 'node:path/posix';
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { isIPAddress, portError } from '../validation/net.js';

export const UNIX_PREFIX = 'unix://';

export function unixAddressError(addr: string): string | undefined {
  if (addr === '') return 'unix address must not be empty';
  // Abstract sockets (Linux) have no file system path.
  if (addr.startsWith('@')) return undefined;
  if (!isAbsolute(addr) || addr.endsWith('/')) return `${addr} is not an absolute path to a file`;
  return undefined;
}

export function validateBind(bind: string | undefined, d: Diagnostics, path: PathSegment[], opts: { allowUnix: boolean }): void {
  if (bind === undefined || bind === '') return;
  if (bind.startsWith(UNIX_PREFIX)) {
    if (!opts.allowUnix) d.error(`${bind} is not a valid IP`, ...path);
    else {
      const e = unixAddressError(bind.slice(UNIX_PREFIX.length));
      if (e) d.error(e, ...path);
    }
    return;
  }
  if (!isIPAddress(bind)) d.error(`${bind} is not a valid IP`, ...path);
}

const LOOPBACK_OR_ANY = new Set(['127.0.0.1', '0.0.0.0', '::1', '::']);

/** `127.0.0.1:<port>`, `0.0.0.0:<port>`, `[::1]:<port>`, `[::]:<port>`, `:<port>` or `unix://path`. */
export function validateDefaultEndpoint(ep: string | undefined, d: Diagnostics, path: PathSegment[], who: string): void {
  if (ep === undefined || ep === '') return;
  if (ep.startsWith(UNIX_PREFIX)) {
    const e = unixAddressError(ep.slice(UNIX_PREFIX.length));
    if (e) d.error(e, ...path);
    return;
  }
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(ep);
  if (!m) {
    d.error(`${who}: defaultEndpoint "${ep}" is not of form host:port`, ...path);
    return;
  }
  const host = m[1] ?? m[2] ?? '';
  if (host !== '' && !LOOPBACK_OR_ANY.has(host)) {
    d.error(`${who}: defaultEndpoint must be of form 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:port, [::]:port, unix://filepath, or unset`, ...path);
  }
  if (!/^\d+$/.test(m[3])) {
    d.error(`${who}: defaultEndpoint port (${m[3]}) is not a number`, ...path);
    return;
  }
  const pe = portError(Number(m[3]));
  if (pe) d.error(pe, ...path);
}
