// Shared pieces of decoding Envoy's v3 messages (snake_case `__Output` shapes, as decodeAny
// returns them) into the proxy's camelCase config: field paths for NACK messages, durations,
// wrappers, addresses, string and header matchers, header mutations.
import { re2SyntaxError } from '../../shared/index.js';
import type { CidrRange, HeaderAppendAction, HeaderMatcher, HeaderOps, HeaderValueOption, StringMatcher } from '../config/types.js';

/** A resource that cannot be applied; `field` is the path inside the resource (`filter_chains[0].filters[0]`). */
export class DecodeError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'DecodeError';
  }
}

/** The outcome for one resource in a response: applied or NACKed, never both. */
export type Decoded<T> =
  | { readonly name: string; readonly value: T; readonly error?: undefined }
  | { readonly name: string; readonly value?: undefined; readonly error: string };

export function fail(field: string, reason: string): never {
  throw new DecodeError(field, reason);
}

export const at = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base === '' ? key : `${base}.${key}`;

/** google.protobuf.Duration (`{seconds: '5', nanos: 0}`, seconds as a string) → milliseconds; undefined when unset. */
export function durationMs(d: { seconds?: string | number; nanos?: number } | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  return Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6;
}

/** A wrapper (`UInt32Value`, `BoolValue`) → its value; undefined when unset. */
export function wrapped<T>(w: { value: T } | null | undefined): T | undefined {
  return w === null || w === undefined ? undefined : w.value;
}

export interface SocketAddress { readonly address: string; readonly port: number }

/** A core.v3.Address that must be a socket address with a numeric port. */
export function socketAddress(a: any, field: string): SocketAddress {
  if (a === null || a === undefined) fail(field, 'address is required');
  const sa = a.socket_address;
  if (sa === null || sa === undefined) fail(field, `only socket_address is supported (got ${a.address ?? 'none'})`);
  if (sa.protocol !== undefined && sa.protocol !== 'TCP') fail(at(field, 'socket_address.protocol'), `only TCP is supported (got ${sa.protocol})`);
  if (typeof sa.address !== 'string' || sa.address === '') fail(at(field, 'socket_address.address'), 'is required');
  if (sa.port_specifier === 'named_port') fail(at(field, 'socket_address.named_port'), 'named ports are not supported');
  const port = sa.port_value ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(at(field, 'socket_address.port_value'), `invalid port ${port}`);
  return { address: sa.address, port };
}

export function cidr(c: any, field: string): CidrRange {
  const prefixLen = wrapped<number>(c.prefix_len) ?? 0;
  if (typeof c.address_prefix !== 'string' || c.address_prefix === '') fail(at(field, 'address_prefix'), 'is required');
  const max = c.address_prefix.includes(':') ? 128 : 32;
  if (prefixLen > max) fail(at(field, 'prefix_len'), `${prefixLen} exceeds ${max}`);
  return { addressPrefix: c.address_prefix, prefixLen };
}

/** RegexMatcher: RE2 syntax, checked here so a bad pattern NACKs its resource instead of failing the swap. */
export function regex(r: any, field: string): { regex: string } {
  if (r === null || r === undefined || typeof r.regex !== 'string') fail(field, 'regex is required');
  const err = re2SyntaxError(r.regex);
  if (err !== undefined) fail(at(field, 'regex'), `invalid RE2 regex ${JSON.stringify(r.regex)}: ${err}`);
  return { regex: r.regex };
}

export function stringMatcher(m: any, field: string): StringMatcher {
  if (m === null || m === undefined) fail(field, 'string matcher is required');
  const ignoreCase = m.ignore_case === true ? { ignoreCase: true } : {};
  switch (m.match_pattern) {
    case 'exact': return { exact: m.exact, ...ignoreCase };
    case 'prefix': return { prefix: m.prefix, ...ignoreCase };
    case 'suffix': return { suffix: m.suffix, ...ignoreCase };
    case 'contains': return { contains: m.contains, ...ignoreCase };
    case 'safe_regex': return { safeRegex: regex(m.safe_regex, at(field, 'safe_regex')) };
    default: return fail(field, `unsupported match pattern ${m.match_pattern ?? '(none)'}`);
  }
}

