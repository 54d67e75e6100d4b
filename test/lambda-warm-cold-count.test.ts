// Lambda's invoke-model warm phase: every warm call asks for the log tail, so the platform's own
// word (Init Duration) counts the execution environments started inside the timed phase. After the
// cold phase one environment of the new configuration is warm: three workers need two more. The
// pre-warm (default: the workers) starts them before the clock; with `prewarm: 0` they are counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTargetFile } from '../bench/config/load.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-warm-count-'));

before(async () => {
  lambda = await startLambdaForTest();
});
after(async () => {
  await lambda?.stop();
});

async function run(name: string, prewarm: string) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `targets:
  - name: ${name}
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: hello
    cold: { samples: 1, pollInterval: 50ms, waitTimeout: 10s }
    warm: { requests: 150, connections: 3${prewarm} }
`,
  );
  const logs: string[] = [];
  const progress = { ...silentProgress, log: (m: string) => logs.push(m) };
  const outcome = await runConfig(loadTargetFile(file), { out: path.join(dir, name), progress, signal: new AbortController().signal });
  assert.equal(outcome.exitCode, 0, logs.join('\n'));
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'ok', target.failure);
  return { target, logs: logs.join('\n') };
}

test('pre-warmed: the environments the three workers need exist before the clock; none starts inside', async () => {
  const { target, logs } = await run('prewarmed', '');
  const warm = target.phases.warm!;
  assert.equal(warm.model, 'invoke');
  assert.equal(warm.prewarm, 3);
  assert.equal(warm.coldInWarm, 0, logs);
  assert.equal(warm.instances, null, 'Lambda names no execution environment');
  assert.match(logs, /pre-warm: 3 concurrent requests x \d rounds?, 2 instances started/);
  // The baseline: the Invoke API endpoint's host, TCP only.
  const endpoint = new URL(lambda.endpoint);
  assert.equal(target.network?.host, endpoint.hostname);
  assert.equal(target.network?.port, Number(endpoint.port));
  assert.equal(target.network?.errors, 0);
  assert.ok(typeof target.network?.rttUs === 'number');
});

test('prewarm: 0: the two environments started inside the timed phase are counted by their Init Duration', async () => {
  const { target, logs } = await run('not-prewarmed', ', prewarm: 0');
  const warm = target.phases.warm!;
  assert.equal(warm.prewarm, 0);
  assert.equal(warm.coldInWarm, 2, logs);
  assert.match(logs, /⚠ not-prewarmed: 2 cold starts inside the timed warm phase/);
});
