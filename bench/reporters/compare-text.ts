// `coldbench compare` output: an aligned plain-text table for the terminal and Markdown for PR
// comments, one row per origin x target x phase of a CompareResult.
import type { CompareResult, CompareRow, MetricChange, MetricName, Verdict } from '../compare.js';
import { msWithUnit, pValueText, signedPercent } from '../units.js';
import { markdownCell as md, msShort } from './format.js';

function metricCell(m: MetricChange | undefined): string {
  if (!m) return '-';
  const change = m.changePct === null ? '' : ` (${signedPercent(m.changePct)}%)`;
  return `${msShort(m.baselineUs)} → ${msShort(m.currentUs)}${change}`;
}

function cells(row: CompareRow): string[] {
  const metric = (n: MetricName) => row.metrics.find((m) => m.name === n);
  return [
    row.target,
    row.origin,
    row.phase,
    row.baseline ? String(row.baseline.count) : '-',
    row.current ? String(row.current.count) : '-',
    metricCell(metric('p50')),
    metricCell(metric('p95')),
    metricCell(metric('p99')),
    row.test ? pValueText(row.test.pGreater) : '-',
    row.ks ? pValueText(row.ks.pSlower) : '-',
    row.verdict,
    row.reason,
  ];
}

/** p MWU / p KS: one-sided p-values of "current slower" by Mann-Whitney U and Kolmogorov-Smirnov. */
const HEADER = ['target', 'origin', 'phase', 'n base', 'n cur', 'p50 ms', 'p95 ms', 'p99 ms', 'p MWU', 'p KS', 'verdict', 'why'];
const VERDICT_COLUMN = HEADER.indexOf('verdict');

/** Plain-text table for stdout: aligned columns, one row per origin x target x phase. */
export function formatCompareTable(result: CompareResult): string {
  const rows = [HEADER, ...result.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => printable(r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => printable(c).padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [
    `baseline ${printable(result.baseline.id)} (${printable(result.baseline.origin)}, ${result.baseline.startedAt}) vs current ${printable(result.current.id)} (${printable(result.current.origin)}, ${result.current.startedAt})`,
    rulesLine(result),
    '',
    line(HEADER),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
    '',
    summaryLine(result),
  ];
  return out.join('\n') + '\n';
}

/** Markdown for PR comments. */
export function formatCompareMarkdown(result: CompareResult): string {
  const out = [
    `### coldbench compare: ${result.regressions > 0 ? `${result.regressions} regression${result.regressions > 1 ? 's' : ''}` : 'no regression'}`,
    '',
    `Baseline \`${mdCode(result.baseline.id)}\` (${md(result.baseline.origin)}, ${md(result.baseline.startedAt)}) vs current \`${mdCode(result.current.id)}\` (${md(result.current.origin)}, ${md(result.current.startedAt)}). ${md(rulesLine(result))}`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i >= 3 && i < VERDICT_COLUMN ? '---:' : '---')).join('|')}|`,
    ...result.rows.map((r) => {
      const c = cells(r).map((cell) => md(printable(cell)));
      if (r.verdict === 'regression') c[VERDICT_COLUMN] = '**regression**';
      return `| ${c.join(' | ')} |`;
    }),
    '',
  ];
  return out.join('\n');
}

function rulesLine(result: CompareResult): string {
  const o = result.options;
  return `Regression: slower by more than ${o.failThresholdPct}% and ${msWithUnit(o.noiseFloorUs)}, significant at alpha=${o.alpha} by either test: Mann-Whitney U on p50 (tails by tolerance), or Kolmogorov-Smirnov on the whole distribution with a decile moved (cold: on samples; warm: on HDR buckets).`;
}

function summaryLine(result: CompareResult): string {
  const count = (v: Verdict) => result.rows.filter((r) => r.verdict === v).length;
  return `${count('regression')} regression(s), ${count('improvement')} improvement(s), ${count('no change')} unchanged, ${count('not comparable')} not comparable`;
}

/** Strip control characters (a hostile target name must not drive the terminal). */
function printable(text: string): string {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function mdCode(text: string): string {
  return printable(text).replace(/`/g, "'");
}