export function headerMatcher(h: any, field: string): HeaderMatcher {
  if (typeof h.name !== 'string' || h.name === '') fail(at(field, 'name'), 'is required');
  const base = { name: h.name.toLowerCase(), ...(h.invert_match ? { invertMatch: true } : {}), ...(h.treat_missing_header_as_empty ? { treatMissingHeaderAsEmpty: true } : {}) };
  switch (h.header_match_specifier) {
    case undefined: return { ...base, presentMatch: true }; // no specifier: the header must be present
    case 'present_match': return { ...base, presentMatch: h.present_match };
    case 'string_match': return { ...base, stringMatch: stringMatcher(h.string_match, at(field, 'string_match')) };
    case 'exact_match': return { ...base, stringMatch: { exact: h.exact_match } };
    case 'prefix_match': return { ...base, stringMatch: { prefix: h.prefix_match } };
    case 'suffix_match': return { ...base, stringMatch: { suffix: h.suffix_match } };
    case 'contains_match': return { ...base, stringMatch: { contains: h.contains_match } };
    case 'safe_regex_match': return { ...base, stringMatch: { safeRegex: regex(h.safe_regex_match, at(field, 'safe_regex_match')) } };
    default: return fail(at(field, h.header_match_specifier), 'is not supported');
  }
}

const APPEND_ACTIONS: ReadonlySet<string> = new Set(['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS']);

export function headerValueOptions(list: readonly any[] | undefined, field: string): HeaderValueOption[] | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return list.map((o, i) => {
    const f = at(field, i);
    if (o.header === null || o.header === undefined || typeof o.header.key !== 'string' || o.header.key === '') fail(at(f, 'header.key'), 'is required');
    if (o.header.raw_value !== undefined && o.header.raw_value.length > 0) fail(at(f, 'header.raw_value'), 'is not supported; use value');
    // The deprecated `append` (default true) maps onto append_action when set.
    let action: HeaderAppendAction = o.append_action ?? 'APPEND_IF_EXISTS_OR_ADD';
    const legacy = wrapped<boolean>(o.append);
    if (legacy !== undefined) action = legacy ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD';
    if (!APPEND_ACTIONS.has(action)) fail(at(f, 'append_action'), `unknown action ${action}`);
    const out: HeaderValueOption = { header: { key: o.header.key.toLowerCase(), value: o.header.value ?? '' } };
    return action === 'APPEND_IF_EXISTS_OR_ADD' ? out : { ...out, appendAction: action };
  });
}

function nonEmpty(list: readonly string[] | undefined): string[] | undefined {
  return list === undefined || list.length === 0 ? undefined : list.map((s) => s.toLowerCase());
}

/** The four header-mutation fields every level (route config, virtual host, route, weighted cluster) carries. */
export function headerOps(m: any, field: string): HeaderOps {
  const out: { -readonly [K in keyof HeaderOps]: HeaderOps[K] } = {};
  const rqAdd = headerValueOptions(m.request_headers_to_add, at(field, 'request_headers_to_add'));
  const rsAdd = headerValueOptions(m.response_headers_to_add, at(field, 'response_headers_to_add'));
  const rqRm = nonEmpty(m.request_headers_to_remove);
  const rsRm = nonEmpty(m.response_headers_to_remove);
  if (rqAdd) out.requestHeadersToAdd = rqAdd;
  if (rqRm) out.requestHeadersToRemove = rqRm;
  if (rsAdd) out.responseHeadersToAdd = rsAdd;
  if (rsRm) out.responseHeadersToRemove = rsRm;
  return out;
}

/** Runs `fn` and turns a DecodeError (or any throw) into a NACKable result naming the resource and field. */
export function decodeGuard<T>(name: string, fn: () => T): Decoded<T> {
  try {
    return { name, value: fn() };
  } catch (e) {
    const reason = e instanceof DecodeError ? e.message : e instanceof Error ? e.message : String(e);
    return { name, error: reason };
  }
}
