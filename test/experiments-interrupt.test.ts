// Ctrl-C during an experiment: the run stops inside a long keepalive gap at once, keeps the gaps
// already measured (results.json, marked partial, exit 130), and a kill -9 loses none of them
// either: the checkpoint carries the experiments measured so far, and a rebuild finds them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTargetFile } from '../bench/config/load.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { rebuildFromCheckpoint } from '../bench/results/rebuild.js';
import { startHttpService, withinHangBound } from './helpers/servers.js';

test('Ctrl-C in a 30 s keepalive gap ends the run at once with the gaps measured before it', async () => {
  const service = await startHttpService({ name: 'kept', idle: 60_000 });
  after(() => service.stop());
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-experiments-interrupt-'));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: kept
    kind: http
    url: ${service.url}
    cold: { samples: 1, strategy: none, instanceHeader: x-instance-id }
    warm: false
    keepalive: { idle: [100ms, 30s], samples: 2 }
`,
  );
  const controller = new AbortController();
  const progress = {
    ...silentProgress,
    // The state waited for: the experiment says it is in the long gap.
    status: (message: string) => {
      if (/keepalive: idle 30s/.test(message)) controller.abort();
    },
  };
  const out = path.join(dir, 'out');
  const started = Date.now();
  const outcome = await withinHangBound(runConfig(loadTargetFile(file), { out, progress, signal: controller.signal }), 'the interrupted run', 25_000);
  assert.ok(Date.now() - started < 25_000, 'did not sit out the 30 s gap');
  assert.equal(outcome.exitCode, 130);
  assert.equal(outcome.results.run.partial, true);
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'partial');
  const gaps = target.experiments?.keepalive?.gaps ?? [];
  assert.deepEqual(gaps.map((g) => [g.idleMs, g.samples, g.cold]), [[100, 2, 0]], 'the short gap measured, the long one not');

  // kill -9 before the target finished: only the records written while measuring are left.
  const lines = readFileSync(path.join(out, 'checkpoint.ndjson'), 'utf8').split('\n').filter((l) => !l.includes('"type":"target"'));
  const rebuilt = rebuildFromCheckpoint(lines.join('\n'), 'checkpoint.ndjson');
  const partial = rebuilt.targets[0]!;
  assert.equal(partial.status, 'partial');
  assert.deepEqual(partial.experiments?.keepalive?.gaps.map((g) => [g.idleMs, g.samples, g.cold]), [[100, 2, 0]]);
});
