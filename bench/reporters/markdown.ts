// summary.md: the summary table in Markdown, for CI job summaries and PR comments.
import type { RunResults } from '../results/types.js';
import { formatCostMarkdown } from '../cost.js';
import { formatThresholdsMarkdown } from '../thresholds.js';
import { summaryRows } from './csv.js';
import { markdownCell } from './format.js';

function cell(value: unknown): string {
  return value === null || value === undefined || value === '' ? '–' : markdownCell(value);
}

export function renderMarkdown(results: RunResults): string {
  const lines: string[] = [];
  const origins = results.run.origins ?? [results.run.origin];
  lines.push(`# coldbench results`);
  lines.push('');
  lines.push(`Run \`${cell(results.run.id)}\` from ${origins.map(cell).join(', ')}, ${results.run.startedAt} to ${results.run.endedAt}${results.run.partial ? ' (**partial**: interrupted)' : ''}. Times in milliseconds.`);
  lines.push('');
  lines.push('| origin | target | kind | phase | n | errors | p50 | p90 | p95 | p99 | max | mean | verified cold | req/s |');
  lines.push('|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|');
  for (const r of summaryRows(results)) {
    const verified = r.phase === 'cold' ? `${r.verified}/${Number(r.verified) + Number(r.not_cold) + Number(r.unverified)}` : '';
    const errors = r.errors_by_kind ? `${r.errors} (${r.errors_by_kind})` : r.errors;
    lines.push(
      `| ${[r.origin, r.target, r.kind, r.phase, r.samples, errors, r.p50_ms, r.p90_ms, r.p95_ms, r.p99_ms, r.max_ms, r.mean_ms, verified, r.throughput_rps].map(cell).join(' | ')} |`,
    );
  }
  const open = results.targets.filter((t) => t.phases.warm?.model === 'open');
  if (open.length > 0) {
    lines.push('');
    lines.push('Open model (latency from the intended send time): ');
    for (const t of open) {
      const w = t.phases.warm!;
      lines.push(`- ${cell(t.name)} at ${w.rate} req/s: ${w.scheduled} scheduled, ${w.sent} sent (${w.late} late), ${w.dropped} dropped`);
    }
  }
  const failed = results.targets.filter((t) => t.status === 'failed');
  if (failed.length > 0) {
    lines.push('');
    lines.push('## Failed targets');
    lines.push('');
    for (const t of failed) lines.push(`- **${cell(t.name)}** (${cell(t.kind)}): ${cell(t.failure)}`);
  }
  for (const section of [formatCostMarkdown(results.targets), formatThresholdsMarkdown(results.thresholds)]) {
    if (section) lines.push('', section.trimEnd());
  }
  lines.push('');
  return lines.join('\n');
}
