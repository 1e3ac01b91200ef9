// Table-driven analyzer cases: YAML in, the exact istioctl log lines out (level, code, resource,
// file:line and message), so each case pins what a user would read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRegistry } from '../../api/kinds.js';
import { parseDocuments } from '../documents.js';
import type { Analyzer } from './analyzer.js';
import { loadResources } from './load.js';
import { formatMessageLine } from './message.js';
import { runAnalyzers } from './run.js';

export interface AnalyzerCase {
  readonly name: string;
  readonly yaml: string;
  /** Every line `istioctl analyze` prints for the case (file name `in.yaml`), in its order. */
  readonly want: readonly string[];
}

export function analyzeYaml(yaml: string, analyzers: readonly Analyzer[], namespace: string | undefined = undefined): string[] {
  const loaded = loadResources(parseDocuments('in.yaml', yaml), defaultRegistry(), 'default');
  const res = runAnalyzers(loaded.resources, analyzers, { ...(namespace ? { namespace } : {}), preMessages: loaded.messages });
  return res.messages.map(formatMessageLine);
}

export function runAnalyzerCases(suite: string, analyzers: readonly Analyzer[], cases: readonly AnalyzerCase[]): void {
  for (const c of cases) {
    test(`${suite}: ${c.name}`, () => {
      assert.deepEqual(analyzeYaml(c.yaml, analyzers), c.want);
    });
  }
}
