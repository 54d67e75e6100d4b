// `coldbench plan`: against the local platforms, a file mixing a ready Lambda function, one whose
// environment reads as Environment.Error and a Knative service with min-scale "1" exits 3 and names
// both problems with their fixes, lists the ready target's changes and predicted time, and no
// platform saw a mutating call or a data-plane request (Lambda, Cloud Run, Kubernetes, Knative and
// plain HTTP). The --json shape; bad input is exit 2 naming file, line and field; warnings alone are
// exit 0 (a loopback url with scale-from-zero); `run` refuses the erroneous target with the message
// plan printed, before any change, and measures the others.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lambdaEmulatorEnv } from '../platforms/lambda/index.js';
import {
  runColdbench,
  startCloudFunctionsForTest,
  startHttpService,
  startLambdaForTest,
  startTestKube,
  TEST_REGION,
  type CloudFunctionsEmulator,
  type HttpService,
  type LocalLambda,
  type TestKube,
} from './helpers/servers.js';

let lambda: LocalLambda;
let google: CloudFunctionsEmulator;
let kube: TestKube;
let http: HttpService;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-plan-'));

before(async () => {
  lambda = await startLambdaForTest({
    functions: [
      { name: 'hello', handler: 'hello.handler', environment: { GREETING: 'hi' } },
      { name: 'sealed', handler: 'hello.handler', environment: { DB_PASSWORD: 'secret' }, kmsKey: { arn: 'arn:aws:kms:us-east-1:123456789012:key/abc', callerAccess: 'denied' } },
      { name: 'off', handler: 'hello.handler', reservedConcurrency: 0 },
      { name: 'provisioned', handler: 'hello.handler', aliases: ['live'], provisionedConcurrency: { qualifier: 'live', count: 2 } },
    ],
  });
  google = await startCloudFunctionsForTest({ functions: [], services: [{ name: 'web', region: TEST_REGION, idle: '30s', deployDelay: '100ms' }] });
  kube = await startTestKube({ deployments: [{ name: 'api', replicas: 2, initDelay: '100ms' }], knativeServices: [{ name: 'pinned', idle: '1s', minScale: 1 }, { name: 'free', idle: '1s' }] });
  http = await startHttpService({ name: 's2z', port: 0, idle: '1s', initDelay: '50ms' });
});
after(async () => {
  await Promise.allSettled([lambda?.stop(), google?.stop(), kube?.close(), http?.stop()]);
});

/** What every platform has seen so far: mutating control-plane calls and data-plane requests. */
function touches() {
  return {
    lambdaMutating: lambda.mutatingCalls().length,
    lambdaDataPlane: lambda.dataPlaneRequests().length,
    googleMutating: google.mutatingCalls().length,
    googleDataPlane: google.dataPlaneRequests(),
    kubeMutating: kube.mutatingCalls().length,
    kubeDataPlane: kube.dataPlaneRequests(),
    httpRequests: http.requests,
  };
}

const env = () => ({ ...lambdaEmulatorEnv({}), ...google.env, KUBECONFIG: kube.kubeconfigPath });

function file(name: string, targets: string): string {
  const p = path.join(dir, `${name}.yaml`);
  writeFileSync(p, `targets:\n${targets}`);
  return p;
}

const lambdaTarget = (name: string, fn: string) => `
  - name: ${name}
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: ${fn}
    cold: { samples: 3, strategy: update-config, pollInterval: 50ms, waitTimeout: 10s }
    warm: { requests: 5, connections: 1 }
`;

const knativeTarget = (name: string, service: string) => `
  - name: ${name}
    kind: knative
    service: ${service}
    namespace: default
    cold: { samples: 2, strategy: scale-to-zero, waitTimeout: 60s }
`;

const mixed = () =>
  lambdaTarget('ready-fn', 'hello') +
  lambdaTarget('sealed-fn', 'sealed') +
  knativeTarget('pinned-kn', 'pinned') +
  knativeTarget('free-kn', 'free') +
  `
  - name: web-run
    kind: cloud-run
    project: ${google.project}
    region: ${TEST_REGION}
    service: web
    apiEndpoint: ${google.apiEndpoint}
    cold: { samples: 2, strategy: update-config, instanceUptimeHeader: x-instance-uptime-ms }
  - name: api-deploy
    kind: kubernetes
    deployment: api
    namespace: default
    url: ${kube.deploymentUrls.api}
    cold: { samples: 2, strategy: scale-from-zero }
  - name: plain
    kind: http
    url: ${http.url}
    cold: { samples: 2, strategy: idle, idle: 2s }
`;

interface PlanJson {
  ready: boolean;
  targets: Array<{ name: string; kind: string; ready: boolean; problems: Array<{ severity: string; message: string }>; changes: string[]; estimatedSeconds: number; facts: Record<string, unknown> | null; network: { rttUs: number | null } | null; cost: { amount: number | null; basis: string[] } }>;
}

