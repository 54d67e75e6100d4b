// report.html: one self-contained file that opens offline. The page is a static skeleton; every
// value (including all text from the target file) travels in one JSON island, already formatted
// by html-view.ts, and is put on the page by html-client.js through textContent only. uPlot is inlined from node_modules. A Content
// Security Policy allows exactly the two inline scripts (by hash) and no network access at all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportModel, type ReportModel } from '../report-model/model.js';
import type { RunResults } from '../results/types.js';
import { htmlView, type HtmlView } from './html-view.js';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The JSON island: the results (without the browser-useless base64 histograms), the percentile
 *  curves, and the view: every text of the page, ready-made. */
export interface ReportData {
  results: RunResults;
  percentiles: readonly number[];
  /** Per target (index into results.targets): latency in µs at each of `percentiles`, or null. */
  rows: Array<{ index: number; cold: number[] | null; warm: number[] | null }>;
  generatedAt: string;
  view: HtmlView;
}

export function reportData(model: ReportModel): ReportData {
  const { results } = model;
  const slim: RunResults = {
    ...results,
    targets: results.targets.map((t) => ({
      ...t,
      phases: Object.fromEntries(Object.entries(t.phases).map(([k, v]) => [k, v ? { ...v, histogram: '' } : v])),
    })),
  };
  return {
    results: slim,
    percentiles: model.percentiles,
    rows: model.targets.map((t) => ({ index: t.index, cold: t.coldCurve, warm: t.warmCurve })),
    generatedAt: model.generatedAt,
    view: htmlView(model),
  };
}

/** JSON safe inside <script type="application/json">: no `<` (so no `</script>` or `<!--`), and
 *  no U+2028/2029 surprises. JSON.parse gives back the same text. */
export function jsonIsland(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Script text safe to inline: a literal `</script` inside it would end the element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

let assets: { uplotJs: string; uplotCss: string; clientJs: string; css: string } | undefined;
function loadAssets() {
  assets ??= {
    uplotJs: inlineScript(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8').replace(/<\//g, '<\\/'),
    // One inline script (one CSP hash): the at-a-glance part and the cost chart first, then the
    // client that calls them.
    clientJs: inlineScript(['html-client-glance.js', 'html-client-cost.js', 'html-client-experiments.js', 'html-client-sweep.js', 'html-client.js'].map((f) => readFileSync(path.join(HERE, f), 'utf8')).join('\n')),
    css: readFileSync(path.join(HERE, 'html-styles.css'), 'utf8').replace(/<\//g, '<\\/'),
  };
  return assets;
}

/** report.html of one results.json. */
export function renderHtml(results: RunResults): string {
  return htmlReport(buildReportModel(results));
}

export function htmlReport(model: ReportModel): string {
  const { uplotJs, uplotCss, clientJs, css } = loadAssets();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(uplotJs)} ${sha256(clientJs)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>coldbench report</title>
<style>${uplotCss}</style>
<style>${css}</style>
</head>
<body>
<header>
  <h1>coldbench report</h1>
  <p id="verdict" class="verdict" role="status"></p>
  <dl id="meta" class="meta"></dl>
</header>
<main>
  <section id="glance-section">
    <h2>At a glance</h2>
    <p class="note">One row per origin &times; target. Cold penalty = cold p50 &minus; warm p50; network RTT = the fastest TCP connect to the data-plane host, measured before the cold phase without any request.</p>
    <div id="glance-warnings" class="warnings" role="note"></div>
    <div class="fit"><table id="glance" class="data"></table></div>
    <div id="penalty-chart" class="penalty"></div>
  </section>
  <section id="summary-section">
    <h2>Summary</h2>
    <p class="note">Every origin &times; target &times; phase. Times in milliseconds. Click a column heading to sort. When it is wider than the page, scroll it sideways: origin and target stay in view.</p>
    <div class="scroll"><table id="summary" class="data sortable"></table></div>
  </section>
  <section id="compare-section">
    <h2>Comparison across targets</h2>
    <div id="compare-bars"></div>
  </section>
  <section id="matrix-section" hidden>
    <h2>Origin &times; target</h2>
    <p class="note">p50 / p95 in milliseconds, one column per origin the load came from.</p>
    <div class="scroll"><table id="matrix" class="data"></table></div>
  </section>
  <section id="targets-section">
    <h2>Targets</h2>
    <div id="targets"></div>
  </section>
  <section id="experiments-section" hidden>
    <h2>Experiments</h2>
    <div id="experiments"></div>
  </section>
  <section id="sweep-section" hidden>
    <h2>Sweeps</h2>
    <div id="sweeps"></div>
  </section>
  <section id="cost-section">
    <h2>Cost (estimate)</h2>
    <p id="cost-note" class="note"></p>
    <div class="scroll"><table id="cost" class="data"></table></div>
  </section>
  <section id="cost-growth-section">
    <h2>Cost as traffic grows</h2>
    <p id="cost-growth-note" class="note"></p>
    <div class="cost-growth">
      <div id="cost-growth-chart" class="chart cost-growth-chart"></div>
      <aside id="cost-growth-cold" class="cost-growth-cold"></aside>
    </div>
    <h3>Break-even points</h3>
    <ul id="cost-growth-crossings" class="crossings"></ul>
    <ul id="cost-growth-unpriced" class="note unpriced"></ul>
  </section>
  <section id="thresholds-section">
    <h2>Thresholds</h2>
    <div class="scroll"><table id="thresholds" class="data"></table></div>
  </section>
</main>
<footer><p id="footer" class="note"></p></footer>
<script type="application/json" id="data">${jsonIsland(reportData(model))}</script>
<script>${uplotJs}</script>
<script>${clientJs}</script>
</body>
</html>
`;
}
