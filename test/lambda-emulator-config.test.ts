// The emulator's configuration behaviours the adapter must read before it changes anything: an
// environment encrypted with a KMS key the caller may not use reads as Environment.Error (no
// Variables); JSON logs with SystemLogLevel WARN carry no platform.report in the log tail; and the
// server counts connections and mutating calls (what the adapter tests assert against).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { parseReport } from '../bench/adapters/lambda-report.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
let client: LambdaClient;
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

before(async () => {
  lambda = await startLambdaForTest({
    functions: [
      { name: 'sealed', handler: 'hello.handler', environment: { DB_PASSWORD: 'secret' }, kmsKey: { arn: KEY_ARN, callerAccess: 'denied' } },
      { name: 'quiet', handler: 'hello.handler', logFormat: 'JSON', systemLogLevel: 'WARN' },
      { name: 'loud', handler: 'hello.handler', logFormat: 'JSON', systemLogLevel: 'INFO', applicationLogLevel: 'WARN' },
    ],
  });
  client = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  client?.destroy();
  await lambda?.stop();
});

test('a caller who may not use the KMS key reads Environment.Error and no Variables; the function itself still runs', async () => {
  const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'sealed' }));
  assert.equal(config.KMSKeyArn, KEY_ARN);
  assert.equal(config.Environment?.Variables, undefined);
  assert.equal(config.Environment?.Error?.ErrorCode, 'KMSAccessDeniedException');
  assert.match(config.Environment?.Error?.Message ?? '', /unable to decrypt the environment variables/);
  const out = await client.send(new InvokeCommand({ FunctionName: 'sealed' }));
  assert.equal(out.FunctionError, undefined);
});

test('LoggingConfig is reported and honoured: SystemLogLevel WARN hides platform.report, INFO keeps it', async () => {
  const quiet = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'quiet' }));
  assert.deepEqual({ ...quiet.LoggingConfig, LogGroup: undefined }, { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: undefined });
  const hidden = await client.send(new InvokeCommand({ FunctionName: 'quiet', LogType: 'Tail' }));
  const hiddenLog = Buffer.from(hidden.LogResult ?? '', 'base64').toString('utf8');
  assert.equal(parseReport(hiddenLog), null, `no report expected in: ${hiddenLog}`);
  assert.doesNotMatch(hiddenLog, /platform\./);

  const loud = await client.send(new InvokeCommand({ FunctionName: 'loud', LogType: 'Tail' }));
  const loudLog = Buffer.from(loud.LogResult ?? '', 'base64').toString('utf8');
  assert.ok(parseReport(loudLog)?.initDurationMs, 'the report with Init Duration is there');
  assert.doesNotMatch(loudLog, /hello from/, 'INFO application lines are below ApplicationLogLevel WARN');
});

test('the server counts accepted connections and records each request with its connection', async () => {
  const before = lambda.stats.connectionsAccepted;
  const fresh = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
  try {
    await fresh.send(new GetFunctionConfigurationCommand({ FunctionName: 'loud' }));
    await fresh.send(new GetFunctionConfigurationCommand({ FunctionName: 'loud' }));
  } finally {
    fresh.destroy();
  }
  assert.equal(lambda.stats.connectionsAccepted, before + 1, 'a keep-alive client reuses its connection');
  const [a, b] = lambda.stats.requests.slice(-2);
  assert.equal(a?.connection, b?.connection);
  assert.deepEqual([a?.requestOnConnection, b?.requestOnConnection], [0, 1]);
  assert.deepEqual(lambda.mutatingCalls(), [], 'reads and invokes are not mutating calls');
});
