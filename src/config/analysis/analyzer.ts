// The analyzer contract (Istio's `analysis.Analyzer`): a name, what it checks, the kinds it reads,
// and a function over the whole config set that reports messages through the context.
import type { AnalysisContext } from './context.js';

/** A kind an analyzer reads, group-qualified because `Gateway` exists in two groups. */
export interface KindRef {
  readonly group: string;
  readonly kind: string;
}

export interface Analyzer {
  /** Istio's name, e.g. `virtualservice.DestinationHostAnalyzer`. */
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly KindRef[];
  analyze(ctx: AnalysisContext): void;
}
