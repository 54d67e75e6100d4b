// keepalive: against a local service that evicts an idle instance after 1.5 s: a request 0.5 s after
// a warm one is never cold, one 3 s after is always cold (verified by the instance id, as cold
// samples are); keepalive.csv has the contract's columns, the Wilson interval around each share.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { runColdbench, startHttpService } from './helpers/servers.js';
import { KEEPALIVE_COLUMNS } from '../bench/reporters/experiments-csv.js';
import { wilsonInterval } from '../bench/experiments/wilson.js';
import type { RunResults } from '../bench/results/types.js';

test('Wilson 95% intervals: 0 of 3 and 3 of 3 are not certainties; the interval holds p', () => {
  const none = wilsonInterval(0, 3)!;
  assert.deepEqual([none.p, none.low], [0, 0]);
  assert.ok(Math.abs(none.high - 0.5615) < 1e-4, `0/3 high ${none.high}`);
  const all = wilsonInterval(3, 3)!;
  assert.deepEqual([all.p, all.high], [1, 1]);
  assert.ok(Math.abs(all.low - 0.4385) < 1e-4, `3/3 low ${all.low}`);
  const half = wilsonInterval(10, 20)!;
  assert.ok(Math.abs(half.low - 0.2993) < 1e-4 && Math.abs(half.high - 0.7007) < 1e-4, `${half.low} ${half.high}`);
  assert.equal(wilsonInterval(0, 0), null);
});

test('a service evicting idle instances after 1.5 s: cold share 0 at a 0.5 s gap and 1 at a 3 s gap', async () => {
  // The gaps are the experiment itself (the one place a test waits a fixed time); margins of 1 s
  // and 1.5 s either side of the eviction keep a loaded machine from deciding the outcome.
  const service = await startHttpService({ name: 'evicting', idle: 1500 });
  after(() => service.stop());
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-keepalive-'));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: evicting
    kind: http
    region: local
    url: ${service.url}
    cold: { samples: 1, strategy: none, instanceHeader: x-instance-id }
    warm: false
    keepalive: { idle: [3s, 500ms], samples: 3 }
`,
  );
  const out = path.join(dir, 'report');
  const { code, stderr } = await runColdbench(['run', file, '--out', out, '--quiet'], { timeoutMs: 120_000 });
  assert.equal(code, 0, stderr);

  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const gaps = results.targets[0]!.experiments?.keepalive?.gaps;
  assert.ok(gaps, 'results.json has the keepalive gaps');
  assert.deepEqual(gaps.map((g) => g.idleMs), [500, 3000], 'gaps in ascending order');
  const [short, long] = gaps;
  assert.deepEqual([short!.samples, short!.cold, short!.pCold, short!.unverified, short!.errors], [3, 0, 0, 0, 0]);
  assert.deepEqual([long!.samples, long!.cold, long!.pCold, long!.unverified, long!.errors], [3, 3, 1, 0, 0]);
  assert.ok(long!.requests.every((r) => r.cold === true && r.status === 200));
  assert.ok(service.starts >= 4, `every sample after 3 s started an instance (${service.starts} starts)`);

  const rows = parse(readFileSync(path.join(out, 'keepalive.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(rows[0]!).slice(0, KEEPALIVE_COLUMNS.length), ['origin', 'target', 'kind', 'region', 'idle_s', 'samples', 'cold', 'p_cold', 'ci_low', 'ci_high']);
  assert.deepEqual(
    rows.map((r) => [r.target, r.idle_s, r.samples, r.cold, r.p_cold, r.ci_low, r.ci_high]),
    [
      ['evicting', '0.5', '3', '0', '0', '0', '0.5615'],
      ['evicting', '3', '3', '3', '1', '0.4385', '1'],
    ],
  );
});
