// warm.stages end to end: the open model replays the stages with intended-time accounting and
// counts the cold starts of each stage. The service evicts an instance idle for 250 ms: at 20 req/s
// (50 ms apart) it stays warm; after a step down to 1 req/s every request but the first finds it gone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runColdbench, startHttpService } from './helpers/servers.js';
import type { RunResults } from '../bench/results/types.js';

test('warm.stages: requests per stage as scheduled, cold starts counted in the stage that saw them', async () => {
  const service = await startHttpService({ name: 'evicting', idle: 250 });
  after(() => service.stop());
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-stages-'));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: staged
    kind: http
    region: local
    url: ${service.url}
    cold: { samples: 1, strategy: none, instanceHeader: x-instance-id }
    warm:
      stages:
        - { rate: 20, duration: 1s }
        - { rate: 1, duration: 0s }
        - { rate: 1, duration: 3s }
`,
  );
  const out = path.join(dir, 'report');
  const { code, stderr } = await runColdbench(['run', file, '--out', out, '--quiet'], { timeoutMs: 120_000 });
  assert.equal(code, 0, stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const warm = results.targets[0]!.phases.warm!;
  assert.equal(warm.model, 'open');
  assert.equal(warm.scheduled, 23);
  assert.equal(warm.sent, 23);
  assert.equal(warm.dropped, 0);
  assert.equal(warm.rate, 5.75, 'the mean rate: 23 requests in 4 s');
  const stages = warm.stages!;
  assert.deepEqual(stages.map((s) => [s.startMs, s.durationMs, s.fromRate, s.toRate, s.scheduled]), [
    [0, 1000, 20, 20, 20],
    [1000, 0, 20, 1, 0],
    [1000, 3000, 1, 1, 3],
  ]);
  assert.equal(stages.reduce((sum, s) => sum + s.sent, 0), 23);
  assert.deepEqual(stages.map((s) => s.errors), [0, 0, 0]);
  // At 1.0 s the instance last served at 0.95 s is still there; at 2.0 s and 3.0 s it is gone.
  assert.deepEqual(stages.map((s) => s.coldStarts), [0, 0, 2]);
  assert.equal(warm.coldInWarm, 2);
});

test('warm.stages: a bad profile is one clear error naming the field (exit 2)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-stages-bad-'));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: staged
    kind: http
    url: http://127.0.0.1:9/
    warm:
      rate: 10
      stages: [{ rate: 20, duration: 1s }]
  - name: traced
    kind: http
    url: http://127.0.0.1:9/
    warm: { trace: { file: missing.csv } }
`,
  );
  const { code, stderr } = await runColdbench(['run', file, '--quiet'], { timeoutMs: 60_000 });
  assert.equal(code, 2);
  assert.match(stderr, /targets\.yaml:6: targets\[0\]\.warm\.rate: not used with warm\.stages/);
  assert.match(stderr, /targets\.yaml:11: targets\[1\]\.warm\.trace\.file: missing\.csv: file not found/);
});
