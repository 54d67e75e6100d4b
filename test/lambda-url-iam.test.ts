// A Function URL with AuthType AWS_IAM, loaded by whole runs against the emulator (`url: auto`,
// looked up with GetFunctionUrlConfig): every request of the warm phase (closed model on
// autocannon, open model on undici) is SigV4-signed by the SDK's signer and accepted by the
// emulator's own verifier, none refused. The engines re-sign on a timer: against a signature window
// shorter than the phase, re-signed load is never refused, while headers signed once are.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUrlSigner } from '../bench/adapters/lambda-signer.js';
import { loadTargetFile } from '../bench/config/load.js';
import { runClosedModel } from '../bench/phases/warm-closed.js';
import { runOpenModel } from '../bench/phases/open-model.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
/** The same function behind a 3 s signature window (shorter than a phase), for the re-signing test. */
let shortWindow: LocalLambda;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-iam-'));

before(async () => {
  // The harness signs with the emulator's placeholder identity (no AWS identity in this process).
  const functions = [{ name: 'private', handler: 'hello.handler', url: { authType: 'AWS_IAM' as const } }];
  lambda = await startLambdaForTest({ functions });
  shortWindow = await startLambdaForTest({ signatureWindow: '3s', functions });
});
after(async () => {
  await lambda?.stop();
  await shortWindow?.stop();
});

const urlRequests = () => lambda.stats.requests.filter((r) => r.operation === 'FunctionUrl').length;

async function runWarm(name: string, warm: string) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `targets:
  - name: ${name}
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: private
    url: auto
    method: POST
    body: '{"ping":true}'
    headers: { content-type: application/json }
    cold: { samples: 1, pollInterval: 50ms, waitTimeout: 10s }
    warm: ${warm}
`,
  );
  const before = { ...lambda.stats.urlSignatures, requests: urlRequests() };
  const outcome = await runConfig(loadTargetFile(file), { out: path.join(dir, `out-${name}`), progress: silentProgress, signal: new AbortController().signal });
  const target = outcome.results.targets[0]!;
  return {
    target,
    accepted: lambda.stats.urlSignatures.accepted - before.accepted,
    refused: lambda.stats.urlSignatures.refused - before.refused,
    requests: urlRequests() - before.requests,
  };
}

test('closed model: every request to the IAM URL is signed and accepted; the facts name AuthType AWS_IAM', async () => {
  const { target, accepted, refused, requests } = await runWarm('closed', '{ duration: 1500ms, connections: 3, warmup: 300ms }');
  assert.equal(target.status, 'ok', target.failure);
  const warm = target.phases.warm!;
  assert.equal(warm.model, 'closed');
  assert.equal(warm.summary.errors, 0, JSON.stringify(warm.errorsByKind));
  assert.ok(warm.requests > 10);
  assert.equal(refused, 0, 'no request was refused');
  assert.equal(accepted, requests, 'every request that reached the URL carried an accepted signature');
  assert.ok(accepted >= warm.requests);
  assert.equal(target.platform.kind === 'lambda' && target.platform.urlAuthType, 'AWS_IAM');
  assert.equal(target.phases.cold?.verified, 1, 'cold samples still go through Invoke, verified by Init Duration');
});

test('open model: every request to the IAM URL is signed and accepted', async () => {
  const { target, accepted, refused, requests } = await runWarm('open', '{ duration: 1500ms, rate: 40 }');
  assert.equal(target.status, 'ok', target.failure);
  const warm = target.phases.warm!;
  assert.equal(warm.model, 'open');
  assert.equal(warm.summary.errors, 0, JSON.stringify(warm.errorsByKind));
  assert.ok(warm.requests >= 40);
  assert.equal(refused, 0);
  assert.equal(accepted, requests);
});

test('the engines re-sign on the request\'s interval: within a 3 s signature window a 5 s phase is never refused; signed once, it is', async () => {
  const url = `${shortWindow.endpoint}/lambda-url/private/`;
  const spec = { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
  const signer = createUrlSigner(shortWindow.region, async () => ({ accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' }));
  const warm = { durationMs: 5000, connections: 2, maxConnections: 4, warmupMs: 0 };
  const options = { timeoutMs: 5000, signal: new AbortController().signal };

  for (const engine of ['closed', 'open'] as const) {
    const resigned = { ...spec, headers: await signer.sign(spec), refreshHeaders: () => signer.sign(spec), refreshEveryMs: 400 };
    const before = shortWindow.stats.urlSignatures.refused;
    const result = engine === 'closed' ? await runClosedModel(resigned, warm, options) : await runOpenModel(resigned, { ...warm, rate: 30 }, options);
    result.histogram.destroy();
    assert.equal(shortWindow.stats.urlSignatures.refused - before, 0, `${engine}: re-signed requests are never refused`);
    assert.ok(result.requests > 20, `${engine}: ${result.requests} requests`);
  }
  const signedOnce = { ...spec, headers: await signer.sign(spec) };
  const before = shortWindow.stats.urlSignatures.refused;
  const stale = await runClosedModel(signedOnce, warm, options);
  stale.histogram.destroy();
  assert.ok(shortWindow.stats.urlSignatures.refused - before > 0, 'headers signed once expire inside the phase (the window bites)');
  assert.ok((stale.errorsByKind.http4xx ?? 0) > 0, 'and the refusals are counted as 4xx errors');
});
