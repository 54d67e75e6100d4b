// The report of a sweep: per swept target one row per variant (cold p50, warm p50 and p95, cost
// per 1M requests), the fastest and the best value (the cheapest within 10% of the fastest)
// marked, in the report model, summary.md and report.html (in a real headless Chromium: the
// table, the chart and its best-value marker where the variant is, offline and without errors).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildReportModel } from '../bench/report-model/model.js';
import { sweepModel } from '../bench/report-model/sweep.js';
import { renderHtml } from '../bench/reporters/html.js';
import { renderMarkdown } from '../bench/reporters/markdown.js';
import type { RunResults } from '../bench/results/types.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';
import { canvasColumnsWithColour } from './helpers/canvas.js';
import { fixtureRun } from './helpers/results-fixture.js';

const BEST: [number, number, number] = [0xe4, 0x00, 0x2b];

/** Three memory variants: 1024 is the fastest, 512 within 10% of it and cheaper, 128 slow and cheapest. */
function sweepRun(coldMs: [number, number, number] | null, costs: [number, number, number]): RunResults {
  const memories = [128, 512, 1024] as const;
  const results = fixtureRun(
    memories.map((memory, i) => ({
      name: `fn[memory=${memory}]`,
      kind: 'lambda' as const,
      ...(coldMs ? { cold: [coldMs[i]! * 1000, coldMs[i]! * 1000 + 10_000] } : {}),
      warm: Array<number>(100).fill(20_000 - i * 1000),
      platform: { kind: 'lambda' as const, memorySizeMb: memory, architecture: 'x86_64' },
    })),
  );
  results.targets.forEach((t, i) => {
    t.variant = { memory: memories[i]! };
    t.variantOf = 'fn';
    t.cost = { label: 'estimate', model: 'lambda', currency: 'USD', pricesDate: '2026-01-01', per1MRequests: costs[i]!, perColdStart: null, basis: [], overrides: {} };
  });
  return results;
}

const run = sweepRun([900, 320, 300], [0.25, 0.4, 0.6]);

test('the model: one row per variant; fastest by cold p50; best value the cheapest within 10% of it', () => {
  const [sweep] = sweepModel(run);
  assert.ok(sweep);
  assert.equal(sweep.of, 'fn');
  assert.deepEqual(sweep.keys, ['memory']);
  assert.equal(sweep.metric, 'cold p50');
  assert.deepEqual(sweep.rows.map((r) => r.label), ['memory=128', 'memory=512', 'memory=1024']);
  assert.deepEqual(sweep.rows.map((r) => r.fastest), [false, false, true]);
  assert.deepEqual(sweep.rows.map((r) => r.best), [false, true, false], '512 is within 10% of 1024 and cheaper; 128 is cheaper still but 3x slower');
  assert.deepEqual(sweep.rows.map((r) => r.costPer1M), [0.25, 0.4, 0.6]);
});

test('the model: the fastest is the best value when nothing within 10% is cheaper; warm p50 ranks a sweep without cold samples', () => {
  const [fastestIsBest] = sweepModel(sweepRun([900, 400, 300], [0.25, 0.4, 0.6]));
  assert.deepEqual(fastestIsBest!.rows.map((r) => r.best), [false, false, true]);
  const [warmOnly] = sweepModel(sweepRun(null, [0.25, 0.4, 0.6]));
  assert.equal(warmOnly!.metric, 'warm p50');
  // Warm p50: 20, 19, 18 ms; 18 * 1.1 = 19.8 ms takes in 512 (19 ms), cheaper than 1024.
  assert.deepEqual(warmOnly!.rows.map((r) => [r.fastest, r.best]), [[false, false], [false, true], [true, false]]);
  assert.deepEqual(sweepModel(fixtureRun([{ name: 'plain', cold: [1000] }])), [], 'no sweep, no section');
});

test('summary.md: a table per swept target with the best value and the fastest named', () => {
  const md = renderMarkdown(run);
  assert.match(md, /## Sweeps\n\n\*\*fn\*\*: memory; best value = the cheapest variant within 10% of the fastest cold p50\./);
  assert.match(md, /\| memory=512 \| 320 \| 19\.0 \| 19\.0 \| 0\.4000 USD \| \*\*best value\*\* \|/);
  assert.match(md, /\| memory=1024 \| 300 \| 18\.0 \| 18\.0 \| 0\.6000 USD \| fastest \|/);
  assert.doesNotMatch(renderMarkdown(fixtureRun([{ name: 'plain', cold: [1000] }])), /## Sweeps/);
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-sweep-report-'));
let browser: Browser | undefined;
let opened: OpenedReport;
let plain: OpenedReport;

before(async () => {
  browser = await launchBrowser();
  opened = await openReport(browser, renderHtml(run), dir, 'sweep.html');
  plain = await openReport(browser, renderHtml(fixtureRun([{ name: 'plain', cold: [1000], warm: [500] }])), dir, 'plain.html');
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('report.html: the sweep table and its chart, the best value marked where its variant is, offline and without errors', async () => {
  for (const r of [opened, plain]) {
    assert.deepEqual(r.requests, [r.url]);
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleErrors, []);
  }
  const page = opened.page;
  assert.equal(await page.locator('#sweep-section').isVisible(), true);
  assert.match((await page.locator('#sweeps h3').textContent()) ?? '', /^fn: memory sweep \(lambda\)$/);
  const rows = page.locator('#sweeps table.sweep tbody tr');
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await page.locator('#sweeps tr.best td').allTextContents(), ['memory=512', '320', '19.0', '19.0', '0.4000 USD', 'best value']);
  const canvas = page.locator('#sweep-chart-0 canvas').first();
  assert.equal(await canvas.count(), 1, 'the chart is drawn');
  const marker = await canvasColumnsWithColour(canvas, BEST);
  assert.ok(marker.middle > 0 && marker.left === 0, `the best-value marker is at the middle variant: ${JSON.stringify(marker)}`);
  assert.equal(await plain.page.locator('#sweep-section').isVisible(), false, 'no sweep: no section');
  assert.equal(buildReportModel(run).sweeps.length, 1);
});
