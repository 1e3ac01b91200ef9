// Request and response header mutations (`*_headers_to_add`, `*_headers_to_remove`) compiled per
// config version. Removals run before additions, as in Envoy. Values are literal: Envoy's
// `%VAR%` substitutions are not implemented yet.
import type { HeaderAppendAction, HeaderValueOption } from '../config/types.js';
import type { RequestHeaders } from '../http1/headers.js';

interface Op { readonly name: string; readonly value: string; readonly action: HeaderAppendAction }

export class HeaderMutation {
  static readonly EMPTY = new HeaderMutation([], []);
  readonly empty: boolean;

  constructor(private readonly removes: readonly string[], private readonly adds: readonly Op[]) {
    this.empty = removes.length === 0 && adds.length === 0;
  }

  static of(add: readonly HeaderValueOption[] | undefined, remove: readonly string[] | undefined): HeaderMutation {
    if ((add === undefined || add.length === 0) && (remove === undefined || remove.length === 0)) return HeaderMutation.EMPTY;
    return new HeaderMutation(
      (remove ?? []).map((r) => r.toLowerCase()),
      (add ?? []).map((a) => ({ name: a.header.key.toLowerCase(), value: a.header.value, action: a.appendAction ?? 'APPEND_IF_EXISTS_OR_ADD' })),
    );
  }

  apply(h: RequestHeaders): void {
    if (this.empty) return;
    for (const r of this.removes) h.remove(r);
    for (const op of this.adds) {
      switch (op.action) {
        case 'APPEND_IF_EXISTS_OR_ADD':
          h.add(op.name, op.value);
          break;
        case 'ADD_IF_ABSENT':
          if (!h.has(op.name)) h.add(op.name, op.value);
          break;
        case 'OVERWRITE_IF_EXISTS_OR_ADD':
          h.set(op.name, op.value);
          break;
        case 'OVERWRITE_IF_EXISTS':
          if (h.has(op.name)) h.set(op.name, op.value);
          break;
      }
    }
  }
}