const byName = (plan: PlanJson, name: string) => {
  const t = plan.targets.find((x) => x.name === name);
  assert.ok(t, `target ${name} in the plan`);
  return t;
};

test('plan names both errors with their fixes, exit 3; the ready target has its changes and a predicted time; nothing was touched on any platform', async () => {
  const before = touches();
  const target = file('mixed', mixed());
  const run = await runColdbench(['plan', target, '--json'], { env: env() });
  assert.equal(run.code, 3, run.stderr);
  const plan = JSON.parse(run.stdout) as PlanJson;
  assert.equal(plan.ready, false);

  const sealed = byName(plan, 'sealed-fn');
  assert.equal(sealed.ready, false);
  assert.match(sealed.problems.find((p) => p.severity === 'error')?.message ?? '', /KMSAccessDeniedException.*refused before any change\. Give these credentials kms:Decrypt/);
  const pinned = byName(plan, 'pinned-kn');
  assert.equal(pinned.ready, false);
  assert.match(pinned.problems.find((p) => p.severity === 'error')?.message ?? '', /knative service "pinned" has min-scale "1".*set it to "0" for the run/);

  const ready = byName(plan, 'ready-fn');
  assert.equal(ready.ready, true, JSON.stringify(ready.problems));
  assert.deepEqual(ready.changes, ['3 configuration updates of $LATEST (a new value of COLDBENCH_NONCE), restored at the end']);
  assert.ok(ready.estimatedSeconds > 0);
  assert.equal(ready.facts?.memorySizeMb, 128, 'facts read from the function');
  assert.ok(ready.network?.rttUs !== null && ready.network?.rttUs !== undefined, 'the data-plane host was connected to');
  assert.ok((ready.cost.amount ?? 0) > 0, 'the run has a cost');
  for (const name of ['free-kn', 'web-run', 'api-deploy', 'plain']) assert.equal(byName(plan, name).ready, true, `${name}: ${JSON.stringify(byName(plan, name).problems)}`);
  assert.match(byName(plan, 'api-deploy').changes[0] ?? '', /^scale deployment api 2 -> 0 -> 2, twice; 2 replicas restored at the end$/);
  assert.match(byName(plan, 'web-run').changes[0] ?? '', /^2 new revisions of Cloud Run service .*web/);

  assert.deepEqual(touches(), before, 'no mutating call and no data-plane request on any platform');
  assert.equal(lambda.stats.requests.filter((r) => r.operation === 'Invoke' && r.invocationType === 'DryRun').length > 0, true, 'DryRun was used to check the invoke permission');

  const text = await runColdbench(['plan', target], { env: env() });
  assert.equal(text.code, 3, text.stderr);
  assert.match(text.stdout, /sealed-fn \(lambda\): ERROR/);
  assert.match(text.stdout, /✖ error: .*KMSAccessDeniedException/);
  assert.match(text.stdout, /✖ error: knative service "pinned" has min-scale "1"/);
  assert.match(text.stdout, /ready-fn \(lambda\): ready[\s\S]*?changes:\n {4}- 3 configuration updates of \$LATEST[\s\S]*?time: {4}~\d+ s/);
  assert.match(text.stdout, /not ready: sealed-fn, pinned-kn \(exit 3\)/);
  assert.deepEqual(touches(), before, 'the text plan touched nothing either');
});

test('--json: every target has name, kind, ready, problems {severity, message}, changes and estimatedSeconds; reserved concurrency 0 is an error', async () => {
  const run = await runColdbench(['plan', file('shape', lambdaTarget('ready-fn', 'hello') + knativeTarget('pinned-kn', 'pinned') + lambdaTarget('off-fn', 'off')), '--json', '--quiet'], { env: env() });
  assert.equal(run.code, 3, run.stderr);
  const plan = JSON.parse(run.stdout) as { targets: unknown[] };
  assert.equal(plan.targets.length, 3);
  assert.match(byName(plan as PlanJson, 'off-fn').problems[0]?.message ?? '', /reserved concurrency is 0, so every invoke is throttled.*delete-function-concurrency/);
  for (const t of plan.targets as Array<Record<string, unknown>>) {
    assert.equal(typeof t.name, 'string');
    assert.ok(['lambda', 'knative'].includes(String(t.kind)));
    assert.equal(typeof t.ready, 'boolean');
    assert.ok(Array.isArray(t.problems));
    for (const p of t.problems as Array<Record<string, unknown>>) {
      assert.ok(p.severity === 'error' || p.severity === 'warning', `severity ${String(p.severity)}`);
      assert.equal(typeof p.message, 'string');
    }
    assert.ok(Array.isArray(t.changes) && (t.changes as unknown[]).every((c) => typeof c === 'string'));
    assert.equal(typeof t.estimatedSeconds, 'number');
    assert.ok((t.estimatedSeconds as number) > 0);
  }
});

