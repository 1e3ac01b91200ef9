// IST0130 / IST0131: rules of one VirtualService that can never match. Like Istio, a match is
// "already used" when an earlier rule has an identical match, name included (field order does
// not matter), and only the last rule may have no match at all.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { AnalysisResource } from '../resource.js';
import type { VirtualServiceSpec } from '../specs.js';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function ruleName(rule: { name?: string }, i: number): string {
  return rule.name ? JSON.stringify(rule.name) : `#${i}`;
}

function matchName(match: Record<string, unknown>, j: number): string {
  return typeof match.name === 'string' && match.name !== '' ? JSON.stringify(match.name) : `#${j}`;
}

function analyzeRules(
  ctx: Parameters<Analyzer['analyze']>[0],
  r: AnalysisResource,
  section: 'http' | 'tcp' | 'tls',
  rules: readonly { name?: string; match?: Record<string, unknown>[] }[],
): void {
  const seen = new Map<string, number>();
  let emptySeen = false;
  rules.forEach((rule, i) => {
    const matches = rule.match ?? [];
    if (matches.length === 0) {
      if (emptySeen) ctx.report(MSG.VirtualServiceUnreachableRule, r, [ruleName(rule, i), 'only the last rule can have no matches'], `spec.${section}[${i}]`);
      emptySeen = true;
      return;
    }
    let duplicates = 0;
    matches.forEach((m, j) => {
      const key = canonical(m);
      const dup = seen.get(key);
      if (dup !== undefined) {
        ctx.report(MSG.VirtualServiceIneffectiveMatch, r, [ruleName(rule, i), matchName(m, j), ruleName(rules[dup], dup)], `spec.${section}[${i}].match[${j}]`);
        duplicates++;
      } else {
        seen.set(key, i);
      }
    });
    if (duplicates === matches.length) {
      ctx.report(MSG.VirtualServiceUnreachableRule, r, [ruleName(rule, i), 'all matches used by prior rules'], `spec.${section}[${i}]`);
    }
  });
}

export const virtualServiceMatchesAnalyzer: Analyzer = {
  name: 'virtualservice.MatchesAnalyzer',
  description: 'Checks VirtualService rules for matches that can never be used',
  inputs: [K.VirtualService],
  analyze(ctx) {
    for (const r of ctx.list<VirtualServiceSpec>(K.VirtualService)) {
      const spec = r.config.spec ?? {};
      analyzeRules(ctx, r, 'http', spec.http ?? []);
      analyzeRules(ctx, r, 'tcp', spec.tcp ?? []);
      analyzeRules(ctx, r, 'tls', spec.tls ?? []);
    }
  },
};
