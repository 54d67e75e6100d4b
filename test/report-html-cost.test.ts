// report.html's "Cost as traffic grows" in a real headless Chromium, offline: one line per target,
// every break-even point marked (in the DOM and on the canvas, where the log axis puts it), the
// --traffic line where the traffic is, and the cold-start price beside the chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { estimateCost } from '../bench/cost.js';
import { buildReportModel } from '../bench/report-model/model.js';
import { renderHtml } from '../bench/reporters/html.js';
import type { RunResults } from '../bench/results/types.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';
import { canvasColumnsWithColour } from './helpers/canvas.js';
import { fixtureRun, type FixtureTarget } from './helpers/results-fixture.js';

const CROSSING: [number, number, number] = [0xe4, 0x00, 0x2b];
const TRAFFIC: [number, number, number] = [0x00, 0x89, 0x7b];
const LAMBDA_LINE: [number, number, number] = [0x1f, 0x5f, 0xbf];

const LAMBDA: FixtureTarget = { name: 'fn', kind: 'lambda', cold: [300_000], coldExtra: [{ billedDurationMs: 320 }], warm: Array<number>(500).fill(20_000), billedDurationMsMean: 20, platform: { kind: 'lambda', memorySizeMb: 1024, architecture: 'x86_64' } };
const KUBE: FixtureTarget = { name: 'k8s', kind: 'kubernetes', cold: [2_000_000], warm: Array<number>(1000).fill(2_000), warmDurationUs: 10_000_000, platform: { kind: 'kubernetes', replicas: 1, readyReplicas: 1, cpuRequestCores: 2, memoryRequestMiB: 1024 } };

function run(targets: FixtureTarget[], traffic: number | null): RunResults {
  const results = fixtureRun(targets);
  for (const t of results.targets) t.cost = estimateCost(t, { coldStartRate: 0.01 });
  results.run.cost = { traffic, freeTier: false };
  return results;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-html-cost-'));
let browser: Browser | undefined;
let both: OpenedReport;
let alone: OpenedReport;
const bothRun = run([LAMBDA, KUBE], 3000);

before(async () => {
  browser = await launchBrowser();
  both = await openReport(browser, renderHtml(bothRun), dir, 'both.html');
  alone = await openReport(browser, renderHtml(run([LAMBDA], null)), dir, 'alone.html');
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('offline: no request but the file, no console error', () => {
  for (const r of [both, alone]) {
    assert.deepEqual(r.requests, [r.url]);
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleErrors, []);
  }
});

test('every break-even point is listed, with the traffic it happens at', async () => {
  const crossings = buildReportModel(bothRun).costGrowth.pairs.flatMap((p) => p.crossings);
  assert.ok(crossings.length >= 1, 'a Lambda and a Kubernetes target break even');
  const items = both.page.locator('#cost-growth-crossings li.crossing');
  assert.equal(await items.count(), crossings.length);
  const at = await items.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-requests'))));
  assert.deepEqual(at, crossings.map((c) => c.requests));
  assert.match((await items.first().textContent()) ?? '', /^fn and k8s break even at 120M requests a month \(70\.08 USD\): k8s is cheaper above$/);
  assert.equal(await alone.page.locator('#cost-growth-crossings li.crossing').count(), 0);
  assert.match((await alone.page.locator('#cost-growth-crossings').textContent()) ?? '', /Fewer than two targets/);
});

test('the chart draws the lines, a marker at each crossing (right of 10^7.7) and --traffic at 3k (left third)', async () => {
  const canvas = both.page.locator('#cost-growth-chart canvas');
  assert.equal(await canvas.count(), 1);
  const view = await both.page.evaluate(() => JSON.parse(document.getElementById('data')!.textContent!).view.costGrowth.chart);
  assert.equal(view.series.length, 2);
  assert.equal(view.crossings.ys.filter((y: number | null) => y !== null).length, buildReportModel(bothRun).costGrowth.chart.markers.length);
  const markers = await canvasColumnsWithColour(canvas, CROSSING);
  assert.ok(markers.right > 50, `markers drawn on the right: ${JSON.stringify(markers)}`);
  assert.equal(markers.left, 0, 'no crossing at low traffic');
  const traffic = await canvasColumnsWithColour(canvas, TRAFFIC);
  assert.ok(traffic.left > 100, `the --traffic line at 3k requests: ${JSON.stringify(traffic)}`);
  assert.equal(traffic.middle + traffic.right, 0);
  const lambdaLine = await canvasColumnsWithColour(canvas, LAMBDA_LINE);
  assert.ok(lambdaLine.left > 0 && lambdaLine.middle > 0 && lambdaLine.right > 0, 'the Lambda line spans the chart');
  const none = await canvasColumnsWithColour(alone.page.locator('#cost-growth-chart canvas'), CROSSING);
  assert.deepEqual(none, { left: 0, middle: 0, right: 0 }, 'one target: no marker');
  assert.deepEqual(await canvasColumnsWithColour(alone.page.locator('#cost-growth-chart canvas'), TRAFFIC), { left: 0, middle: 0, right: 0 }, 'no --traffic: no line');
});

test('beside the chart: the cold-start price of each per-request target at the traffic given', async () => {
  const aside = both.page.locator('#cost-growth-cold');
  assert.equal(await aside.locator('h3').textContent(), 'Cold starts at 3k requests a month');
  const cells = await aside.locator('tbody tr').first().locator('td').allTextContents();
  // 1% of 3000 requests = 30 cold starts, each 300 ms more billed at 1 GB than a warm call.
  assert.deepEqual(cells, ['fn', '1%', '0.0000055 USD', '30', '0.00015 USD', '280 ms']);
  assert.equal(await aside.locator('tbody tr').count(), 1, 'Kubernetes is priced in nodes, not per cold start');
});
