// report.html as a file: self-contained, every inline script allowed by hash and nothing else,
// and the JSON island cannot be broken out of by text from the target file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { jsonIsland, renderHtml } from '../bench/reporters/html.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';

const HOSTILE = '</script><script>window.__pwned=1</script><!--';
const results = fixtureRun([
  { name: HOSTILE, region: '<b>eu</b>', cold: [200_000, 250_000], warm: spread(10_000, 100) },
  { name: 'ok', warm: spread(5_000, 100) },
]);
const html = renderHtml(results);

test('the island holds the hostile name as data: three script elements, no early end', () => {
  assert.equal(html.match(/<\/script>/g)?.length, 3, 'only the three real script elements close');
  assert.equal(html.match(/<script[\s>]/g)?.length, 3);
  assert.ok(!html.includes('window.__pwned=1</script>'));
  const island = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  assert.ok(!island.includes('<'), 'no < at all inside the island');
  const data = JSON.parse(island);
  assert.equal(data.results.targets[0].name, HOSTILE);
  assert.equal(data.results.targets[0].region, '<b>eu</b>');
  assert.equal(JSON.parse(jsonIsland({ s: '\u2028<>&' })).s, '\u2028<>&');
});

test('nothing is loaded from anywhere: no src, href, link, import or url() in the markup', () => {
  const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
  assert.doesNotMatch(markup, /\ssrc=|\shref=|<link|<img|<iframe|@import|url\(/i);
  assert.ok(!/<script[^>]+src=/.test(html));
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.length < 400_000, `self-contained but not bloated (${html.length} bytes)`);
});

test('the Content-Security-Policy forbids every fetch and allows exactly the inline scripts by hash', () => {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'CSP meta present');
  assert.match(csp!, /default-src 'none'/);
  assert.match(csp!, /connect-src 'none'/);
  assert.doesNotMatch(csp!, /unsafe-inline'[^;]*script|script-src[^;]*unsafe/);
  const hashes = [...csp!.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => createHash('sha256').update(m[1]!, 'utf8').digest('base64'));
  assert.equal(scripts.length, 2);
  assert.deepEqual(hashes.sort(), scripts.sort());
});

test('the charts get percentile distributions computed from the histograms', () => {
  const island = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  const data = JSON.parse(island);
  assert.equal(data.percentiles[0], 0);
  assert.equal(data.percentiles.at(-1), 100);
  const row = data.rows[0];
  assert.equal(row.cold.length, data.percentiles.length);
  const summary = results.targets[0]!.phases.cold!.summary;
  assert.equal(row.cold[0], summary.minUs, 'the curve starts at the minimum');
  assert.equal(row.cold.at(-1), summary.maxUs, 'and ends at the maximum');
  assert.ok(summary.minUs > 199_000 && summary.maxUs < 251_000);
  assert.equal(data.rows[1].cold, null, 'a target without cold phase has no cold curve');
  assert.equal(data.results.targets[0].phases.warm.histogram, '', 'base64 histograms stay out of the page');
});
