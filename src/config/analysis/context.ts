// The analysis context: every input config indexed by kind and namespace/name, and the sink for
// messages. Analyzers never see files or flags; they read the context and report.
import type { KindRef } from './analyzer.js';
import { kindKey } from './kinds.js';
import type { AnalysisMessage } from './message.js';
import type { MessageType } from './messages.js';
import type { AnalysisResource } from './resource.js';

export class AnalysisContext {
  readonly messages: AnalysisMessage[] = [];
  private readonly byKind = new Map<string, AnalysisResource[]>();
  private readonly byName = new Map<string, AnalysisResource>();

  constructor(resources: readonly AnalysisResource[]) {
    for (const r of resources) {
      const m = r.config.meta;
      const key = kindKey(m.gvk);
      let list = this.byKind.get(key);
      if (!list) this.byKind.set(key, (list = []));
      list.push(r);
      this.byName.set(`${key}/${m.namespace}/${m.name}`, r);
    }
  }

  /** Every resource of a kind, in input order. */
  list<S = unknown>(kind: KindRef): readonly AnalysisResource<S>[] {
    return (this.byKind.get(kindKey(kind)) ?? []) as AnalysisResource<S>[];
  }

  get<S = unknown>(kind: KindRef, namespace: string, name: string): AnalysisResource<S> | undefined {
    return this.byName.get(`${kindKey(kind)}/${namespace}/${name}`) as AnalysisResource<S> | undefined;
  }

  /** Namespaces known to exist: Namespace objects plus every namespace an input lives in. */
  namespaces(): Set<string> {
    const out = new Set<string>();
    for (const list of this.byKind.values()) {
      for (const r of list) {
        const m = r.config.meta;
        if (m.gvk.group === '' && m.gvk.kind === 'Namespace') out.add(m.name);
        else if (m.namespace !== '') out.add(m.namespace);
      }
    }
    return out;
  }

  exists(kind: KindRef, namespace: string, name: string): boolean {
    return this.get(kind, namespace, name) !== undefined;
  }

  report(type: MessageType, resource: AnalysisResource | undefined, params: readonly unknown[], path?: string): void {
    this.messages.push({ type, params, ...(resource ? { resource } : {}), ...(path ? { path } : {}) });
  }
}
