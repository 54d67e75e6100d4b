// Findings made before any change (lambda-checks.ts through enforceProblems), in whole runs against
// the emulator: a function whose environment reads as Environment.Error (KMS key the caller may not
// use) is refused with no mutating call while the other targets are measured; JSON logs with
// SystemLogLevel WARN leave every cold sample unverified (cold empty, never true) with a warning in
// the output and in results.json; a function URL for another qualifier, and an IAM URL without
// credentials, are named. The check functions are pure: the same readings give the same findings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lambdaProblems } from '../bench/adapters/lambda-checks.js';
import { loadTargetFile } from '../bench/config/load.js';
import type { Progress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { runColdbench, startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-findings-'));

before(async () => {
  lambda = await startLambdaForTest({
    functions: [
      { name: 'sealed', handler: 'hello.handler', environment: { DB_PASSWORD: 'secret' }, kmsKey: { arn: 'arn:aws:kms:us-east-1:123456789012:key/abc', callerAccess: 'denied' } },
      { name: 'hello', handler: 'hello.handler', environment: { GREETING: 'hi' } },
      { name: 'quiet', handler: 'hello.handler', logFormat: 'JSON', systemLogLevel: 'WARN' },
      { name: 'aliased', handler: 'hello.handler', aliases: ['live'], url: { authType: 'NONE', qualifier: 'live' } },
      { name: 'private', handler: 'hello.handler', url: { authType: 'AWS_IAM' } },
    ],
  });
});
after(async () => {
  await lambda?.stop();
});

function capturingProgress(lines: string[]): Progress {
  return { log: (m) => void lines.push(m), status() {}, done() {} };
}

function targetFile(name: string, targets: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `targets:\n${targets}`);
  return file;
}

const target = (name: string, fn: string, extra = '') => `
  - name: ${name}
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: ${fn}
    cold: { samples: 2, pollInterval: 50ms, waitTimeout: 10s }
    warm: { requests: 5, connections: 1 }
${extra}`;

test('Environment.Error: the target is refused before any change (no UpdateFunctionConfiguration), naming the error; the others are measured', async () => {
  const lines: string[] = [];
  const file = targetFile('sealed', target('sealed-target', 'sealed') + target('hello-target', 'hello'));
  const outcome = await runConfig(loadTargetFile(file), { out: path.join(dir, 'out-sealed'), progress: capturingProgress(lines), signal: new AbortController().signal });
  const [sealed, hello] = outcome.results.targets;
  assert.equal(sealed?.status, 'failed');
  assert.match(sealed?.failure ?? '', /KMSAccessDeniedException/);
  assert.match(sealed?.failure ?? '', /refused before any change/);
  assert.equal(sealed?.phases.cold, undefined, 'no sample was taken');
  assert.deepEqual(lambda.mutatingCalls('sealed'), [], 'no mutating call reached the function');
  assert.equal(hello?.status, 'ok', hello?.failure);
  assert.equal(hello?.phases.cold?.verified, 2);
  assert.ok(lambda.mutatingCalls('hello').some((c) => c.operation === 'UpdateFunctionConfiguration'), 'the other target did force cold starts');
  assert.equal(outcome.exitCode, 0, 'a run with one measured target succeeds');
  assert.ok(lines.some((l) => /sealed-target failed: .*KMSAccessDeniedException/.test(l)), lines.join('\n'));
});

test('SystemLogLevel WARN hides REPORT: samples stay unverified (cold empty), a warning is printed and kept in results.json', async () => {
  const lines: string[] = [];
  const out = path.join(dir, 'out-quiet');
  const outcome = await runConfig(loadTargetFile(targetFile('quiet', target('quiet-target', 'quiet'))), { out, progress: capturingProgress(lines), signal: new AbortController().signal });
  const result = outcome.results.targets[0]!;
  assert.equal(result.status, 'ok', result.failure);
  const cold = result.phases.cold!;
  assert.equal(cold.samples.length, 2);
  assert.ok(cold.samples.every((s) => s.cold === null && s.error === null), 'cold by the strategy, never verified true');
  assert.equal(cold.unverified, 2);
  assert.equal(cold.verified, 0);
  assert.equal(result.warnings?.length, 1);
  assert.match(result.warnings?.[0] ?? '', /SystemLogLevel WARN .*no platform.report/);
  assert.ok(lines.some((l) => l.includes('⚠ quiet-target') && l.includes('SystemLogLevel WARN')), lines.join('\n'));
  const report = await runColdbench(['report', out, '--out', path.join(dir, 'quiet-rebuilt')]);
  assert.equal(report.code, 0, `results.json with warnings reads back: ${report.stderr}`);
});

test('function URL findings: another qualifier is a warning; url auto without a URL for the qualifier and IAM without credentials are errors', async () => {
  const urlOf = (name: string) => `${lambda.endpoint}/lambda-url/${name}/`;
  const lines: string[] = [];
  const file = targetFile(
    'urls',
    target('other-qualifier', 'aliased', `    url: ${urlOf('aliased')}\n`) + target('auto-missing', 'aliased', '    url: auto\n'),
  );
  const outcome = await runConfig(loadTargetFile(file), { out: path.join(dir, 'out-urls'), progress: capturingProgress(lines), signal: new AbortController().signal });
  const [other, missing] = outcome.results.targets;
  assert.equal(other?.status, 'ok', other?.failure);
  assert.match(other?.warnings?.[0] ?? '', /invokes qualifier live, but the target's cold samples invoke \$LATEST/);
  assert.equal(missing?.status, 'failed');
  assert.match(missing?.failure ?? '', /url is auto but the function has no function URL for qualifier \$LATEST \(its URLs: .*\(live\)\)/);

  // No credentials anywhere in the chain (and no instance metadata): refused before anything runs,
  // at the first read (the URL's own check, for a chain that fails only when signing, is below).
  const empty = path.join(dir, 'empty-aws-config');
  writeFileSync(empty, '');
  const noCredentials = await runColdbench(['run', targetFile('iam', target('iam-no-creds', 'private', '    url: auto\n')), '--out', path.join(dir, 'out-iam')], {
    env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'coldbench-nobody', AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  assert.equal(noCredentials.code, 3);
  assert.match(noCredentials.stderr + noCredentials.stdout, /iam-no-creds failed: .*no AWS credentials were found .*configure credentials/);
  assert.equal(lambda.stats.urlSignatures.accepted + lambda.stats.urlSignatures.refused, 0, 'no request reached the URL');
  assert.deepEqual(lambda.mutatingCalls('private'), []);
});

test('the checks are pure: the same readings give the same findings, and a clean function gives none', () => {
  const plan = { label: 'lambda function f', strategy: 'update-config' as const, qualifier: '$LATEST', coldSamples: true };
  const readings = { config: { Version: '$LATEST', Environment: { Error: { ErrorCode: 'KMSAccessDeniedException', Message: 'denied' } } }, url: { kind: 'none' as const }, credentialsError: null };
  assert.deepEqual(lambdaProblems(readings, plan), lambdaProblems(readings, plan));
  assert.equal(lambdaProblems(readings, plan)[0]?.severity, 'error');
  assert.deepEqual(lambdaProblems(readings, { ...plan, strategy: 'idle' }), [], 'idle never writes the environment');
  assert.deepEqual(lambdaProblems({ ...readings, config: { Version: '$LATEST', Environment: { Variables: { A: '1' } } } }, plan), []);
  const quiet = { ...readings, config: { Version: '$LATEST', LoggingConfig: { LogFormat: 'JSON' as const, SystemLogLevel: 'WARN' as const } } };
  assert.deepEqual(lambdaProblems(quiet, plan).map((p) => p.severity), ['warning']);
  assert.deepEqual(lambdaProblems(quiet, { ...plan, coldSamples: false }), [], 'without cold samples nothing needs REPORT');
  const iam = { url: 'https://x.lambda-url.us-east-1.on.aws/', authType: 'AWS_IAM' as const, qualifier: '$LATEST' };
  const signed = { config: { Version: '$LATEST' }, url: { kind: 'found' as const, url: iam.url, info: iam, requested: 'auto' as const }, credentialsError: 'Could not load credentials from any providers' };
  const [noCredentials] = lambdaProblems(signed, plan);
  assert.equal(noCredentials?.severity, 'error');
  assert.match(noCredentials?.message ?? '', /AuthType AWS_IAM, so every request must be signed, but no AWS credentials were found/);
  assert.deepEqual(lambdaProblems({ ...signed, credentialsError: null }, plan), []);
});
