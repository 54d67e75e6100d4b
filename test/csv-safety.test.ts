// CSV cells are formula-safe: target-file text starting with =, +, -, @ (tab, CR) is prefixed with
// ' in summary.csv and samples.csv, so a spreadsheet shows it as text; numbers stay numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runColdbench, startServer, type FixtureServer } from './helpers/servers.js';

let dir = '';
let server: FixtureServer;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-csv-'));
  server = await startServer((_req, res) => res.writeHead(200, { 'x-instance-id': '=1+2' }).end('ok'));
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** RFC 4180 parser (quoted cells, doubled quotes, commas and newlines inside quotes). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  const [header, ...body] = rows;
  assert.ok(header);
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

const DANGEROUS = ['=HYPERLINK("http://evil.invalid","click")', '+1', '-1', '@SUM(A1:A2)', '=cmd|\' /C calc\'!A0'];

test('target-file text that looks like a formula is prefixed in summary.csv and samples.csv', async () => {
  const file = path.join(dir, 'formulas.yaml');
  const out = path.join(dir, 'out');
  const targets = DANGEROUS.map(
    (name, i) => `  - name: ${JSON.stringify(name)}\n    kind: http\n    region: ${JSON.stringify(i === 0 ? '-eu-west-1' : 'local')}\n    url: ${server.url}\n    cold: { samples: 2, instanceHeader: x-instance-id }\n    warm: { requests: 5, connections: 1 }\n`,
  );
  writeFileSync(file, `targets:\n${targets.join('')}`);
  const result = await runColdbench(['run', file, '--out', out]);
  assert.equal(result.code, 0, result.stderr);

  const summary = parseCsv(readFileSync(path.join(out, 'summary.csv'), 'utf8'));
  const samples = parseCsv(readFileSync(path.join(out, 'samples.csv'), 'utf8'));
  assert.equal(summary.length, DANGEROUS.length * 2, 'a cold and a warm row per target');
  assert.equal(samples.length, DANGEROUS.length * 2, 'two cold samples per target');
  for (const name of DANGEROUS) {
    const rows = [...summary.filter((r) => r.target === `'${name}`), ...samples.filter((r) => r.target === `'${name}`)];
    assert.equal(rows.length, 4, `${name} appears prefixed with ' in every row`);
  }
  for (const rows of [summary, samples]) {
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        assert.doesNotMatch(value, /^[=+@\t\r]/, `${column} cell ${JSON.stringify(value)} could run as a formula`);
        if (value.startsWith('-')) assert.match(value, /^-\d+(\.\d+)?$/, `${column}: only numbers may start with -`);
      }
    }
  }
  assert.equal(summary.filter((r) => r.region === "'-eu-west-1").length, 2, 'the region is prefixed too');
  assert.equal(samples.filter((r) => r.instance === "'=1+2").length, samples.length, 'a value from the target (instance header) too');
  // Numbers stay numbers: latency and counts are not prefixed.
  for (const row of samples) assert.match(row.latency_ms ?? '', /^\d+\.\d{3}$/);
  for (const row of summary) assert.match(row.samples ?? '', /^\d+$/);
});
