// summary.md's sweeps: per swept target, a table of its variants with the best value and the
// fastest named (the report model decides both).
import { BEST_VALUE_TOLERANCE, type SweepModel } from '../report-model/sweep.js';
import { markdownCell, money, msShort } from './format.js';

export function formatSweepsMarkdown(sweeps: SweepModel[], severalOrigins: boolean): string {
  if (sweeps.length === 0) return '';
  const lines: string[] = ['## Sweeps', ''];
  for (const sweep of sweeps) {
    lines.push(`**${markdownCell(sweep.of)}**${severalOrigins ? ` (${markdownCell(sweep.origin)})` : ''}: ${sweep.keys.join(' x ')}; best value = the cheapest variant within ${BEST_VALUE_TOLERANCE * 100}% of the fastest ${sweep.metric}.`);
    lines.push('');
    lines.push('| variant | cold p50 | warm p50 | warm p95 | per 1M requests | |');
    lines.push('|---|--:|--:|--:|--:|---|');
    for (const r of sweep.rows) {
      const note = r.target.status === 'failed' ? `failed: ${r.target.failure ?? ''}` : [r.best ? '**best value**' : '', r.fastest ? 'fastest' : ''].filter(Boolean).join(', ');
      const cost = r.costPer1M === null ? 'n/a' : money(r.costPer1M, r.currency ?? '');
      lines.push(`| ${[r.label, msShort(r.coldP50Us), msShort(r.warmP50Us), msShort(r.warmP95Us), cost].map(markdownCell).join(' | ')} | ${note.startsWith('failed') ? markdownCell(note) : note} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
