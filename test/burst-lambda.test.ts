// burst: on Lambda (the local emulator: one request per execution environment, reserved concurrency
// answered with 429 TooManyRequestsException): the environments a burst started are counted by
// their Init Duration (Lambda names no instance), and what the platform throttled is an error of
// kind `throttled`; the function's configuration is restored afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { loadTargetFile } from '../bench/config/load.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-burst-lambda-'));

before(async () => {
  lambda = await startLambdaForTest({
    functions: [{ name: 'limited', handler: 'hello.handler', reservedConcurrency: 3, environment: { GREETING: 'hi' } }],
  });
});
after(async () => {
  await lambda?.stop();
});

test('a burst of 5 on a function with reserved concurrency 3: 3 environments started (Init Duration), 2 throttled', async () => {
  const file = path.join(dir, 'burst.yaml');
  writeFileSync(
    file,
    `targets:
  - name: limited
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: limited
    payload: { sleepMs: 500 }
    cold: { strategy: update-config, samples: 1, pollInterval: 50ms, waitTimeout: 10s }
    warm: false
    burst: { sizes: [5], samples: 1 }
`,
  );
  const logs: string[] = [];
  const progress = { ...silentProgress, log: (m: string) => logs.push(m) };
  const outcome = await runConfig(loadTargetFile(file, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }), { out: path.join(dir, 'out'), progress, signal: new AbortController().signal });
  assert.equal(outcome.exitCode, 0, logs.join('\n'));
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'ok', target.failure);
  const size = target.experiments?.burst?.sizes[0];
  assert.ok(size, logs.join('\n'));
  const burst = size.bursts[0]!;
  assert.equal(burst.requests.length, 5);
  assert.deepEqual(size.errorsByKind, { throttled: 2 }, JSON.stringify(burst.requests.map((r) => [r.status, r.error])));
  assert.equal(size.summary.count, 3);
  assert.equal(burst.instances, null, 'Lambda names no execution environment');
  assert.equal(burst.coldStarts, 3, 'three Init Durations');
  assert.ok(burst.requests.filter((r) => r.error === null).every((r) => r.cold === true && r.initUs !== null));
  assert.ok(burst.controlPlaneUs !== null && burst.controlPlaneUs > 0, 'forced cold by a configuration update');

  const client = new LambdaClient({ region: lambda.region, endpoint: lambda.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'limited' }));
  client.destroy();
  assert.deepEqual(config.Environment?.Variables, { GREETING: 'hi' }, 'the original environment is back');
});
