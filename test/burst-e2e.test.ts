// burst: against a local service that serves one request per instance (concurrency 1, as Lambda
// or Cloud Run at containerConcurrency 1): a burst of 8 on the service forced cold is answered by 8
// distinct instances, every request verified cold; summary.csv has a burst-<N> row per size.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { runColdbench, startHttpService, startServer, until } from './helpers/servers.js';
import { SUMMARY_COLUMNS } from '../bench/reporters/csv.js';
import type { RunResults } from '../bench/results/types.js';

test('a burst of 8 on a one-request-per-instance service forced cold is served by 8 distinct instances', async () => {
  // The answer takes long enough that the burst's requests are all in flight together on any machine.
  const service = await startHttpService({ name: 'one-each', idle: 200, latency: 300, concurrency: 1 });
  after(() => service.stop());
  // The cold strategy's command waits for the state "no instance left" (the emulator reaps idle ones).
  const control = await startServer((_req, res) => {
    until('every instance reaped', () => service.instances === 0).then(
      () => res.end('cold'),
      () => res.writeHead(500).end('still warm'),
    );
  });
  after(() => control.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-burst-'));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: one-each
    kind: http
    region: local
    url: ${service.url}
    cold:
      samples: 1
      strategy: command
      command: node -e "fetch('${control.url}').then((r) => process.exit(r.ok?0:1))"
      instanceHeader: x-instance-id
    warm: false
    burst: { sizes: [8, 1], samples: 1 }
`,
  );
  const out = path.join(dir, 'report');
  const { code, stderr } = await runColdbench(['run', file, '--out', out, '--quiet'], { timeoutMs: 120_000 });
  assert.equal(code, 0, stderr);

  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const burst = results.targets[0]!.experiments?.burst;
  assert.ok(burst, 'results.json has the burst');
  assert.equal(burst.strategy, 'command');
  assert.deepEqual(burst.sizes.map((s) => s.size), [1, 8], 'sizes in ascending order');
  const eight = burst.sizes[1]!;
  assert.equal(eight.bursts.length, 1);
  const [only] = eight.bursts;
  assert.equal(only!.requests.length, 8);
  assert.ok(only!.requests.every((r) => r.status === 200 && r.error === null), 'every request answered');
  assert.equal(only!.instances, 8, 'eight distinct instances');
  assert.equal(new Set(only!.requests.map((r) => r.instance)).size, 8);
  assert.equal(only!.coldStarts, 8, 'each of them a verified cold start');
  assert.ok(only!.requests.every((r) => r.cold === true));
  assert.equal(eight.summary.count, 8);
  assert.equal(burst.sizes[0]!.bursts[0]!.instances, 1);

  const rows = parse(readFileSync(path.join(out, 'summary.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const header = Object.keys(rows[0]!);
  assert.deepEqual(header.slice(0, SUMMARY_COLUMNS.length), [...SUMMARY_COLUMNS], "the contract's columns first");
  assert.deepEqual(rows.map((r) => r.phase), ['cold', 'burst-1', 'burst-8']);
  const row8 = rows.find((r) => r.phase === 'burst-8')!;
  assert.equal(row8.samples, '8');
  assert.equal(row8.errors, '0');
  assert.equal(row8.burst_size, '8');
  assert.equal(row8.burst_instances, '8');
  assert.equal(row8.burst_cold_starts, '8');
  assert.ok(Number(row8.p50_ms) >= 300, `a burst request includes the 300 ms answer: ${row8.p50_ms}`);
});
