import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { renderSamplesCsv, renderSummaryCsv, SAMPLE_COLUMNS, SUMMARY_COLUMNS } from '../bench/reporters/csv.js';
import { summariseColdSamples } from '../bench/phases/cold.js';
import { histogramOf } from '../bench/histograms.js';
import type { ColdSampleRecord, RunResults } from '../bench/results/types.js';

function sample(seq: number, latencyUs: number, cold: boolean | null, extra: Record<string, number> = {}): ColdSampleRecord {
  return {
    seq, startedAt: '2026-01-01T00:00:00.000Z', latencyUs, status: 200, error: null, cold, initUs: cold ? 120_500 : null,
    instance: `i-${seq}`, strategy: 'command', controlPlaneUs: 10, dnsUs: null, connectUs: 250, tlsUs: null, ttfbUs: latencyUs - 300, extra,
  };
}

function results(name: string): RunResults {
  const warm = histogramOf([1000, 2000, 3000]);
  return {
    schemaVersion: 1,
    tool: { name: 'coldbench', version: '0.0.0' },
    run: { id: 'r', origin: 'tokyo', startedAt: 'a', endedAt: 'b', partial: false },
    targets: [
      {
        name, kind: 'http', region: 'asia-east1', origin: 'tokyo', status: 'ok', config: {}, platform: { kind: 'http' },
        phases: {
          cold: summariseColdSamples([sample(0, 170_250, true, { billedDurationMs: 9 }), sample(1, 20_000, false), sample(2, 180_000, null)], 'command'),
          warm: { summary: warm.summary(1), histogram: warm.encode(), model: 'closed', requests: 4, durationUs: 1_000_000, throughputRps: 4, errorsByKind: { http5xx: 1 } },
        },
      },
    ],
    thresholds: [],
  };
}

test('summary.csv starts with the contract columns in order, times in ms with 3 decimals', () => {
  const rows = parse(renderSummaryCsv(results('t')), { columns: false }) as string[][];
  const header = rows[0]!;
  assert.deepEqual(header.slice(0, SUMMARY_COLUMNS.length), [...SUMMARY_COLUMNS]);
  assert.equal(rows.length, 3);
  const cold = Object.fromEntries(header.map((h, i) => [h, rows[1]![i]]));
  assert.equal(cold.phase, 'cold');
  assert.equal(cold.samples, '2', 'the not-cold sample is left out of the cold histogram');
  assert.equal(cold.min_ms, '170.240'); // 3 significant digits: lowest equivalent value of 170250 us
  assert.equal(cold.verified, '1');
  assert.equal(cold.not_cold, '1');
  assert.equal(cold.unverified, '1');
  const warm = Object.fromEntries(header.map((h, i) => [h, rows[2]![i]]));
  assert.equal(warm.p50_ms, '2.000');
  assert.equal(warm.errors, '1');
  assert.equal(warm.errors_by_kind, 'http5xx:1');
});

test('samples.csv: contract columns, cold as true/false/empty, platform extras after them', () => {
  const rows = parse(renderSamplesCsv(results('t')), { columns: false }) as string[][];
  const header = rows[0]!;
  assert.deepEqual(header.slice(0, SAMPLE_COLUMNS.length), [...SAMPLE_COLUMNS]);
  assert.ok(header.includes('billed_duration_ms'), 'extra keys become snake_case columns');
  const col = (row: number, name: string) => rows[row]![header.indexOf(name)];
  assert.deepEqual([col(1, 'cold'), col(2, 'cold'), col(3, 'cold')], ['true', 'false', '']);
  assert.equal(col(1, 'latency_ms'), '170.250');
  assert.equal(col(1, 'init_ms'), '120.500');
  assert.equal(col(2, 'init_ms'), '');
  assert.equal(col(1, 'billed_duration_ms'), '9');
  assert.equal(col(1, 'started_at'), '2026-01-01T00:00:00.000Z');
});

test('cells that a spreadsheet would run as formulas are escaped', () => {
  for (const name of ['=HYPERLINK("http://x")', '+1', '-1', '@SUM(A1)']) {
    const text = renderSummaryCsv(results(name));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(rows[0]!.target, `'${name}`, `${name} is prefixed`);
  }
});

test('a target name with commas, quotes and newlines stays one cell', () => {
  const rows = parse(renderSummaryCsv(results('a,"b"\nc')), { columns: true }) as Record<string, string>[];
  assert.equal(rows[0]!.target, 'a,"b"\nc');
});

test('a phase with no sample in its histogram has empty latency cells, not zeros', () => {
  const r = results('t');
  r.targets[0]!.phases.cold = summariseColdSamples([sample(0, 20_000, false)], 'none');
  const rows = parse(renderSummaryCsv(r), { columns: true }) as Record<string, string>[];
  assert.equal(rows[0]!.samples, '0');
  assert.equal(rows[0]!.not_cold, '1');
  for (const column of ['min_ms', 'p50_ms', 'p99_ms', 'max_ms', 'mean_ms']) assert.equal(rows[0]![column], '', column);
  assert.equal(rows[1]!.p50_ms, '2.000', 'the warm row keeps its numbers');
});

test('summary.md shows errors by kind beside the count', async () => {
  const { renderMarkdown } = await import('../bench/reporters/markdown.js');
  const md = renderMarkdown(results('t'));
  assert.match(md, /\| tokyo \| t \| http \| warm \| 3 \| 1 \(http5xx:1\) \|/);
});
