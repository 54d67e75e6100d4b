// history.html in a real headless Chromium: opens offline with no request and no error; text
// from target files stays text; a chart per origin x target with every run's points; the step
// compare calls a regression is marked (red) on that target only; the time-of-day view appears
// once the runs span days and not before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildHistory } from '../bench/history/model.js';
import { renderHistoryHtml } from '../bench/reporters/history-html.js';
import { estimateCost } from '../bench/cost.js';
import type { RunResults } from '../bench/results/types.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';
import { canvasColumnsWithColour } from './helpers/canvas.js';

const TAG_NAME = '<img src=x onerror="window.__pwned=1">';
const SCRIPT_NAME = '</script><script>window.__pwned=2</script>';
const RED: [number, number, number] = [214, 39, 40];
const COLD: [number, number, number] = [31, 95, 191];
const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-history-html-'));
let browser: Browser | undefined;
let days: OpenedReport;
let oneDay: OpenedReport;

function run(id: string, startedAt: string, slowFactor: number): RunResults {
  const r = fixtureRun(
    [
      { name: TAG_NAME, kind: 'kubernetes', region: '<svg onload="window.__pwned=3">', cold: spread(400_000 * slowFactor, 20), warm: spread(8_000, 1_000) },
      { name: SCRIPT_NAME, cold: spread(200_000, 20), warm: spread(3_000, 1_000), warmErrors: 5 },
    ],
    { id: `<b>${id}</b>`, startedAt, origin: '"><i>origin</i>' },
  );
  for (const t of r.targets) t.cost = estimateCost(t);
  r.targets[0]!.network = { rttUs: 20_000 };
  return r;
}

before(async () => {
  browser = await launchBrowser();
  const threeDays = [run('r1', '2026-05-04T03:00:00.000Z', 1), run('r2', '2026-05-05T03:00:00.000Z', 2.5), run('r3', '2026-05-06T15:00:00.000Z', 2.5)];
  days = await openReport(browser, renderHistoryHtml(buildHistory(threeDays)), dir, 'days.html');
  const sameDay = [run('a', '2026-05-04T03:00:00.000Z', 1), run('b', '2026-05-04T09:00:00.000Z', 1)];
  oneDay = await openReport(browser, renderHistoryHtml(buildHistory(sameDay)), dir, 'one-day.html');
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

// First, before the tests below read canvas pixels back.
test('opens offline: no request but the file itself, no error, no script from the data', async () => {
  for (const r of [days, oneDay]) {
    assert.deepEqual(r.requests, [r.url]);
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleErrors, []);
    assert.equal(await r.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await r.page.locator('script').count(), 3, 'the JSON island, uPlot and the client: nothing else');
    assert.equal(await r.page.locator('img, svg[onload], b, i').count(), 0, 'no element from any hostile text');
  }
  const headings = await days.page.locator('article.series h3').allTextContents();
  assert.deepEqual(headings, [TAG_NAME, SCRIPT_NAME], 'hostile names shown as text');
  assert.ok((await days.page.locator('#meta').textContent())!.includes('"><i>origin</i>'));
  assert.ok((await days.page.locator('table.runs').first().textContent())!.includes('<b>r2</b>'));
});

test('a latency chart per target with every run\'s points; the regression marked on its target only', async () => {
  const page = days.page;
  assert.equal(await page.locator('article.series').count(), 2);
  const slow = page.locator('article.series').nth(0);
  const steady = page.locator('article.series').nth(1);
  for (const article of [slow, steady]) {
    assert.equal(await article.locator('.chart.latency canvas').count(), 1);
    assert.equal(await article.locator('table.runs tbody tr').count(), 3, 'three runs listed');
    const cold = await canvasColumnsWithColour(article.locator('.chart.latency canvas'), COLD);
    assert.ok(cold.left > 10 && cold.middle > 10 && cold.right > 10, `cold p50 across all runs: ${JSON.stringify(cold)}`);
  }
  // r2 is 2.5x slower cold: compare calls that a regression; r3 equals r2.
  const red = await canvasColumnsWithColour(slow.locator('.chart.latency canvas'), RED);
  assert.ok(red.middle > 30, `regression marker on the second run: ${JSON.stringify(red)}`);
  assert.equal(red.right, 0, 'no marker on the third run');
  assert.deepEqual(await canvasColumnsWithColour(steady.locator('.chart.latency canvas'), RED), { left: 0, middle: 0, right: 0 }, 'no marker on the steady target');
  const marked = slow.locator('table.runs tr.regression');
  assert.equal(await marked.count(), 1);
  assert.match((await marked.locator('td.step').textContent())!, /cold: regression \(p50 slower by more than 10%/);
  assert.equal(await steady.locator('table.runs tr.regression').count(), 0);
  assert.match((await page.locator('#verdict').textContent())!, /^1 regression step/);
  // Errors, RTT and cost over time have their own charts where there is data.
  assert.equal(await slow.locator('.chart.network canvas').count(), 1, 'RTT measured for this target');
  assert.equal(await steady.locator('.chart.errors canvas').count(), 1);
  assert.equal(await slow.locator('.chart.cost canvas').count(), 1, 'kubernetes: priced from node hours');
});

test('the browser script formats nothing: every text comes from history-view.ts', () => {
  const client = readFileSync('bench/reporters/history-client.js', 'utf8');
  assert.doesNotMatch(client, /toFixed|toPrecision|toLocale|Intl\.|Math\.round|padStart|padEnd|toISOString/);
});

test('time of day / day of week: shown once the runs span days, with a median per UTC slot', async () => {
  assert.equal(await days.page.locator('#time-section').isVisible(), true);
  const heatmaps = days.page.locator('#time table.heatmap');
  assert.equal(await heatmaps.count(), 2, 'one per series');
  const slots = heatmaps.first().locator('td.slot');
  // Runs on Mon 03:00, Tue 03:00, Wed 15:00: three weekday x hour cells, three weekday medians,
  // two hour medians.
  assert.equal(await slots.count(), 3 + 3 + 2);
  assert.equal(await oneDay.page.locator('#time-section').isVisible(), false, 'hidden within one day');
});
