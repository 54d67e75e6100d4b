// Headless Chromium (Debian's `chromium`, driven by playwright-core) for the report.html tests.
// Every page is opened from a file:// URL, as a user opens a report, with its console, page
// errors and every request recorded.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HANG_MS } from './wait.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface OpenedReport {
  page: Page;
  url: string;
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
}

/** Write `html` to `dir/name` and open it (in a 1200 x 900 viewport unless told); resolves once the
 *  client script has rendered. */
export async function openReport(browser: Browser, html: string, dir: string, name = 'report.html', viewport = { width: 1200, height: 900 }): Promise<OpenedReport> {
  const file = path.join(dir, name);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const opened: OpenedReport = { page, url, consoleErrors: [], pageErrors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => opened.pageErrors.push(e.message));
  context.on('request', (r) => opened.requests.push(r.url()));
  // Hang bounds only (a loaded machine renders slowly): the page's own event is what is waited for.
  await page.goto(url, { waitUntil: 'load', timeout: HANG_MS });
  await page.waitForSelector('body[data-rendered="true"]', { timeout: HANG_MS });
  return opened;
}
