// What a client's CDS (or LDS) content makes it subscribe to over EDS (or RDS), shared between
// clients. Thousands of simulated sidecars hold the same or few distinct cluster sets; giving each
// its own 1,000-entry maps made the simulator spend its time in GC. A state is immutable and keyed
// by its history; a transition (state + response content) is computed once and reused.
import type { WireDeltaResponse } from './delta-wire.js';
import { RefCache } from './xds-refs.js';

export interface RefState {
  readonly key: string;
  /** Resource name → the names it references (an EDS cluster → its service name, a listener → route names). */
  readonly byName: ReadonlyMap<string, readonly string[]>;
  /** Everything referenced, deduplicated. */
  readonly refs: ReadonlySet<string>;
}

export interface RefTransition {
  readonly state: RefState;
  /** Names to subscribe to and to drop, relative to the previous state. */
  readonly add: readonly string[];
  readonly drop: readonly string[];
}

export class RefStates {
  readonly empty: RefState = { key: '', byName: new Map(), refs: new Set() };
  private readonly transitions = new Map<string, RefTransition>();
  private readonly decoded: RefCache<readonly string[]>;

  constructor(refsOf: (name: string, value: Buffer) => readonly string[]) {
    this.decoded = new RefCache((name, bytes) => refsOf(name, bytes as Buffer));
  }

  apply(prev: RefState, r: WireDeltaResponse): RefTransition {
    const key = `${prev.key}>${r.contentDigest()}`;
    let t = this.transitions.get(key);
    if (!t) {
      const byName = new Map(prev.byName);
      for (const res of r.resources()) byName.set(res.name, this.decoded.get(res.name, res.version, res.value));
      for (const n of r.removed_resources) byName.delete(n);
      const refs = new Set([...byName.values()].flat());
      t = {
        state: { key, byName, refs },
        add: [...refs].filter((n) => !prev.refs.has(n)),
        drop: [...prev.refs].filter((n) => !refs.has(n)),
      };
      this.transitions.set(key, t);
    }
    return t;
  }

  /** Distinct transitions computed and resources decoded, for the report. */
  get size(): { transitions: number; decoded: number } {
    return { transitions: this.transitions.size, decoded: this.decoded.size };
  }
}
