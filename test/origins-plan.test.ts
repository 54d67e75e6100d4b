// `plan` per origin: a pure function of the target file listing what a run will create and remove,
// in order. Kubernetes: a ServiceAccount and a Role per target namespace only when targets need the
// cluster's API, a Secret only for `${VAR}` values, the Job last and removed first. Lambda: a role
// with a least-privilege policy unless one is given, the function's timeout within 900 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseTargetFile } from '../bench/config/load.js';
import { kubernetesResources } from '../bench/origins/kubernetes-manifests.js';
import { lambdaOriginPolicy, lambdaTimeoutS } from '../bench/origins/lambda-plan.js';
import { planOrigin, planOrigins } from '../bench/origins/plan.js';
import { shippedTargetFile } from '../bench/origins/shipped-file.js';

const ENV = { API_TOKEN: 'plan-test-token-1' };
const FILE = `emulators:
  http: { services: [{ name: s, port: 1 }] }
origin: somewhere
targets:
  - name: web
    kind: http
    url: http://127.0.0.1:9/
    headers: { Authorization: "Bearer \${API_TOKEN}" }
  - name: deploy
    kind: kubernetes
    url: http://127.0.0.1:9/
    deployment: hello
    namespace: apps
  - name: fn
    kind: lambda
    region: eu-central-1
    function: hello
origins:
  - name: tokyo
    kubernetes: { context: gke-asia, image: ghcr.io/acme/coldbench:0.1.0 }
`;
/** A Lambda origin cannot measure the Kubernetes target: its file leaves it out. */
const LAMBDA_FILE = FILE.replace(/  - name: deploy\n(    .*\n)+?(?=  - name: fn)/, '').replace(/origins:\n[^]*$/, 'origins:\n  - name: frankfurt\n    lambda: { region: eu-central-1 }\n');
const config = () => parseTargetFile(FILE, 'plan.yaml', path.resolve('plan.yaml'), ENV);
const lambdaConfig = () => parseTargetFile(LAMBDA_FILE, 'plan.yaml', path.resolve('plan.yaml'), ENV);

test('kubernetes: ConfigMap, Secret, ServiceAccount, Role and RoleBinding in the target namespace, Job; removed in reverse', () => {
  const plan = planOrigin(config().origins[0]!, config(), 'ab12cd', ENV);
  assert.deepEqual(
    plan.creates.map((l) => l.split(' in context')[0]),
    ['configmap coldbench/coldbench-tokyo-ab12cd', 'secret coldbench/coldbench-tokyo-ab12cd', 'serviceaccount coldbench/coldbench-tokyo-ab12cd', 'role apps/coldbench-tokyo-ab12cd', 'rolebinding apps/coldbench-tokyo-ab12cd', 'job coldbench/coldbench-tokyo-ab12cd'],
  );
  assert.match(plan.creates.at(-1)!, /in context gke-asia \(image ghcr\.io\/acme\/coldbench:0\.1\.0, deadline \d+ s, no retries\)/);
  assert.deepEqual(plan.removes.map((l) => l.split(' in context')[0]), [...plan.creates.map((l) => l.split(' in context')[0])].reverse());
  assert.match(plan.removes[0]!, /and its pod$/);
});

test('kubernetes: no ServiceAccount without cluster targets, no Secret without ${VAR}; the Job never retries and mounts the file', () => {
  const text = `targets:\n  - name: web\n    kind: http\n    url: http://127.0.0.1:9/\norigins:\n  - name: tokyo\n    kubernetes: { image: img }\n`;
  const c = parseTargetFile(text, 'p.yaml', path.resolve('p.yaml'), {});
  assert.deepEqual(planOrigin(c.origins[0]!, c, 'x1').creates.map((l) => l.split(' ')[0]), ['configmap', 'job']);
  const origin = c.origins[0]!;
  assert.ok(origin.engine === 'kubernetes');
  const { objects } = kubernetesResources('tokyo', origin.kubernetes, { runId: 'x1', shipped: shippedTargetFile(c, {}), targets: c.targets });
  const job = objects.find((o) => o.kind === 'Job');
  assert.ok(job?.kind === 'Job');
  const spec = job.body.spec!;
  assert.equal(spec.backoffLimit, 0);
  assert.ok((spec.activeDeadlineSeconds ?? 0) > 0 && (spec.ttlSecondsAfterFinished ?? 0) > 0);
  const pod = spec.template.spec!;
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.automountServiceAccountToken, false, 'no token in a pod that needs no API');
  assert.deepEqual(pod.containers[0]!.args, ['run', '/config/targets.yaml', '--out', '/tmp/coldbench', '--origin', 'tokyo', '--emit-results']);
  assert.deepEqual(pod.volumes?.map((v) => v.configMap?.name ?? 'emptyDir'), ['coldbench-tokyo-x1', 'emptyDir']);
});

