// report.html in a real headless Chromium: text from the target file stays text, no script of
// it runs, and opening the report makes no network request and logs no error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { renderHtml } from '../bench/reporters/html.js';
import { estimateCost } from '../bench/cost.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';

const TAG_NAME = '<img src=x onerror="window.__pwned=1">';
const SCRIPT_NAME = '</script><script>window.__pwned=2</script>';
const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-html-safety-'));
let browser: Browser | undefined;
let report: OpenedReport;

before(async () => {
  browser = await launchBrowser();
  const results = fixtureRun([
    { name: TAG_NAME, region: '<svg onload="window.__pwned=3">', cold: [200_000, 240_000, 260_000], warm: spread(10_000, 200) },
    { name: SCRIPT_NAME, kind: 'kubernetes', warm: spread(4_000, 200) },
    { name: 'https-fetcher', failure: '<iframe src="https://example.invalid/">', status: 'failed' },
  ], { origin: '<b>origin</b>' });
  results.run.targetFile = '"><script>window.__pwned=4</script>';
  for (const t of results.targets) t.cost = estimateCost(t);
  results.thresholds = [{ expression: '<i>warm.p99</i> < 1ms', target: TAG_NAME, origin: '<b>origin</b>', passed: false, actualUs: 12_000, message: '<u>exceeds</u>' }];
  report = await openReport(browser, renderHtml(results), dir);
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a target named like an HTML tag is shown as that text and creates no element', async () => {
  const { page } = report;
  const headings = await page.locator('article.target h3').allTextContents();
  assert.ok(headings.includes(TAG_NAME), JSON.stringify(headings));
  assert.ok(headings.includes(SCRIPT_NAME), JSON.stringify(headings));
  assert.equal(await page.locator('img, svg[onload], iframe, b, i, u').count(), 0, 'no element from any hostile text');
  const summaryText = await page.locator('#summary').textContent();
  assert.ok(summaryText!.includes(TAG_NAME));
  assert.ok((await page.locator('#meta').textContent())!.includes('"><script>window.__pwned=4</script>'));
  assert.ok((await page.locator('#thresholds').textContent())!.includes('<u>exceeds</u>'));
  assert.ok((await page.locator('#targets').textContent())!.includes('failed: <iframe src="https://example.invalid/">'));
});

test('no script from the target file ran', async () => {
  assert.equal(await report.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  // Only the three real script elements exist.
  assert.equal(await report.page.locator('script').count(), 3);
});

test('opening the report makes no request but the file itself and logs no error', () => {
  assert.deepEqual(report.requests, [report.url]);
  assert.deepEqual(report.pageErrors, []);
  assert.deepEqual(report.consoleErrors, []);
});
