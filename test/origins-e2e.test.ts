// `coldbench run <file> --origins all`: the same targets measured from a Kubernetes Job and from a
// temporary Lambda function, merged into one report. The platforms run in this test process, so
// their state shows who took the samples (the Job's pod printed the results the report holds; the
// function answered them), that `${VAR}` values travelled only in the Secret / the invocation
// payload, that what was created is what `plan` lists, and that nothing is left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTargetFile } from '../bench/config/load.js';
import { pendingChanges } from '../bench/journal.js';
import { planOrigin } from '../bench/origins/plan.js';
import { decodeResults, findResultsBlock } from '../bench/origins/results-block.js';
import type { RunResults } from '../bench/results/types.js';
import { processAlive, runColdbench } from './helpers/servers.js';
import { assertNothingLeft, originsYaml, startOriginPlatforms, startTargetServer, type OriginPlatforms, type TargetServer } from './helpers/origins.js';

const TOKEN = 'origin-e2e-token-6d1f0a';
let dir = '';
let platforms: OriginPlatforms;
let server: TargetServer;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-origins-e2e-'));
  platforms = await startOriginPlatforms();
  server = await startTargetServer();
});
after(async () => {
  await server?.close();
  await platforms?.close();
  rmSync(dir, { recursive: true, force: true });
});

