// report.html's Experiments section in a real headless Chromium: per target a burst chart (latency
// and instances by burst size), a keepalive chart (cold share by idle gap, with its interval) and a
// stages chart, each drawn (their series colours on the canvas) above its table; none without experiments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { renderHtml } from '../bench/reporters/html.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { experimentRun } from './helpers/experiments-fixture.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-html-experiments-'));
let browser: Browser | undefined;
let withExperiments: OpenedReport;
let without: OpenedReport;

before(async () => {
  browser = await launchBrowser();
  withExperiments = await openReport(browser, renderHtml(experimentRun()), dir, 'experiments.html');
  without = await openReport(browser, renderHtml(fixtureRun([{ name: 'plain', kind: 'http', cold: spread(200_000, 3), warm: spread(5_000, 50) }])), dir, 'plain.html');
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('no console error, no request but the file', () => {
  for (const r of [withExperiments, without]) {
    assert.deepEqual(r.pageErrors, []);
    assert.deepEqual(r.consoleErrors, []);
    assert.deepEqual(r.requests, [r.url]);
  }
});

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

test('the burst, keepalive and stages charts are drawn, each above its table', async () => {
  const { page } = withExperiments;
  assert.equal(await page.locator('#experiments-section').isVisible(), true);
  for (const kind of ['burst', 'keepalive', 'stages']) {
    const article = page.locator(`article.experiment[data-kind="${kind}"]`);
    assert.equal(await article.count(), 1, kind);
    const canvas = article.locator('.experiment-chart canvas');
    assert.ok((await pixelsOfColour(canvas, [31, 95, 191])) > 30, `${kind}: first series drawn`);
  }
  const burst = page.locator('article.experiment[data-kind="burst"]');
  assert.ok((await pixelsOfColour(burst.locator('canvas'), [123, 63, 176])) > 0 || (await pixelsOfColour(burst.locator('canvas'), [42, 157, 87])) > 10, 'instances line drawn');
  assert.match((await burst.locator('.u-title').textContent())!, /Latency and instances by burst size/);
  const rows = await burst.locator('table.experiment-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[2], r[3], r[7]]), [['1', '1', '0', '1'], ['4', '4', '0', '4'], ['8', '6', 'throttled: 2', '6']]);
  const keepalive = page.locator('article.experiment[data-kind="keepalive"]');
  const gaps = await keepalive.locator('table.experiment-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(gaps.map((r) => [r[0], r[3], r[4]]), [['0.5', '0%', '0% – 56.1%'], ['3', '100%', '43.9% – 100%']]);
  const stages = await page.locator('article.experiment[data-kind="stages"] table.experiment-table tbody tr td:last-child').allTextContents();
  assert.deepEqual(stages, ['0', '2']);
});

test('a report without experiments has no Experiments section', async () => {
  assert.equal(await without.page.locator('#experiments-section').isVisible(), false);
  assert.equal(await without.page.locator('article.experiment').count(), 0);
});
