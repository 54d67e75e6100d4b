// Golden outputs of the reporters: every text report rendered from the fixed results files in
// test/fixtures/reports/ (one real demo run, hand-built edge cases, two origins, hostile names, a
// failed target) and `compare` on fixed pairs. test/report-golden.test.ts checks the renderers
// against test/golden/ byte for byte; after a deliberate change of an output, rewrite them with
// `node --import tsx scripts/write-report-golden.ts` and review the diff.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareRuns, type CompareOptions } from '../../bench/compare.js';
import { buildReportModel } from '../../bench/report-model/model.js';
import { formatCompareMarkdown, formatCompareTable } from '../../bench/reporters/compare-text.js';
import { costsCsv } from '../../bench/reporters/costs-csv.js';
import { samplesCsv, summaryCsv } from '../../bench/reporters/csv.js';
import { htmlView } from '../../bench/reporters/html-view.js';
import { summaryMarkdown } from '../../bench/reporters/markdown.js';
import type { RunResults } from '../../bench/results/types.js';

export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));
const FIXTURES = new URL('../fixtures/reports/', import.meta.url);

export function fixtureResults(name: string): RunResults {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as RunResults;
}

const REPORT_FIXTURES = ['demo', 'edges', 'two-origins', 'hostile', 'failed-lambda'];
const COMPARE_PAIRS: Array<[name: string, baseline: string, current: string, options: CompareOptions]> = [
  ['slower', 'compare-base', 'compare-slower', {}],
  ['slower-strict', 'compare-base', 'compare-slower', { failThresholdPct: 0 }],
  ['faster', 'compare-slower', 'compare-base', {}],
  ['other-origin', 'compare-fast', 'compare-faster', {}],
  ['demo-itself', 'demo', 'demo', {}],
];
/** report.html's view carries the time of rendering: fixed here. */
const RENDERED_AT = new Date('2026-01-02T03:04:05.678Z');

/** [path under test/golden/, content] of every golden output. */
export function goldenOutputs(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of REPORT_FIXTURES) {
    const model = buildReportModel(fixtureResults(name), RENDERED_AT);
    out.push([`${name}/summary.md`, summaryMarkdown(model)]);
    out.push([`${name}/summary.csv`, summaryCsv(model)]);
    out.push([`${name}/samples.csv`, samplesCsv(model)]);
    out.push([`${name}/costs.csv`, costsCsv(model)]);
    out.push([`${name}/report-view.json`, readableJson(htmlView(model)) + '\n']);
  }
  for (const [name, baseline, current, options] of COMPARE_PAIRS) {
    const result = compareRuns(fixtureResults(baseline), fixtureResults(current), options);
    out.push([`compare/${name}.txt`, formatCompareTable(result)]);
    out.push([`compare/${name}.md`, formatCompareMarkdown(result)]);
  }
  return out;
}

/** JSON with one key or element per line, except lists and small records of plain values (chart
 *  data, table cells), kept on one line each, so that a diff of a golden view reads well. */
function readableJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  const plain = (v: unknown) => v === null || typeof v !== 'object';
  if (Array.isArray(value) && value.every(plain)) return JSON.stringify(value);
  if (value !== null && typeof value === 'object' && Object.values(value).every(plain) && JSON.stringify(value).length <= 100) return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + readableJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${readableJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