function targetFile(name: string, targets: string, origins: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `defaults:\n  cold: { samples: 2 }\n  warm: { duration: 1s, connections: 2 }\nthresholds: ["errors.rate < 50%"]\ntargets:\n${targets}${origins}`);
  return file;
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResults;

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = path.join(root, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test('two origins, one after another: one merged report of origin x target, each measured where it says, nothing left behind', async () => {
  const file = targetFile(
    'two-origins',
    `  - name: http-target
    kind: http
    url: ${server.url}
    headers: { Authorization: "Bearer \${ORIGINS_E2E_TOKEN}" }
    cold: { strategy: none, instanceHeader: x-instance-id }
  - name: lambda-hello
    kind: lambda
    region: ${platforms.lambda.region}
    endpoint: ${platforms.lambda.endpoint}
    function: hello
    cold: { strategy: update-config, pollInterval: 50ms, waitTimeout: 20s }
    warm: { requests: 20, connections: 2 }
`,
    originsYaml(platforms),
  );
  const out = path.join(dir, 'out-two');
  const env = { ORIGINS_E2E_TOKEN: TOKEN };
  const run = await runColdbench(['run', file, '--origins', 'all', '--out', out], { env, timeoutMs: 240_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /origin running: pod coldbench\/coldbench-cluster-/);
  assert.match(run.stderr, /origin running: function coldbench-fn-/);

  const merged = read(path.join(out, 'results.json'));
  assert.deepEqual(merged.run.origins, ['cluster', 'fn']);
  assert.equal(merged.run.partial, false);
  assert.equal(merged.run.parallelOrigins, undefined, 'one after another unless asked');
  assert.deepEqual(merged.targets.map((t) => `${t.origin}/${t.name}`).sort(), ['cluster/http-target', 'cluster/lambda-hello', 'fn/http-target', 'fn/lambda-hello']);
  for (const t of merged.targets) {
    assert.equal(t.status, 'ok', `${t.origin}/${t.name}: ${t.failure ?? ''}`);
    assert.equal(t.phases.cold?.samples.length, 2, `${t.origin}/${t.name} cold samples`);
    assert.ok((t.phases.warm?.requests ?? 0) > 0, `${t.origin}/${t.name} warm requests`);
  }
  const summary = readFileSync(path.join(out, 'summary.csv'), 'utf8');
  for (const origin of ['cluster', 'fn']) assert.match(summary, new RegExp(`^${origin},http-target,http,unknown,cold,2,`, 'm'));

  // Each origin's own results.json is kept, and the merge is of those two runs.
  const cluster = read(path.join(out, 'origins', 'cluster', 'results.json'));
  const fn = read(path.join(out, 'origins', 'fn', 'results.json'));
  assert.deepEqual(merged.run.mergedFrom, [cluster.run.id, fn.run.id]);

  // The Job's pod took the cluster's samples: its log ends with exactly those results.
  const runId = /coldbench-cluster-([0-9a-f]{6})/.exec(run.stderr)?.[1];
  assert.ok(runId, 'the run id names what was created');
  const pod = platforms.kube.jobs.history.find((h) => h.job === `coldbench-cluster-${runId}`);
  assert.ok(pod, 'the Job ran a pod');
  assert.equal(pod.exitCode, 0);
  assert.ok(pod.pid !== undefined && !processAlive(pod.pid), 'the pod was a real process, and it is gone');
  const fromPod = findResultsBlock(pod.log);
  assert.ok(fromPod, 'the pod printed its results');
  assert.equal((JSON.parse(decodeResults(fromPod)) as RunResults).run.id, cluster.run.id);

  // The temporary function took fn's samples: its one invocation answered those results.
  const invocation = platforms.lambda.extension.invocations.find((i) => i.function === `coldbench-fn-${runId}`);
  assert.ok(invocation, 'the temporary function was invoked');
  assert.equal(invocation.functionError, null);
  const answer = JSON.parse(invocation.response) as { results: { gzipBase64: string; sha256: string; bytes: number } };
  assert.equal((JSON.parse(decodeResults(answer.results)) as RunResults).run.id, fn.run.id);
  assert.deepEqual(platforms.lambda.extension.deleted, [`coldbench-fn-${runId}`]);

  // `${VAR}` values: the target got them from both origins, and they went only where they should.
  assert.ok(server.authorizations.length >= 8);
  assert.ok(server.authorizations.every((a) => a === `Bearer ${TOKEN}`), 'every request carried the token');
  const configMap = platforms.kube.objects.created.find((o) => o.kind === 'ConfigMap');
  const secret = platforms.kube.objects.created.find((o) => o.kind === 'Secret');
  assert.ok(configMap && secret);
  assert.doesNotMatch(JSON.stringify(configMap), new RegExp(TOKEN), 'the ConfigMap holds ${VAR}, not its value');
  assert.match(JSON.stringify(configMap), /\$\{ORIGINS_E2E_TOKEN\}/);
  assert.equal(Buffer.from((secret.data as Record<string, string>).ORIGINS_E2E_TOKEN ?? '', 'base64').toString(), TOKEN, 'the Secret carries it');
  assert.doesNotMatch(JSON.stringify(platforms.lambda.extension.createRequests), new RegExp(TOKEN), "never in the function's configuration");
  assert.doesNotMatch(pod.log, new RegExp(TOKEN), 'never in the pod log');
  assert.doesNotMatch(invocation.response, new RegExp(TOKEN), 'never in the response');
  for (const output of filesUnder(out)) assert.doesNotMatch(readFileSync(output, 'utf8'), new RegExp(TOKEN), `never in ${path.relative(out, output)}`);

  // What was created is what plan lists, and all of it is gone.
  const config = loadTargetFile(file, { ...process.env, ...env });
  const kubePlan = planOrigin(config.origins[0]!, config, runId, { ...process.env, ...env });
  const created = platforms.kube.objects.created.filter((o) => JSON.stringify(o).includes(`coldbench-cluster-${runId}`));
  const createdLines = [...created.map((o) => `${String(o.kind).toLowerCase()} ${(o.metadata as { namespace: string }).namespace}/${(o.metadata as { name: string }).name}`), `job coldbench/coldbench-cluster-${runId}`];
  assert.equal(kubePlan.creates.length, createdLines.length, kubePlan.creates.join('\n'));
  for (const line of createdLines) assert.ok(kubePlan.creates.some((c) => c.startsWith(`${line} `)), `plan lists ${line}`);
  const lambdaPlan = planOrigin(config.origins[1]!, config, runId);
  assert.match(lambdaPlan.creates.join('\n'), new RegExp(`iam role coldbench-fn-${runId} [^]*lambda function coldbench-fn-${runId} in ${platforms.lambda.region}`));
  assert.deepEqual(platforms.lambda.extension.createRequests.map((r) => r.FunctionName), [`coldbench-fn-${runId}`]);
  assertNothingLeft(platforms);
  assert.deepEqual(pendingChanges(out), [], 'the journal marks everything removed');
});

test('--parallel-origins runs them at once and the report says so', async () => {
  // One request at a time from each origin (no warm phase): two waiting at once at the target
  // means both origins were measuring at the same time.
  // A request may wait at the target for the other origin's (timeout 60s, held at most 50 s).
  const file = targetFile('parallel', `  - name: http-target\n    kind: http\n    url: ${server.url}\n    timeout: 60s\n    cold: { samples: 2, strategy: none, instanceHeader: x-instance-id }\n    warm: false\n`, originsYaml(platforms));
  const out = path.join(dir, 'out-parallel');
  const concurrent = server.holdUntilConcurrent(50_000);
  const run = await runColdbench(['run', file, '--origins', 'cluster,fn', '--parallel-origins', '--out', out], { timeoutMs: 240_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await concurrent, true, 'requests from both origins were waiting at the target at once');
  const merged = read(path.join(out, 'results.json'));
  assert.equal(merged.run.parallelOrigins, true);
  assert.deepEqual(merged.run.origins, ['cluster', 'fn']);
  assert.match(readFileSync(path.join(out, 'summary.md'), 'utf8'), /Origins ran in parallel/);
  assert.match(readFileSync(path.join(out, 'report.html'), 'utf8'), /origins ran in parallel/);
  assertNothingLeft(platforms);
});

test('--origins picks origins by name: a run from one origin only', async () => {
  const file = targetFile('one', `  - name: http-target\n    kind: http\n    url: ${server.url}\n    cold: { samples: 1, strategy: none }\n    warm: false\n`, originsYaml(platforms));
  const out = path.join(dir, 'out-one');
  const run = await runColdbench(['run', file, '--origins', 'fn', '--out', out], { timeoutMs: 120_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(read(path.join(out, 'results.json')).run.origins, ['fn']);
  assert.doesNotMatch(run.stderr, /\[cluster\]/);
  assertNothingLeft(platforms);
});
