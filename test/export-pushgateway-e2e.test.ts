// Two real runs pushed with `run --pushgateway` into a real Pushgateway scraped by a real
// Prometheus: after each run, Prometheus answers coldbench_latency_seconds{quantile="0.5"} for
// every origin x target x phase equal to that run's summary.csv p50 (the second push replaces
// the first: one group per origin). The same two runs then make a history (history.html opens
// offline in Chromium with a chart per target holding both runs' points) and export to BMF and
// Elasticsearch bulk NDJSON that hold every target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { startKnownLatencyServer, type FixtureServer } from './helpers/servers.js';
import { startMonitoringStack, type MonitoringStack } from './helpers/monitoring.js';
import { launchBrowser, openReport } from './helpers/browser.js';
import { canvasColumnsWithColour } from './helpers/canvas.js';
import type { RunResults } from '../bench/results/types.js';
import { execColdbench } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-push-e2e-'));
const TARGETS = ['api', 'edge "eu"/1'];
let stack: MonitoringStack | undefined;
let servers: FixtureServer[] = [];
let targetFile: string;
const runDirs: string[] = [];

before(async () => {
  stack = await startMonitoringStack();
  const a = await startKnownLatencyServer(12, 60);
  const b = await startKnownLatencyServer(4, 30);
  servers = [a, b];
  targetFile = path.join(dir, 'targets.yaml');
  const target = (name: string, server: FixtureServer, cold: number, warm: number) => `  - name: ${JSON.stringify(name)}
    kind: http
    region: test-region
    url: ${server.url}
    cold:
      samples: ${cold}
      strategy: command
      command: node -e "fetch('${server.url}__cold').then(r => r.text())"
      instanceHeader: x-instance-id
    warm:
      requests: ${warm}
      connections: 2
`;
  writeFileSync(targetFile, `targets:\n${target(TARGETS[0]!, a, 4, 150)}${target(TARGETS[1]!, b, 3, 100)}`);
});

