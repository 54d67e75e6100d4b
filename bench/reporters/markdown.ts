// summary.md: the summary table in Markdown, for CI job summaries and PR comments.
import type { RunResults } from '../results/types.js';
import { buildReportModel, type ReportModel } from '../report-model/model.js';
import { formatCostGrowthMarkdown } from './cost-growth-markdown.js';
import { formatCostMarkdown } from './cost-markdown.js';
import { formatThresholdsMarkdown } from './thresholds-markdown.js';
import { formatExperimentsMarkdown } from './experiments-markdown.js';
import { formatSweepsMarkdown } from './sweep-markdown.js';
import { summaryRows } from './csv.js';
import { markdownCell } from './format.js';
import { coldInWarmWarning } from '../units.js';

function cell(value: unknown): string {
  return value === null || value === undefined || value === '' ? '–' : markdownCell(value);
}

/** Said wherever a run's origins measured at the same time. */
export const PARALLEL_ORIGINS_NOTE = '**Origins ran in parallel** (`--parallel-origins`): they may have served each other warm instances, so cold starts can be undercounted.';

export function summaryMarkdown(model: ReportModel): string {
  const { run } = model.results;
  const lines: string[] = [];
  lines.push(`# coldbench results`);
  lines.push('');
  lines.push(`Run \`${cell(run.id)}\` from ${model.runOrigins.map(cell).join(', ')}, ${run.startedAt} to ${run.endedAt}${run.partial ? ' (**partial**: interrupted)' : ''}. Times in milliseconds.`);
  if (run.parallelOrigins) lines.push('', PARALLEL_ORIGINS_NOTE);
  lines.push('');
  lines.push('| origin | target | kind | phase | n | errors | p50 | p90 | p95 | p99 | max | mean | verified cold | req/s | rtt | cold penalty | cold in warm |');
  lines.push('|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|');
  const rows = summaryRows(model);
  model.phaseRows.forEach((row, i) => {
    const r = rows[i]!;
    const verified = row.phase === 'cold' ? `${row.result.verified}/${row.checked}` : '';
    const errors = r.errors_by_kind ? `${r.errors} (${r.errors_by_kind})` : r.errors;
    lines.push(
      `| ${[r.origin, r.target, r.kind, r.phase, r.samples, errors, r.p50_ms, r.p90_ms, r.p95_ms, r.p99_ms, r.max_ms, r.mean_ms, verified, r.throughput_rps, r.rtt_ms, r.cold_penalty_ms, r.cold_in_warm].map(cell).join(' | ')} |`,
    );
  });
  const hidden = model.glance.hiddenColdStarts;
  if (hidden.length > 0) {
    lines.push('');
    lines.push('**Warning**: cold starts inside a timed warm phase:');
    for (const { target, coldInWarm } of hidden) lines.push(`- ${cell(target.name)} (${cell(target.origin)}): ${cell(coldInWarmWarning(coldInWarm))}`);
  }
  if (model.openModel.length > 0) {
    lines.push('');
    lines.push('Open model (latency from the intended send time): ');
    for (const { target, warm: w } of model.openModel) {
      lines.push(`- ${cell(target.name)} at ${w.rate} req/s: ${w.scheduled} scheduled, ${w.sent} sent (${w.late} late), ${w.dropped} dropped`);
    }
  }
  if (model.failedTargets.length > 0) {
    lines.push('');
    lines.push('## Failed targets');
    lines.push('');
    for (const t of model.failedTargets) lines.push(`- **${cell(t.name)}** (${cell(t.kind)}): ${cell(t.failure)}`);
  }
  for (const section of [formatExperimentsMarkdown(model), formatCostMarkdown(model.results.targets), formatCostGrowthMarkdown(model.costGrowth, model.severalOrigins), formatSweepsMarkdown(model.sweeps, model.severalOrigins), formatThresholdsMarkdown(model.thresholds)]) {
    if (section) lines.push('', section.trimEnd());
  }
  lines.push('');
  return lines.join('\n');
}

/** summary.md of one results.json. */
export function renderMarkdown(results: RunResults): string {
  return summaryMarkdown(buildReportModel(results));
}