test('the shipped file has no origins, emulators or origin, and keeps ${VAR} as a reference', () => {
  const shipped = shippedTargetFile(config(), ENV);
  assert.doesNotMatch(shipped.text, /^(origins|emulators|origin):/m);
  assert.match(shipped.text, /Bearer \$\{API_TOKEN\}/);
  assert.doesNotMatch(shipped.text, /plan-test-token-1/);
  assert.deepEqual(shipped.variables, ENV);
  const again = parseTargetFile(shipped.text, 'shipped.yaml', path.resolve('shipped.yaml'), ENV);
  assert.deepEqual(again.targets, config().targets.map((t) => ({ ...t, line: again.targets.find((a) => a.name === t.name)?.line })));
});

test("a Kubernetes origin's pod gets the targets without their kubeconfig context (it reaches its own cluster)", () => {
  const text = FILE.replace('    namespace: apps\n', '    namespace: apps\n    context: gke-asia\n');
  const c = parseTargetFile(text, 'ctx.yaml', path.resolve('ctx.yaml'), ENV);
  const deploy = c.targets.find((t) => t.name === 'deploy');
  assert.ok(deploy?.kind === 'kubernetes' && deploy.context === 'gke-asia');
  assert.doesNotMatch(shippedTargetFile(c, ENV, 'kubernetes').text, /context:/);
  assert.match(shippedTargetFile(c, ENV).text, /context: gke-asia/);
});

test('lambda: a least-privilege role unless a role ARN is given; removed after the function', () => {
  const c = lambdaConfig();
  const plan = planOrigin(c.origins[0]!, c, 'ab12cd', ENV);
  assert.equal(plan.creates.length, 2);
  assert.match(plan.creates[0]!, /^iam role coldbench-frankfurt-ab12cd \(trusts lambda\.amazonaws\.com\) with inline policy coldbench-origin/);
  assert.match(plan.creates[1]!, /^lambda function coldbench-frankfurt-ab12cd in eu-central-1 \(nodejs20\.x, 1769 MB, x86_64, timeout \d+ s, role coldbench-frankfurt-ab12cd\)$/);
  assert.deepEqual(plan.removes, ['lambda function coldbench-frankfurt-ab12cd in eu-central-1', 'iam role coldbench-frankfurt-ab12cd and its inline policy coldbench-origin']);

  const given = parseTargetFile(LAMBDA_FILE.replace('lambda: { region: eu-central-1 }', 'lambda: { region: eu-central-1, roleArn: "arn:aws:iam::123456789012:role/mine" }'), 'p.yaml', path.resolve('p.yaml'), ENV);
  const withRole = planOrigin(given.origins[0]!, given, 'ab12cd', ENV);
  assert.equal(withRole.creates.length, 1);
  assert.match(withRole.creates[0]!, /role arn:aws:iam::123456789012:role\/mine\)$/);
  assert.deepEqual(withRole.removes, ['lambda function coldbench-frankfurt-ab12cd in eu-central-1']);
  assert.deepEqual(planOrigins(c).map((p) => `${p.origin}:${p.engine}`), ['frankfurt:lambda']);
  assert.deepEqual(planOrigins(config()).map((p) => `${p.origin}:${p.engine}`), ['tokyo:kubernetes']);
});

test("lambda: the role's policy covers its own logs and tags and the Lambda targets' functions, nothing else", () => {
  const policy = JSON.parse(lambdaOriginPolicy('eu-central-1', '123456789012', 'coldbench-f-1', lambdaConfig().targets)) as { Statement: Array<{ Action: string[]; Resource: string[] }> };
  const resources = policy.Statement.flatMap((s) => s.Resource);
  assert.ok(resources.every((r) => !r.includes('*:*') && r !== '*'), 'no wildcard resource');
  assert.deepEqual(policy.Statement.find((s) => s.Action.includes('lambda:ListTags'))?.Resource, ['arn:aws:lambda:eu-central-1:123456789012:function:coldbench-f-1']);
  assert.deepEqual(policy.Statement.find((s) => s.Action.includes('lambda:UpdateFunctionConfiguration'))?.Resource, ['arn:aws:lambda:eu-central-1:123456789012:function:hello', 'arn:aws:lambda:eu-central-1:123456789012:function:hello:*']);
  assert.ok(policy.Statement.flatMap((s) => s.Action).every((a) => a.startsWith('lambda:') || a.startsWith('logs:')));
});

test("lambda: the function's timeout follows the prediction and never exceeds 900 s", () => {
  const short = lambdaTimeoutS(lambdaConfig().targets);
  assert.ok(short >= 60 && short < 900, String(short));
  const long = parseTargetFile(`targets:\n  - name: w\n    kind: http\n    url: http://127.0.0.1:9/\n    cold: { strategy: idle, idle: 1m, samples: 9 }\n`, 'l.yaml', path.resolve('l.yaml'), {});
  assert.equal(lambdaTimeoutS(long.targets), 900);
});
