// VirtualService Headers (set / add / remove for requests and responses) → Envoy header options.
// Istio sorts each group by name, drops pseudo-headers and Host (Envoy cannot change them), and
// turns a Host/:authority `set` (or `add`) into a host rewrite instead.
import type { Headers } from '../../../api/networking/headers.js';

export interface HeaderValueOptionInput {
  header: { key: string; value: string };
  append_action: 'APPEND_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS_OR_ADD';
}

export interface HeaderOperations {
  requestHeadersToAdd: HeaderValueOptionInput[];
  responseHeadersToAdd: HeaderValueOptionInput[];
  requestHeadersToRemove: string[];
  responseHeadersToRemove: string[];
  /** '' when no operation sets the authority. */
  authority: string;
}

const isInternal = (k: string): boolean => k.startsWith(':') || k.toLowerCase() === 'host';
const isAuthority = (k: string): boolean => k.toLowerCase() === ':authority' || k.toLowerCase() === 'host';

function options(headers: Readonly<Record<string, string>> | undefined, append: boolean): { list: HeaderValueOptionInput[]; authority: string } {
  let authority = '';
  const list: HeaderValueOptionInput[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (isAuthority(key)) authority = value;
    if (isInternal(key)) continue;
    list.push({ header: { key, value }, append_action: append ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD' });
  }
  list.sort((a, b) => (a.header.key < b.header.key ? -1 : a.header.key > b.header.key ? 1 : 0));
  return { list, authority };
}

export function translateHeaders(h: Headers | undefined): HeaderOperations {
  const reqSet = options(h?.request?.set, false);
  const reqAdd = options(h?.request?.add, true);
  const respSet = options(h?.response?.set, false);
  const respAdd = options(h?.response?.add, true);
  return {
    requestHeadersToAdd: [...reqSet.list, ...reqAdd.list],
    responseHeadersToAdd: [...respSet.list, ...respAdd.list],
    requestHeadersToRemove: (h?.request?.remove ?? []).filter((k) => !isInternal(k)),
    responseHeadersToRemove: (h?.response?.remove ?? []).filter((k) => !isInternal(k)),
    authority: reqSet.authority || reqAdd.authority,
  };
}
