// costs.csv: one row per origin x target x traffic level (10^3 to 10^10 in half-decades, and
// --traffic), the contract's identifying columns first; `coldbench report --traffic/--free-tier`
// redraws it from a results.json, and a bad --traffic is exit 2 naming the option.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { estimateCost } from '../bench/cost.js';
import { parseTraffic } from '../bench/cost/options.js';
import { TRAFFIC_LEVELS } from '../bench/report-model/cost-growth.js';
import { buildReportModel } from '../bench/report-model/model.js';
import { COST_COLUMNS, costsCsv } from '../bench/reporters/costs-csv.js';
import type { RunResults } from '../bench/results/types.js';
import { runColdbench } from './helpers/cli.js';
import { fixtureRun } from './helpers/results-fixture.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-costs-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function results(): RunResults {
  const run = fixtureRun([
    { name: 'fn', kind: 'lambda', region: 'eu-west-1', warm: Array<number>(400).fill(8_000), billedDurationMsMean: 8, platform: { kind: 'lambda', memorySizeMb: 512, architecture: 'arm64' } },
    { name: 'k8s', kind: 'kubernetes', warm: Array<number>(1000).fill(2_000), warmDurationUs: 10_000_000, platform: { kind: 'kubernetes', replicas: 2, readyReplicas: 2, cpuRequestCores: 0.5, memoryRequestMiB: 512 } },
    { name: 'plain', kind: 'http', warm: [1000] },
  ]);
  for (const t of run.targets) t.cost = estimateCost(t);
  return run;
}

type Row = Record<(typeof COST_COLUMNS)[number], string>;
const rowsOf = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];

test('the half-decade levels are whole requests: 1000, 3162, 10000 ... 10^10', () => {
  assert.deepEqual(TRAFFIC_LEVELS.slice(0, 4), [1000, 3162, 10000, 31623]);
  assert.equal(TRAFFIC_LEVELS.length, 15);
  assert.equal(TRAFFIC_LEVELS.at(-1), 1e10);
  assert.equal(parseTraffic('2.5M'), 2_500_000);
  assert.equal(parseTraffic('1e6'), 1_000_000);
  assert.equal(parseTraffic('1,000,000'), 1_000_000);
  assert.throws(() => parseTraffic('lots'), /--traffic: expected a number of requests per month like 1e6/);
  assert.throws(() => parseTraffic('0'), /--traffic/);
});

test('one row per target and level, the user\'s traffic among them; a target without a model has empty cells', () => {
  const run = results();
  run.run.cost = { traffic: 2_500_000, freeTier: false };
  const csv = costsCsv(buildReportModel(run));
  assert.equal(csv.split('\n')[0], COST_COLUMNS.join(','));
  const rows = rowsOf(csv);
  assert.equal(rows.length, 3 * 16);
  const fn = rows.filter((r) => r.target === 'fn');
  assert.deepEqual(fn.map((r) => Number(r.requests_per_month)), [...TRAFFIC_LEVELS.slice(0, 7), 2_500_000, ...TRAFFIC_LEVELS.slice(7)]);
  assert.deepEqual([fn[0]!.origin, fn[0]!.kind, fn[0]!.region], ['local', 'lambda', 'eu-west-1']);
  // 512 MB arm64, 8 ms billed: requests x (0.2/1M + 0.5 GB x 0.008 s x 0.0000133334).
  const perRequest = 0.2e-6 + 0.5 * 0.008 * 0.0000133334;
  for (const r of fn) assert.ok(Math.abs(Number(r.usd_per_month) - Number(r.requests_per_month) * perRequest) <= 1e-9 * Number(r.requests_per_month), r.requests_per_month);
  const k8s = rows.filter((r) => r.target === 'k8s');
  assert.equal(k8s[0]!.usd_per_month, '70.08');
  assert.equal(k8s[0]!.instances, '1');
  const plain = rows.filter((r) => r.target === 'plain');
  assert.ok(plain.every((r) => r.usd_per_month === '' && r.instances === ''));
});

test('coldbench report --traffic --free-tier rewrites costs.csv and records the options; a bad --traffic is exit 2', async () => {
  const input = path.join(dir, 'results.json');
  writeFileSync(input, JSON.stringify(results()));
  const out = path.join(dir, 'report');
  const ok = await runColdbench(['report', input, '--out', out, '--traffic', '5M', '--free-tier']);
  assert.equal(ok.code, 0, ok.stderr);
  const rows = rowsOf(readFileSync(path.join(out, 'costs.csv'), 'utf8'));
  const fn = rows.filter((r) => r.target === 'fn');
  assert.ok(fn.some((r) => r.requests_per_month === '5000000'));
  assert.equal(fn.find((r) => r.requests_per_month === '316228')!.usd_per_month, '0', 'within the free tier');
  const written = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  assert.deepEqual(written.run.cost, { traffic: 5_000_000, freeTier: true });
  assert.match(readFileSync(path.join(out, 'summary.md'), 'utf8'), /## Cost as traffic grows[\s\S]*free tiers subtracted[\s\S]*### Break-even traffic/);
  // Without the flags, report keeps what the results recorded.
  const again = await runColdbench(['report', out, '--out', path.join(dir, 'again')]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((JSON.parse(readFileSync(path.join(dir, 'again', 'results.json'), 'utf8')) as RunResults).run.cost, { traffic: 5_000_000, freeTier: true });
  const bad = await runColdbench(['report', input, '--out', path.join(dir, 'bad'), '--traffic', 'a lot']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^coldbench: --traffic: expected a number of requests per month like 1e6, 2500000 or 2\.5M \(1 to 1e15\), got "a lot"\n$/);
});
