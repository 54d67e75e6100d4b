// End to end through the CLI: `warm.rate` runs the open model (schedule accounting in
// results.json), and every cold sample carries its timing split in samples.csv after the
// contract's columns, empty where a phase did not happen.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { SAMPLE_COLUMNS } from '../bench/reporters/csv.js';
import type { RunResults } from '../bench/results/types.js';
import { listenOnLoopback, runColdbench } from './helpers/servers.js';


let server: http.Server;
let url = '';
let dir = '';

before(async () => {
  server = http.createServer((_req, res) => res.end('ok'));
  url = `http://127.0.0.1:${await listenOnLoopback(server)}/`;
  dir = mkdtempSync(path.join(tmpdir(), 'coldbench-open-e2e-'));
});

after(() => {
  server.closeAllConnections();
  server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('warm.rate runs the open model and cold samples carry the timing split', async () => {
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: open
    kind: http
    url: ${url}
    cold:
      samples: 3
      strategy: none
    warm:
      rate: 200
      duration: 1s
      maxConnections: 4
`,
  );
  const out = path.join(dir, 'report');
  const cli = await runColdbench(['run', file, '--out', out, '--quiet'], { timeoutMs: 60_000 });
  assert.equal(cli.code, 0, cli.stderr);

  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const warm = results.targets[0]!.phases.warm!;
  assert.equal(warm.model, 'open');
  assert.equal(warm.rate, 200);
  assert.equal(warm.scheduled, 200, '200 requests/s for 1 s');
  assert.equal(warm.sent! + warm.dropped!, warm.scheduled, 'scheduled = sent + dropped');
  assert.equal(warm.requests, warm.sent);
  assert.equal(warm.summary.count + warm.summary.errors, warm.requests);
  assert.ok(warm.connections! >= 1 && warm.connections! <= 4, `connections ${warm.connections} within maxConnections`);
  assert.ok(warm.summary.p50Us > 0, 'a loopback latency is never 0');

  const csv = readFileSync(path.join(out, 'samples.csv'), 'utf8');
  const header = csv.split('\n')[0]!.split(',');
  assert.deepEqual(header.slice(0, SAMPLE_COLUMNS.length), [...SAMPLE_COLUMNS], "the contract's columns come first");
  const split = ['dns_ms', 'connect_ms', 'tls_ms', 'ttfb_ms'];
  for (const column of split) assert.ok(header.indexOf(column) >= SAMPLE_COLUMNS.length, `${column} follows the contract's columns`);
  const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
  assert.equal(rows.length, 3);
  for (const row of rows) {
    assert.equal(row.dns_ms, '', 'no DNS lookup for 127.0.0.1: empty, not 0');
    assert.equal(row.tls_ms, '', 'no TLS over http: empty, not 0');
    assert.match(row.connect_ms!, /^\d+\.\d{3}$/, 'each cold sample opened a connection');
    assert.match(row.ttfb_ms!, /^\d+\.\d{3}$/);
    assert.ok(Number(row.connect_ms) + Number(row.ttfb_ms) <= Number(row.latency_ms), 'the phases fit in the latency');
  }
});
