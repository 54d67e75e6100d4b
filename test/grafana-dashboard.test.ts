// deploy/grafana-dashboard.json: every metric its queries (panels and variables) name is one the
// exporter writes, every label they use is one it sets; and against a real Prometheus fed by the
// Pushgateway, every panel query answers with data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExportModel } from '../bench/export/model.js';
import { metricFamilies } from '../bench/export/metrics.js';
import { renderPrometheusText } from '../bench/export/text-format.js';
import { estimateCost } from '../bench/cost.js';
import type { RunResults } from '../bench/results/types.js';
import { execColdbench } from './helpers/cli.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { startMonitoringStack, type MonitoringStack } from './helpers/monitoring.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-grafana-'));

interface Target {
  expr: string;
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: Array<{ name: string; query: { query: string } }> };
}

const dashboard = JSON.parse(readFileSync('deploy/grafana-dashboard.json', 'utf8')) as Dashboard;
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
const variables = dashboard.templating.list.map((v) => v.query.query);

/** A run that makes every metric family non-empty: errors, RTT, a priced target. */
function fullRun(): RunResults {
  const run = fixtureRun([
    { name: 'fn', kind: 'kubernetes', cold: spread(300_000, 9), warm: spread(20_000, 400), warmErrors: 3 },
    { name: 'edge', cold: spread(120_000, 5), warm: spread(5_000, 300) },
  ], { origin: 'grafana-origin', startedAt: new Date().toISOString() });
  for (const t of run.targets) t.cost = estimateCost(t);
  run.targets[0]!.network = { rttUs: 15_000 };
  return run;
}

/** Sample names and label names the exporter writes (Pushgateway adds job and instance). */
function written(): { metrics: Set<string>; labels: Set<string> } {
  const text = renderPrometheusText(metricFamilies(buildExportModel([fullRun()])));
  const metrics = new Set<string>();
  const labels = new Set<string>(['job', 'instance']);
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? /.exec(line);
    assert.ok(m, line);
    metrics.add(m[1]!);
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(l[1]!);
  }
  return { metrics, labels };
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Metric and label names a PromQL expression (or a Grafana label_values() query) refers to. */
function names(expr: string): { metrics: string[]; labels: string[] } {
  const labels: string[] = [];
  let s = expr.replace(/\$\w+/g, 'x');
  const labelValues = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(s.trim());
  if (labelValues) {
    labels.push(labelValues[2]!);
    s = labelValues[1]!;
  }
  s = s.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of s.matchAll(/\{([^}]*)\}/g)) for (const l of m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.push(l[1]!);
  s = s.replace(/\{[^}]*\}/g, ' ');
  for (const m of s.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) labels.push(...m[1]!.split(',').map((l) => l.trim()).filter(Boolean));
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const metrics: string[] = [];
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = m[0];
    const rest = s.slice(m.index! + token.length).trimStart();
    if (rest.startsWith('(') || KEYWORDS.has(token) || /^\d/.test(token)) continue; // a function, a keyword
    metrics.push(token);
  }
  return { metrics, labels };
}

test('every metric and label the dashboard\'s queries name is one the exporter writes', () => {
  const { metrics, labels } = written();
  assert.ok(queries.length >= 8, 'panels with queries');
  for (const expr of [...queries.map((q) => q.expr), ...variables]) {
    const found = names(expr);
    assert.ok(found.metrics.length > 0, `a metric in ${expr}`);
    for (const m of found.metrics) assert.ok(metrics.has(m), `${m} (in ${expr}) is written by the exporter: ${[...metrics].join(', ')}`);
    for (const l of found.labels) assert.ok(labels.has(l), `label ${l} (in ${expr}) is set by the exporter`);
  }
  // The check itself catches a wrong name.
  assert.deepEqual(names('sum by (origin) (coldbench_latency_secs{phase="cold"}) / rate(foo_total[5m])').metrics, ['coldbench_latency_secs', 'foo_total']);
});

let stack: MonitoringStack | undefined;
before(async () => {
  stack = await startMonitoringStack();
});
after(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('against a real Prometheus fed through the Pushgateway, every panel query answers with data', async () => {
  const run = fullRun();
  const file = path.join(dir, 'results.json');
  writeFileSync(file, JSON.stringify(run));
  await execColdbench(['export', file, '--pushgateway', stack!.pushgatewayUrl], { timeoutMs: 60_000 });
  await stack!.waitFor('coldbench_run_timestamp_seconds{origin="grafana-origin"}', (s) => s.length === 1);
  // Grafana's "All" is the regex .*
  const all = (expr: string) => expr.replace(/\$(job|origin|target)\b/g, '.*');
  for (const q of queries) {
    const answer = await stack!.query(all(q.expr));
    assert.ok(answer.length > 0, `panel "${q.panel}": ${q.expr} answered nothing`);
    assert.ok(answer.every((s) => Number.isFinite(s.value)), `panel "${q.panel}" values`);
  }
});
