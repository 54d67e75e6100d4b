// The experiments in summary.csv (burst-<N> rows after the target's phase rows), keepalive.csv and
// summary.md, rendered from a results.json that has them (and read back through its schema).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { buildReportModel } from '../bench/report-model/model.js';
import { summaryCsv, SUMMARY_COLUMNS } from '../bench/reporters/csv.js';
import { keepaliveCsv } from '../bench/reporters/experiments-csv.js';
import { summaryMarkdown } from '../bench/reporters/markdown.js';
import { runResultsSchema } from '../bench/results/schema.js';
import type { RunResults } from '../bench/results/types.js';
import { experimentRun } from './helpers/experiments-fixture.js';

test('summary.csv: a burst-<N> row per size after the target\'s phase rows, errors by kind, instances', () => {
  const rows = parse(summaryCsv(buildReportModel(experimentRun())), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(rows.map((r) => r.phase), ['cold', 'warm', 'burst-1', 'burst-4', 'burst-8']);
  assert.deepEqual(Object.keys(rows[0]!).slice(0, SUMMARY_COLUMNS.length), [...SUMMARY_COLUMNS]);
  assert.deepEqual(Object.keys(rows[0]!).slice(-3), ['burst_size', 'burst_instances', 'burst_cold_starts'], 'new columns last');
  const eight = rows[4]!;
  assert.deepEqual([eight.samples, eight.errors, eight.requests, eight.errors_by_kind, eight.burst_instances, eight.strategy], ['6', '2', '8', 'throttled:2', '6', 'idle']);
  assert.ok(Math.abs(Number(eight.min_ms) - 170) < 0.5, `latency of the answered requests only: ${eight.min_ms}`);
  assert.equal(rows[0]!.burst_size, '', 'phase rows leave the burst columns empty');
});

test('keepalive.csv: one row per gap with the share and its Wilson interval; header only without keepalive', () => {
  const rows = parse(keepaliveCsv(buildReportModel(experimentRun())), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(rows.map((r) => [r.idle_s, r.samples, r.cold, r.p_cold, r.ci_low, r.ci_high]), [
    ['0.5', '3', '0', '0', '0', '0.5615'],
    ['3', '3', '3', '1', '0.4385', '1'],
  ]);
  const run = experimentRun();
  delete run.targets[0]!.experiments;
  assert.equal(keepaliveCsv(buildReportModel(run)).trim(), 'origin,target,kind,region,idle_s,samples,cold,p_cold,ci_low,ci_high,unverified,errors');
});

test('summary.md lists bursts, keep-alive gaps and arrival stages', () => {
  const md = summaryMarkdown(buildReportModel(experimentRun()));
  assert.match(md, /## Bursts[\s\S]*\| local \| svc \| 8 \| 1 \| 6 \| throttled: 2 \|/);
  assert.match(md, /## Keep-alive[\s\S]*\| local \| svc \| 3 \| 3 \| 3 \| 100% \| 43\.9% – 100% \| 0 \|/);
  assert.match(md, /## Arrival stages: svc \(local\)[\s\S]*\| 1 \| 3 \| 1 \| 3 \| 1 \| 0 \| 2 \|/);
});

test('results.json with experiments reads back through its schema; a malformed block is refused', () => {
  const run = JSON.parse(JSON.stringify(experimentRun())) as RunResults;
  assert.equal(runResultsSchema.safeParse(run).success, true);
  const bad = JSON.parse(JSON.stringify(run)) as { targets: Array<{ experiments: { keepalive: { gaps: Array<{ cold: unknown }> } } }> };
  bad.targets[0]!.experiments.keepalive.gaps[0]!.cold = 'three';
  assert.equal(runResultsSchema.safeParse(bad).success, false);
});
