// report.html's at-a-glance comparison in a real Chromium at 1280 px: one row per origin x target
// (cold p50, cold penalty, network RTT, warm p50/p99, cost, errors), the cold penalty chart with
// the network's share apart, the hidden cold start warning, and no table cut off on the right:
// a table fits its container, or sits in a deliberate horizontal scroll container whose first
// columns stay in view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { estimateCost } from '../bench/cost.js';
import { mergeRuns } from '../bench/merge.js';
import { coldPenaltyUs } from '../bench/results/derived.js';
import type { RunResults } from '../bench/results/types.js';
import { renderHtml } from '../bench/reporters/html.js';
import { msShort } from '../bench/reporters/format.js';
import { withDerivedNumbers } from '../bench/results/derived.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-html-glance-'));
const LONG = 'a-checkout-service-with-a-rather-long-name-behind-the-regional-load-balancer';
const SETUP = { dnsUs: 1_000, connectUs: 20_000, tlsUs: 40_000 };
let browser: Browser | undefined;
let report: OpenedReport;
let results: RunResults;

function originRun(origin: string, factor: number): RunResults {
  const run = fixtureRun([
    { name: 'lambda-fn', kind: 'lambda', cold: spread(300_000 * factor, 5), coldExtra: Array(5).fill({ billedDurationMs: 320, memorySizeMb: 512 }), warm: spread(15_000 * factor, 500) },
    { name: LONG, kind: 'cloud-function', cold: spread(900_000 * factor, 5), warm: spread(40_000 * factor, 500), warmErrors: 7 },
    { name: 'k8s-svc', kind: 'kubernetes', cold: spread(2_000_000 * factor, 3), warm: spread(4_000 * factor, 500) },
  ], { id: `run-${origin}`, origin });
  for (const t of run.targets) {
    t.cost = estimateCost(t);
    t.network = { rttUs: 20_000 * factor, host: 'example.test', port: 443, tls: true, samples: 5, connectUs: [20_000 * factor], tlsUs: [40_000 * factor], errors: 0 };
  }
  // The cold samples of the lambda carry their connection set-up; the others do not.
  for (const s of run.targets[0]!.phases.cold!.samples) Object.assign(s, SETUP);
  // The cloud function's warm phase met cold starts (tokyo only).
  if (origin === 'tokyo') Object.assign(run.targets[1]!.phases.warm!, { prewarm: 4, coldInWarm: 3, instances: 7 });
  return run;
}