after(async () => {
  await stack?.stop();
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

interface SummaryRow {
  origin: string;
  target: string;
  phase: string;
  p50_ms: string;
}

function summaryRows(runDir: string): SummaryRow[] {
  return parse(readFileSync(path.join(runDir, 'summary.csv'), 'utf8'), { columns: true }) as SummaryRow[];
}

function results(runDir: string): RunResults {
  return JSON.parse(readFileSync(path.join(runDir, 'results.json'), 'utf8')) as RunResults;
}

async function runAndCheck(name: string): Promise<void> {
  const out = path.join(dir, name);
  const { stderr } = await execColdbench(['run', targetFile, '--out', out, '--origin', 'ci', '--quiet', '--pushgateway', stack!.pushgatewayUrl], { timeoutMs: 120_000 });
  assert.match(stderr, /pushed 1 origin \("ci"\) to the Pushgateway .* as job "coldbench"/);
  runDirs.push(out);
  const run = results(out);
  // Wait until Prometheus scraped this run's push (its run timestamp), bounded.
  const startedAt = Date.parse(run.run.startedAt) / 1000;
  await stack!.waitFor('coldbench_run_timestamp_seconds{job="coldbench",origin="ci"}', (s) => s.length === 1 && Math.abs(s[0]!.value - startedAt) < 0.001);

  const rows = summaryRows(out);
  assert.equal(rows.length, TARGETS.length * 2, 'a cold and a warm row per target');
  const p50s = await stack!.query('coldbench_latency_seconds{quantile="0.5",job="coldbench"}');
  assert.equal(p50s.length, rows.length, `one p50 series per origin x target x phase: ${JSON.stringify(p50s.map((s) => s.metric))}`);
  for (const row of rows) {
    const series = p50s.find((s) => s.metric.origin === row.origin && s.metric.target === row.target && s.metric.phase === row.phase);
    assert.ok(series, `Prometheus has ${row.origin} ${row.target} ${row.phase}`);
    assert.equal(series.metric.kind, 'http');
    assert.equal(series.metric.region, 'test-region');
    const expected = Number(row.p50_ms);
    const actualMs = series.value * 1000;
    assert.ok(expected > 0);
    assert.ok(Math.abs(actualMs - expected) <= expected * 0.001, `${row.target} ${row.phase}: Prometheus p50 ${actualMs} ms, summary.csv ${expected} ms`);
  }
  const counts = await stack!.query('coldbench_latency_seconds_count{job="coldbench"}');
  for (const t of run.targets) {
    for (const phase of ['cold', 'warm'] as const) {
      const c = counts.find((s) => s.metric.target === t.name && s.metric.phase === phase);
      assert.equal(c?.value, t.phases[phase]!.summary.count, `${t.name} ${phase} count`);
    }
  }
  const verified = await stack!.query('coldbench_cold_verified_total{job="coldbench"}');
  assert.deepEqual(verified.map((s) => s.value).sort(), run.targets.map((t) => t.phases.cold!.verified).sort());
  const penalty = await stack!.query('coldbench_cold_penalty_seconds{job="coldbench"}');
  for (const t of run.targets) {
    const p = penalty.find((s) => s.metric.target === t.name);
    const expected = (t.phases.cold!.summary.p50Us - t.phases.warm!.summary.p50Us) / 1e6;
    assert.ok(p && Math.abs(p.value - expected) < 1e-9, `${t.name} cold penalty`);
  }
}

test('after each of two runs, Prometheus (fed by the Pushgateway) answers every p50 equal to summary.csv', async () => {
  await runAndCheck('run-1');
  await runAndCheck('run-2');
  assert.notEqual(results(runDirs[0]!).run.id, results(runDirs[1]!).run.id);
});

test('history of the two runs: history.csv holds both runs per target; history.html shows a chart per target with both points', async () => {
  assert.equal(runDirs.length, 2, 'the runs of the test above');
  const out = path.join(dir, 'history');
  const { stdout } = await execColdbench(['history', runDirs[1]!, runDirs[0]!, '--out', out], { timeoutMs: 60_000 });
  assert.match(stdout, /history of 2 runs, 2 origin x target series/);
  const csv = parse(readFileSync(path.join(out, 'history.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  for (const [i, runDir] of runDirs.entries()) {
    const run = results(runDir);
    for (const row of summaryRows(runDir)) {
      const metric = `${row.phase}_p50`;
      const line = csv.find((r) => r.run_id === run.run.id && r.target === row.target && r.metric === metric);
      assert.ok(line, `history.csv has ${row.target} ${metric} of run ${i + 1}`);
      assert.equal(Number(line.value), Number(row.p50_ms));
      assert.equal(line.started_at, run.run.startedAt);
      if (i === 0) assert.equal(line.regression, '', 'the first run has no step to judge');
      else assert.ok(['true', 'false'].includes(line.regression!), 'the second run is judged against the first');
    }
  }

  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await openReport(browser, readFileSync(path.join(out, 'history.html'), 'utf8'), out, 'history.html');
    assert.deepEqual(page.requests, [page.url], 'no request but the file itself');
    assert.deepEqual(page.pageErrors, []);
    assert.deepEqual(page.consoleErrors, []);
    const articles = page.page.locator('article.series');
    assert.equal(await articles.count(), TARGETS.length, 'one series per target');
    for (const name of TARGETS) {
      const article = page.page.locator(`article.series[data-target=${JSON.stringify(name)}]`);
      assert.equal(await article.locator('h3').textContent(), name);
      assert.equal(await article.locator('table.runs tbody tr').count(), 2, 'both runs listed');
      const canvas = article.locator('.chart.latency canvas');
      assert.equal(await canvas.count(), 1, 'a latency chart');
      // Both runs' points: the cold p50 colour at the left and at the right end of the plot.
      const columns = await canvasColumnsWithColour(canvas, [31, 95, 191]);
      assert.ok(columns.left > 10 && columns.right > 10, `cold p50 drawn at both ends: ${JSON.stringify(columns)}`);
    }
  } finally {
    await browser?.close();
  }
});

test('BMF and Elasticsearch bulk NDJSON of the two runs parse and hold every target', async () => {
  assert.equal(runDirs.length, 2);
  const latest = results(runDirs[1]!);
  const bmfOut = await execColdbench(['export', ...runDirs, '--format', 'bmf'], { timeoutMs: 60_000 });
  const bmf = JSON.parse(bmfOut.stdout) as Record<string, Record<string, { value: number }>>;
  for (const t of latest.targets) {
    for (const phase of ['cold', 'warm'] as const) {
      const bench = bmf[`ci/${t.name}/${phase}`];
      assert.ok(bench, `BMF benchmark for ${t.name} ${phase}`);
      assert.equal(bench.latency!.value, t.phases[phase]!.summary.p50Us * 1000, 'p50 in nanoseconds, of the latest run');
    }
  }
  assert.equal(Object.keys(bmf).length, TARGETS.length * 2);

  const ndjsonFile = path.join(dir, 'bulk.ndjson');
  await execColdbench(['export', ...runDirs, '--format', 'ndjson', '--out', ndjsonFile], { timeoutMs: 60_000 });
  const lines = readFileSync(ndjsonFile, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline, as the bulk API requires');
  const docs = lines.filter((_, i) => i % 2 === 1).map((l) => JSON.parse(l) as Record<string, unknown>);
  const actions = lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l) as { create: { _id: string } });
  assert.equal(new Set(actions.map((a) => a.create._id)).size, actions.length, 'unique document ids');
  for (const runDir of runDirs) {
    const run = results(runDir);
    for (const t of run.targets) {
      const summaries = docs.filter((d) => d.doc_type === 'summary' && d.run_id === run.run.id && d.target === t.name);
      assert.deepEqual(summaries.map((d) => d.phase).sort(), ['cold', 'warm']);
      for (const d of summaries) assert.equal(d.p50_ms, t.phases[d.phase as 'cold' | 'warm']!.summary.p50Us / 1000);
      const samples = docs.filter((d) => d.doc_type === 'sample' && d.run_id === run.run.id && d.target === t.name);
      assert.equal(samples.length, t.phases.cold!.samples.length, 'one document per cold sample');
      for (const d of [...summaries, ...samples]) assert.ok(Number.isFinite(Date.parse(String(d['@timestamp']))), '@timestamp');
    }
  }
});
