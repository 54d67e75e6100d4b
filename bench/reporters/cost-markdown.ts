// summary.md's cost section: every estimate with its price date.
import type { TargetResult } from '../results/types.js';
import { costRows } from '../report-model/model.js';
import { markdownCell, money } from './format.js';

/** Markdown section for summary.md; empty when no target carries an estimate. */
export function formatCostMarkdown(targets: TargetResult[]): string {
  const rows = costRows(targets);
  const first = rows[0];
  if (!first) return '';
  const lines = [
    `## Cost (estimate, prices as of ${first.cost.pricesDate})`,
    '',
    '| target | origin | model | per 1M requests | per cold start |',
    '|---|---|---|---:|---:|',
  ];
  for (const { target, cost } of rows) {
    lines.push(`| ${markdownCell(target.name)} | ${markdownCell(target.origin)} | ${cost.model} | ${money(cost.per1MRequests, cost.currency)} | ${money(cost.perColdStart, cost.currency)} |`);
  }
  lines.push('', 'Estimates from list prices without free tiers; see report.html for what went into each.');
  return lines.join('\n') + '\n';
}
