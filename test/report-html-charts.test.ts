// report.html in a real headless Chromium: every section is there, the charts are drawn (their
// series colours are on the canvases), the summary sorts, and merged origins get a matrix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { renderHtml } from '../bench/reporters/html.js';
import { mergeRuns } from '../bench/merge.js';
import { estimateCost } from '../bench/cost.js';
import { evaluateThresholds } from '../bench/thresholds.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-html-charts-'));
let browser: Browser | undefined;
let merged: OpenedReport;
let single: OpenedReport;

function originRun(origin: string, factor: number) {
  const run = fixtureRun([
    { name: 'lambda-fn', kind: 'lambda', cold: spread(300_000 * factor, 5), coldExtra: Array(5).fill({ billedDurationMs: 320, memorySizeMb: 512 }), warm: spread(15_000 * factor, 500) },
    { name: 'k8s-svc', kind: 'kubernetes', cold: spread(2_000_000 * factor, 3), warm: spread(4_000 * factor, 500) },
  ], { id: `run-${origin}`, origin });
  for (const t of run.targets) t.cost = estimateCost(t);
  run.thresholds = evaluateThresholds(run, ['warm.p99 < 20ms'], new Map());
  return run;
}

before(async () => {
  browser = await launchBrowser();
  merged = await openReport(browser, renderHtml(mergeRuns([originRun('tokyo', 1), originRun('frankfurt', 2)])), dir, 'merged.html');
  single = await openReport(browser, renderHtml(originRun('tokyo', 1)), dir, 'single.html');
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

// First, before the tests below read canvas pixels back (Chromium warns about repeated readbacks).
test('no request but the file and no console error or warning in either report', () => {
  for (const r of [merged, single]) {
    assert.deepEqual(r.requests, [r.url]);
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleErrors, []);
  }
});

/** Pixels of a canvas within a small distance of an RGB colour. */
async function pixelsOfColour(canvas: Locator, rgb: [number, number, number]): Promise<number> {
  return canvas.evaluate((node, colour) => {
    const c = node as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.abs(data[i]! - colour[0]) < 40 && Math.abs(data[i + 1]! - colour[1]) < 40 && Math.abs(data[i + 2]! - colour[2]) < 40) n++;
    }
    return n;
  }, rgb);
}

test('each target has a percentile chart with both cold and warm curves drawn', async () => {
  const { page } = merged;
  const charts = page.locator('article.target .chart.distribution canvas');
  assert.equal(await charts.count(), 4, 'one distribution chart per origin x target');
  for (let i = 0; i < 4; i++) {
    assert.ok((await pixelsOfColour(charts.nth(i), [31, 95, 191])) > 50, `cold curve drawn in chart ${i}`);
    assert.ok((await pixelsOfColour(charts.nth(i), [217, 130, 43])) > 50, `warm curve drawn in chart ${i}`);
  }
  const axis = await page.locator('article.target').first().locator('.u-legend, .u-title').allTextContents();
  assert.ok(axis.some((t) => /Latency by percentile/.test(t)));
});

test('cold samples are charted and listed one by one with platform init and verification', async () => {
  const article = merged.page.locator('article.target[data-target="lambda-fn"][data-origin="tokyo"]');
  assert.ok((await pixelsOfColour(article.locator('.chart.cold-samples canvas'), [42, 157, 87])) > 20, 'init points drawn');
  const rows = article.locator('table.samples tbody tr');
  assert.equal(await rows.count(), 5);
  const first = await rows.first().locator('td').allTextContents();
  assert.equal(first[6], 'verified');
  assert.equal(Number(first[3]), Number(first[2]) / 2, 'platform init shown beside the total');
});

test('the summary table sorts by a numeric column on click, both ways', async () => {
  const { page } = merged;
  const p50Column = async () => (await page.locator('#summary tbody tr td:nth-child(9)').allTextContents()).map(Number);
  assert.equal((await p50Column()).length, 8, 'origin x target x phase rows');
  await page.locator('#summary thead th', { hasText: 'p50' }).locator('button').click();
  const ascending = await p50Column();
  assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
  assert.equal(await page.locator('#summary thead th[aria-sort="ascending"]').textContent(), 'p50 ms');
  await page.locator('#summary thead th', { hasText: 'p50' }).locator('button').click();
  const descending = await p50Column();
  assert.deepEqual(descending, [...ascending].reverse());
});

test('merged origins get an origin x target matrix; a single origin does not', async () => {
  assert.equal(await merged.page.locator('#matrix-section').isVisible(), true);
  const header = await merged.page.locator('#matrix thead th').allTextContents();
  assert.deepEqual(header, ['target', 'phase', 'tokyo', 'frankfurt']);
  assert.equal(await merged.page.locator('#matrix tbody tr').count(), 4);
  assert.equal(await single.page.locator('#matrix-section').isVisible(), false);
  assert.match((await merged.page.locator('#meta').textContent())!, /originstokyo, frankfurt/);
});

test('comparison bars, cost estimates and thresholds are shown', async () => {
  const { page } = merged;
  assert.equal(await page.locator('.bars[data-phase="cold"] .bar-row').count(), 4);
  assert.equal(await page.locator('.bars[data-phase="warm"] .bar.p99').count(), 4);
  const widths = await page.locator('.bars[data-phase="warm"] .bar.p99').evaluateAll((bars) => bars.map((b) => (b as HTMLElement).getBoundingClientRect().width));
  assert.ok(Math.max(...widths) > 3 * Math.min(...widths), 'bars are scaled to the values');
  const cost = await page.locator('#cost').textContent();
  assert.match(cost!, /estimate/);
  assert.match((await page.locator('#cost-note').textContent())!, /as of \d{4}-\d{2}-\d{2}/);
  assert.equal(await page.locator('#cost tbody tr').count(), 4);
  // warm p99: tokyo lambda ~18 ms passes, frankfurt lambda ~36 ms fails.
  const results = await page.locator('#thresholds tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent));
  assert.equal(results.length, 4);
  assert.ok(results.some((r) => /^FAILlambda-fnfrankfurt/.test(r!)), JSON.stringify(results));
  assert.ok(results.some((r) => /^passlambda-fntokyo/.test(r!)), JSON.stringify(results));
  assert.match((await page.locator('#verdict').textContent())!, /thresholds failed/);
});