before(async () => {
  browser = await launchBrowser();
  results = withDerivedNumbers(mergeRuns([originRun('tokyo', 1), originRun('frankfurt', 2)]));
  report = await openReport(browser, renderHtml(results), dir, 'glance.html', { width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('no request but the file, no console error', () => {
  assert.deepEqual(report.requests, [report.url]);
  assert.deepEqual(report.pageErrors, []);
  assert.deepEqual(report.consoleErrors, []);
});

test('the at-a-glance table comes first, one row per origin x target, with the numbers that decide', async () => {
  const { page } = report;
  const firstSection = await page.locator('main > section').first().getAttribute('id');
  assert.equal(firstSection, 'glance-section');
  assert.deepEqual(await page.locator('#glance thead th').allTextContents(), [
    'target', 'kind', 'cold p50 ms', 'cold penalty ms', 'network RTT ms', 'warm p50 ms', 'warm p99 ms', 'cost / 1M requests', 'errors / calls',
  ]);
  assert.equal(await page.locator('#glance tbody tr').count(), 6);
  const t = results.targets.find((x) => x.name === 'lambda-fn' && x.origin === 'frankfurt')!;
  const cells = await page.locator('#glance tbody tr').filter({ hasText: 'lambda-fn @ frankfurt' }).locator('th, td').allTextContents();
  assert.deepEqual(cells.slice(0, 7), [
    'lambda-fn @ frankfurt', 'lambda',
    msShort(t.phases.cold!.summary.p50Us), msShort(coldPenaltyUs(t)), '40.0',
    msShort(t.phases.warm!.summary.p50Us), msShort(t.phases.warm!.summary.p99Us),
  ]);
  assert.match(cells[7]!, /^\d+\.\d+ USD \(est\.\)$/);
  assert.equal(cells[8], `0 / ${5 + 500}`);
  const gcf = await page.locator('#glance tbody tr').filter({ hasText: `${LONG} @ tokyo` }).locator('td').last().textContent();
  assert.equal(gcf, `7 / ${5 + 507}`, 'errors of both phases over all calls');
});

test('a warm phase with cold starts inside is marked and warned about at the top', async () => {
  const { page } = report;
  const warnings = await page.locator('#glance-warnings li').allTextContents();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`^${LONG} @ tokyo: 3 cold starts inside the timed warm phase`));
  assert.equal(await page.locator('#glance tbody tr.warn').count(), 1);
  assert.match((await page.locator('#verdict').textContent())!, /cold starts inside 1 warm phase/);
  const summaryRow = page.locator('#summary tbody tr').filter({ hasText: `${LONG}` }).filter({ hasText: 'warm' }).filter({ hasText: 'tokyo' });
  const header = await page.locator('#summary thead th').allTextContents();
  const cells = await summaryRow.locator('td').allTextContents();
  assert.equal(cells[header.indexOf('cold in warm')], '3');
  assert.equal(cells[header.indexOf('rtt ms')], '20.000');
});

test('the cold penalty chart: one stacked bar per origin x target, the network share apart from the rest', async () => {
  const { page } = report;
  const rows = page.locator('#penalty-chart .penalty-row');
  assert.equal(await rows.count(), 6);
  const max = Math.max(...results.targets.map((t) => coldPenaltyUs(t)!));
  // lambda-fn @ tokyo: the network share is its cold samples' set-up (DNS + TCP + TLS).
  const row = rows.filter({ hasText: 'lambda-fn @ tokyo' });
  const t = results.targets.find((x) => x.name === 'lambda-fn' && x.origin === 'tokyo')!;
  const penalty = coldPenaltyUs(t)!;
  const setup = SETUP.dnsUs + SETUP.connectUs + SETUP.tlsUs;
  // (No named functions inside evaluate(): the test's transpiler would wrap them in a helper the page lacks.)
  const [track, network, rest] = await row.evaluate((node) =>
    ['.penalty-track', '.segment.network', '.segment.rest'].map((sel) => node.querySelector(sel)!.getBoundingClientRect().width),
  );
  const widths = { track: track!, network: network!, rest: rest! };
  assert.ok(Math.abs(widths.network / widths.track - setup / max) < 0.01, JSON.stringify(widths));
  assert.ok(Math.abs(widths.rest / widths.track - (penalty - setup) / max) < 0.01, JSON.stringify(widths));
  assert.match((await row.textContent())!, new RegExp(`network ${msShort(setup)} ms, rest ${msShort(penalty - setup)} ms`));
  assert.match((await row.getAttribute('title'))!, /connection set-up/);
  // k8s-svc has no timing split: its network share is the baseline RTT, and it says so.
  const k8s = rows.filter({ hasText: 'k8s-svc @ frankfurt' });
  assert.match((await k8s.textContent())!, /network 40\.0 ms/);
  assert.match((await k8s.getAttribute('title'))!, /baseline RTT/);
  const colours = await row.evaluate((node) => [node.querySelector('.segment.network')!, node.querySelector('.segment.rest')!].map((e) => getComputedStyle(e).backgroundColor));
  assert.notEqual(colours[0], colours[1], 'the two parts are told apart');
});

test('at 1280 px nothing is cut off on the right: tables fit, or scroll deliberately with the first columns in view', async () => {
  const { page } = report;
  assert.equal(page.viewportSize()!.width, 1280);
  const pageWidth = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(pageWidth[0]! <= pageWidth[1]!, `the page itself does not scroll sideways: ${pageWidth}`);
  const tables = await page.locator('table.data').evaluateAll((all) =>
    all.filter((t) => (t as HTMLElement).offsetParent !== null).map((t) => {
      const box = t.parentElement!;
      const hidden: string[] = [];
      for (let e: HTMLElement | null = box; e; e = e.parentElement) if (getComputedStyle(e).overflowX === 'hidden' || getComputedStyle(e).overflowX === 'clip') hidden.push(e.tagName);
      return { id: t.id || t.className, scroll: box.classList.contains('scroll'), overflowX: getComputedStyle(box).overflowX, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, hidden };
    }),
  );
  assert.ok(tables.length >= 4, JSON.stringify(tables));
  for (const t of tables) {
    assert.deepEqual(t.hidden, [], `${t.id}: no container clips it`);
    if (t.scrollWidth > t.clientWidth) {
      assert.ok(t.scroll && t.overflowX === 'auto', `${t.id} is wider than its container (${t.scrollWidth} > ${t.clientWidth}) outside a scroll container`);
    }
  }
  const glance = tables.find((t) => t.id === 'glance')!;
  assert.ok(glance.scrollWidth <= glance.clientWidth, `the at-a-glance table fits the page: ${glance.scrollWidth} <= ${glance.clientWidth}`);

  // The summary scrolls sideways; scrolled to its end, origin and target are still in view.
  const summary = tables.find((t) => t.id === 'summary')!;
  assert.ok(summary.scrollWidth > summary.clientWidth, 'the summary is wider than the page here (the case under test)');
  const pinned = await page.locator('#summary').evaluate((table) => {
    const box = table.parentElement!;
    box.scrollLeft = box.scrollWidth;
    const frame = box.getBoundingClientRect();
    const row = table.querySelector('tbody tr')!;
    const cells = [row.children[0]!, row.children[1]!].map((c) => c.getBoundingClientRect());
    const last = row.lastElementChild!.getBoundingClientRect();
    return { frame: [frame.left, frame.right], cells: cells.map((c) => [c.left, c.right]), last: [last.left, last.right], scrolled: box.scrollLeft };
  });
  assert.ok(pinned.scrolled > 0);
  for (const [left, right] of pinned.cells) assert.ok(left! >= pinned.frame[0]! - 0.5 && right! <= pinned.frame[1]! + 0.5, JSON.stringify(pinned));
  assert.ok(pinned.cells[1]![0]! >= pinned.cells[0]![1]! - 0.5, 'target beside origin, not under it');
  assert.ok(pinned.last[1]! <= pinned.frame[1]! + 0.5, 'the last column is reachable');
});

test('the verdict shows the hidden cold starts as a warning, not as a pass', async () => {
  const verdict = report.page.locator('#verdict');
  assert.match((await verdict.getAttribute('class'))!, /\bwarn\b/);
});