test('bad input: exit 2 with one line naming the file, line and field; nothing is inspected', async () => {
  const before = touches();
  const bad = file('bad', `${lambdaTarget('ready-fn', 'hello')}  - name: broken\n    kind: lambda\n    region: us-east-1\n    function: hello\n    cold: { samples: -1 }\n`);
  const run = await runColdbench(['plan', bad], { env: env() });
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /bad\.yaml:1\d: .*cold\.samples/);
  assert.deepEqual(touches(), before);
});

test('warnings alone are exit 0: a loopback url with scale-from-zero and provisioned concurrency on the qualifier are named with their fixes; an http target has facts and no problems', async () => {
  const run = await runColdbench(
    [
      'plan',
      file(
        'warnings',
        `
  - name: api-deploy
    kind: kubernetes
    deployment: api
    namespace: default
    url: ${kube.deploymentUrls.api}
    cold: { samples: 2, strategy: scale-from-zero }
  - name: plain
    kind: http
    url: ${http.url}
  - name: warm-alias
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: provisioned
    qualifier: live
    cold: { samples: 2, strategy: idle, idle: 1s }
`,
      ),
      '--json',
    ],
    { env: env() },
  );
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as PlanJson;
  const deploy = byName(plan, 'api-deploy');
  assert.equal(deploy.ready, true);
  assert.match(deploy.problems.find((p) => p.severity === 'warning')?.message ?? '', /is a loopback address: if it is `kubectl port-forward`.*name service:/);
  const plain = byName(plan, 'plain');
  assert.deepEqual(plain.problems, []);
  assert.deepEqual(plain.facts, { kind: 'http' });
  assert.ok(plain.network?.rttUs !== null, 'the URL was connected to (no request)');
  const alias = byName(plan, 'warm-alias');
  assert.equal(alias.ready, true);
  assert.deepEqual(alias.changes, [], 'idle changes nothing');
  assert.match(alias.problems.map((p) => `${p.severity}: ${p.message}`).join('\n'), /warning: .*qualifier live has provisioned concurrency 2: .*measure an alias or version without provisioned concurrency/);
});

test('run refuses the target with an error with the message plan printed, before any change; the others are measured', async () => {
  const target = file('run', lambdaTarget('ready-fn', 'hello') + lambdaTarget('sealed-fn', 'sealed'));
  const planned = JSON.parse((await runColdbench(['plan', target, '--json', '--quiet'], { env: env() })).stdout) as PlanJson;
  const message = byName(planned, 'sealed-fn').problems.find((p) => p.severity === 'error')?.message;
  assert.ok(message);
  const out = path.join(dir, 'run-out');
  const run = await runColdbench(['run', target, '--out', out, '--quiet'], { env: env() });
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { targets: Array<{ name: string; status: string; failure?: string; phases: { cold?: unknown } }> };
  const sealed = results.targets.find((t) => t.name === 'sealed-fn');
  assert.equal(sealed?.status, 'failed');
  assert.equal(sealed?.failure, message, 'the same message as plan');
  assert.equal(sealed?.phases.cold, undefined);
  assert.deepEqual(lambda.mutatingCalls('sealed'), [], 'no change to the refused function');
  assert.equal(results.targets.find((t) => t.name === 'ready-fn')?.status, 'ok');
  assert.ok(lambda.mutatingCalls('hello').length > 0, 'the ready target ran');
});

test('the counters the zero-touch check relies on do count: one request to each data plane moves each of them', async () => {
  const before = touches();
  await fetch(http.url).then((r) => r.text());
  await fetch(kube.deploymentUrls.api!).then((r) => r.text());
  await fetch(google.serviceUrl('web')).then((r) => r.text()); // refused without an ID token, still a request
  await fetch(`${lambda.endpoint}/2015-03-31/functions/hello/invocations`, { method: 'POST', body: '{}' }).then((r) => r.text());
  const after = touches();
  assert.equal(after.httpRequests, before.httpRequests + 1);
  assert.equal(after.kubeDataPlane, before.kubeDataPlane + 1);
  assert.equal(after.googleDataPlane, before.googleDataPlane + 1);
  assert.equal(after.lambdaDataPlane, before.lambdaDataPlane + 1);
  await fetch(`${lambda.endpoint}/2015-03-31/functions/hello/invocations`, { method: 'POST', body: '{}', headers: { 'x-amz-invocation-type': 'DryRun' } }).then((r) => r.text());
  assert.equal(touches().lambdaDataPlane, after.lambdaDataPlane, 'a DryRun runs nothing');
});
