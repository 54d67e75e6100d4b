// summary.md's experiments: a table per experiment (burst sizes, keepalive gaps, stages), from the
// report model; empty when the run has none.
import type { ReportModel } from '../report-model/model.js';
import { msFromUs } from '../units.js';
import { decimal, markdownCell } from './format.js';

function cell(value: unknown): string {
  return value === null || value === undefined || value === '' ? '–' : markdownCell(value);
}

const percent = (p: number | null) => (p === null ? null : `${decimal(Math.round(p * 1000) / 10)}%`);

/** Markdown for the experiments, or '' when there are none. */
export function formatExperimentsMarkdown(model: ReportModel): string {
  const { burst, keepalive, stages } = model.experiments;
  const lines: string[] = [];
  if (burst.length > 0) {
    lines.push('## Bursts', '', '| origin | target | burst size | bursts | answered | errors | p50 | p95 | max | instances | cold starts |', '|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|');
    for (const r of burst) {
      const s = r.result.summary;
      const ms = (us: number) => (s.count > 0 ? msFromUs(us) : null);
      const errors = r.errorCounts.map(([k, n]) => `${k}: ${n}`).join(', ') || '0';
      lines.push(`| ${[r.target.origin, r.target.name, r.result.size, r.result.bursts.length, s.count, errors, ms(s.p50Us), ms(s.p95Us), ms(s.maxUs), r.instancesMean, r.coldStartsMean].map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  if (keepalive.length > 0) {
    lines.push('## Keep-alive', '', 'Share of cold starts after each idle gap, with its Wilson 95% interval.', '', '| origin | target | idle s | samples | cold | cold share | 95% interval | unverified |', '|---|---|--:|--:|--:|--:|---|--:|');
    for (const { target, gap } of keepalive) {
      const interval = gap.ciLow === null ? null : `${percent(gap.ciLow)} – ${percent(gap.ciHigh)}`;
      lines.push(`| ${[target.origin, target.name, decimal(gap.idleMs / 1000), gap.samples, gap.cold, percent(gap.pCold), interval, gap.unverified].map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  for (const { target, rows } of stages) {
    lines.push(`## Arrival stages: ${cell(target.name)} (${cell(target.origin)})`, '', '| start s | duration s | rate req/s | scheduled | sent req/s | errors | cold starts |', '|--:|--:|---|--:|--:|--:|--:|');
    for (const { stage, sentRps } of rows) {
      const rate = stage.fromRate === stage.toRate ? decimal(stage.toRate) : `${decimal(stage.fromRate)} → ${decimal(stage.toRate)}`;
      lines.push(`| ${[decimal(stage.startMs / 1000), decimal(stage.durationMs / 1000), rate, stage.scheduled, sentRps, stage.errors, stage.coldStarts].map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
