// summary.md's threshold section: every evaluated threshold, failures first in the heading.
import type { ThresholdSummary } from '../report-model/model.js';
import { markdownCell as md } from './format.js';

/** Markdown section listing every threshold; empty when there are none. */
export function formatThresholdsMarkdown(thresholds: ThresholdSummary): string {
  const { all, failed } = thresholds;
  if (all.length === 0) return '';
  const lines = [
    `## Thresholds: ${failed === 0 ? 'all passed' : `${failed} of ${all.length} failed`}`,
    '',
    '| result | target | origin | threshold | actual |',
    '|---|---|---|---|---|',
  ];
  for (const r of all) {
    lines.push(`| ${r.passed ? 'pass' : '**FAIL**'} | ${md(r.target)} | ${md(r.origin ?? '')} | ${md(r.expression)} | ${md(r.message ?? '')} |`);
  }
  return lines.join('\n') + '\n';
}
