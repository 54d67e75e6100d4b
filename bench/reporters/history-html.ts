// history.html: as self-contained and safe as report.html. A static skeleton; the view (every
// text ready-made by history-view.ts, and the chart data) travels in one JSON island and
// history-client.js puts it on the page through textContent only; uPlot is inlined; the Content
// Security Policy allows exactly the two inline scripts (by hash) and no network access at all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryModel } from '../history/model.js';
import { historyView } from './history-view.js';
import { jsonIsland } from './html.js';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Script text safe to inline: a literal `</script` inside it would end the element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

let assets: { uplotJs: string; css: string; clientJs: string } | undefined;
function loadAssets() {
  assets ??= {
    uplotJs: inlineScript(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')),
    css: [
      readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
      readFileSync(path.join(HERE, 'html-styles.css'), 'utf8'),
      readFileSync(path.join(HERE, 'history-styles.css'), 'utf8'),
    ]
      .join('\n')
      .replace(/<\//g, '<\\/'),
    clientJs: inlineScript(readFileSync(path.join(HERE, 'history-client.js'), 'utf8')),
  };
  return assets;
}

export function renderHistoryHtml(model: HistoryModel): string {
  const { uplotJs, css, clientJs } = loadAssets();
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
<title>coldbench history</title>
<style>${css}</style>
</head>
<body>
<header>
  <h1>coldbench history</h1>
  <p id="verdict" class="verdict" role="status"></p>
  <dl id="meta" class="meta"></dl>
</header>
<main>
  <section id="series-section">
    <h2>Over time</h2>
    <p id="series-note" class="note"></p>
    <div id="series"></div>
  </section>
  <section id="time-section" hidden>
    <h2>Time of day and day of week</h2>
    <p id="time-note" class="note"></p>
    <div id="time"></div>
  </section>
</main>
<footer><p id="footer" class="note"></p></footer>
<script type="application/json" id="data">${jsonIsland({ view: historyView(model) })}</script>
<script>${uplotJs}</script>
<script>${clientJs}</script>
</body>
</html>
`;
}
