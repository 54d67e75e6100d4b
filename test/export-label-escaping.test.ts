// Target names are user text. Through a real Pushgateway (grouped by an origin with a slash and
// quotes, under a job with both) and through a real Prometheus scraping coldbench's OpenMetrics
// text, every hostile name comes back as exactly the same text, with the right values; and
// Prometheus' own linter (promtool check metrics) finds nothing to say about the pushed text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type FixtureServer } from './helpers/servers.js';
import { startMonitoringStack, type MonitoringStack, type Sample } from './helpers/monitoring.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { estimateCost } from '../bench/cost.js';
import { buildExportModel } from '../bench/export/model.js';
import { metricFamilies } from '../bench/export/metrics.js';
import { renderPrometheusText } from '../bench/export/text-format.js';
import type { RunResults } from '../bench/results/types.js';
import { execColdbench } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-labels-'));
const HOSTILE = ['a "quoted" name', 'back\\slash\\', 'new\nline', 'curly}{,=x', '# not a comment', ' leading space', 'ünïcødé 🚀', 'tab\there', 'quote at end"'];
const JOB = 'nightly/cb "x"';
let stack: MonitoringStack | undefined;
let openMetricsServer: FixtureServer | undefined;
let served = '# EOF\n';
let lastAccept = '';
const runs: RunResults[] = [];
const files: string[] = [];

before(async () => {
  openMetricsServer = await startServer((req, res) => {
    lastAccept = String(req.headers.accept);
    res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    res.end(served);
  });
  stack = await startMonitoringStack({ extraTargets: { openmetrics: `127.0.0.1:${openMetricsServer.port}` } });
  const origins = ['eu/west "1"', 'plain'];
  origins.forEach((origin, o) => {
    const run = fixtureRun(
      HOSTILE.map((name, i) => ({ name, kind: i % 2 ? 'kubernetes' : 'http', region: `r"${i}\\`, cold: spread(80_000 + 7_000 * i + 1_000 * o, 7), warm: spread(3_000 + 100 * i, 300), warmErrors: i % 3 })),
      { id: `run-${o}`, origin, startedAt: `2026-02-0${o + 1}T10:00:00.000Z` },
    );
    for (const t of run.targets) t.cost = estimateCost(t);
    run.targets[1]!.network = { rttUs: 2_500 };
    runs.push(run);
    const file = path.join(dir, `run-${o}.json`);
    writeFileSync(file, JSON.stringify(run));
    files.push(file);
  });
});

after(async () => {
  await stack?.stop();
  await openMetricsServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectP50s(samples: Sample[], job: string): void {
  const mine = samples.filter((s) => s.metric.job === job);
  const expected = runs.flatMap((r) => r.targets.flatMap((t) => (['cold', 'warm'] as const).map((phase) => ({ t, phase }))));
  assert.equal(mine.length, expected.length, `one p50 per origin x target x phase under job ${job}`);
  for (const { t, phase } of expected) {
    const s = mine.find((m) => m.metric.origin === t.origin && m.metric.target === t.name && m.metric.phase === phase);
    assert.ok(s, `${JSON.stringify(t.origin)} ${JSON.stringify(t.name)} ${phase} came back as the same text`);
    assert.equal(s.metric.region, t.region);
    assert.ok(Math.abs(s.value - t.phases[phase]!.summary.p50Us / 1e6) < 1e-12);
  }
}

test('through the Pushgateway: one group per origin (slash and quotes in the grouping key), every name back unchanged', async () => {
  const { stderr } = await execColdbench(['export', ...files, '--pushgateway', stack!.pushgatewayUrl, '--job', JOB], { timeoutMs: 60_000 });
  assert.match(stderr, /pushed 2 origins/);
  const expectedCount = runs.reduce((n, r) => n + r.targets.length * 2, 0);
  const samples = await stack!.waitFor('coldbench_latency_seconds{quantile="0.5"}', (s) => s.filter((x) => x.metric.job === JOB).length === expectedCount);
  expectP50s(samples, JOB);
  const errors = (await stack!.query('coldbench_errors_total')).filter((s) => s.metric.job === JOB);
  const expectedErrors = runs.flatMap((r) => r.targets.filter((t) => t.phases.warm!.summary.errors > 0));
  assert.equal(errors.length, expectedErrors.length);
  for (const t of expectedErrors) {
    const e = errors.find((s) => s.metric.origin === t.origin && s.metric.target === t.name);
    assert.equal(e?.metric.error_kind, 'http5xx');
    assert.equal(e?.value, t.phases.warm!.summary.errors);
  }
  const rtt = (await stack!.query('coldbench_rtt_seconds')).filter((s) => s.metric.job === JOB);
  assert.deepEqual(rtt.map((s) => [s.metric.target, s.value]).sort(), [[HOSTILE[1], 0.0025], [HOSTILE[1], 0.0025]]);
  const cost = (await stack!.query('coldbench_cost_usd_per_million_requests')).filter((s) => s.metric.job === JOB);
  const priced = runs.flatMap((r) => r.targets.filter((t) => t.cost?.per1MRequests != null));
  assert.ok(priced.length > 0 && priced.length < runs.length * HOSTILE.length, 'some targets priced (kubernetes), some not (plain http)');
  assert.equal(cost.length, priced.length, 'a cost series exactly where there is an estimate');
  for (const t of priced) assert.ok(cost.some((s) => s.metric.target === t.name && s.metric.origin === t.origin && Math.abs(s.value - t.cost!.per1MRequests!) < 1e-9));
});

test('through OpenMetrics: Prometheus scrapes the text and reads every name and value back', async () => {
  const { stdout } = await execColdbench(['export', ...files, '--format', 'openmetrics'], { timeoutMs: 60_000 });
  assert.match(stdout, /# EOF\n$/);
  served = stdout;
  const expectedCount = runs.reduce((n, r) => n + r.targets.length * 2, 0);
  const samples = await stack!.waitFor('coldbench_latency_seconds{quantile="0.5",job="openmetrics"}', (s) => s.length === expectedCount);
  expectP50s(samples, 'openmetrics');
  const counts = await stack!.query('coldbench_latency_seconds_count{job="openmetrics"}');
  assert.equal(counts.length, expectedCount);
  // Prometheus asked for OpenMetrics and got it (the Content-Type picks its OpenMetrics parser).
  assert.match(lastAccept, /application\/openmetrics-text/);
  const up = await stack!.query('up{job="openmetrics"}');
  assert.equal(up[0]?.value, 1, 'the scrape succeeded');
});

test('promtool check metrics: the pushed text passes Prometheus\' own linter', () => {
  const text = renderPrometheusText(metricFamilies(buildExportModel(runs)), { origin: 'plain', omitLabels: ['origin'] });
  const lint = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
  assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '');
});
