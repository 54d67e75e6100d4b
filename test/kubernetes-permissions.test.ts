// Missing Kubernetes permissions, found by SelfSubjectAccessReview before any change: with a
// restricted identity (a ServiceAccount token whose Role lacks patch on deployments/scale and list /
// watch on pods), `plan` exits 3 naming every missing permission of each kubernetes / knative target
// at once with the Role rules that grant them, and makes no mutating call and no data-plane request;
// `run` fails those targets with the same message before any change while a target that needs none
// of them runs; the fully permitted (admin) identity has no permission finding; a review API that
// cannot answer (404) is a "could not check permissions" warning, not an error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { restrictedKubeconfig, runColdbench, startTestKube, type TestKube } from './helpers/servers.js';

let kube: TestKube;
let restricted: Awaited<ReturnType<typeof restrictedKubeconfig>>;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-kube-permissions-'));

before(async () => {
  kube = await startTestKube({ deployments: [{ name: 'api', replicas: 1, initDelay: '50ms' }, { name: 'web', replicas: 1 }], knativeServices: [{ name: 'free', idle: '1s' }] });
  restricted = await restrictedKubeconfig(kube, {
    namespace: 'default',
    serviceAccount: 'bench',
    rules: [
      { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get'] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list'] },
      { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get'] },
      { apiGroups: ['serving.knative.dev'], resources: ['services'], verbs: ['get'] },
    ],
  });
});
after(async () => {
  restricted?.remove();
  await kube?.close();
});

const targets = () => `targets:
  - name: scale-k8s
    kind: kubernetes
    deployment: api
    namespace: default
    url: ${kube.deploymentUrls.api}
    cold: { samples: 1, strategy: scale-from-zero, waitTimeout: 20s }
  - name: scale-kn
    kind: knative
    service: free
    namespace: default
    cold: { samples: 1, strategy: scale-to-zero, waitTimeout: 60s }
  - name: plain-k8s
    kind: kubernetes
    deployment: web
    namespace: default
    url: ${kube.deploymentUrls.web}
    cold: { samples: 2, strategy: none }
`;

function targetFile(): string {
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(file, targets());
  return file;
}

interface PlanJson {
  ready: boolean;
  targets: Array<{ name: string; ready: boolean; problems: Array<{ severity: string; message: string }> }>;
}

const plan = async (kubeconfig: string) => {
  const run = await runColdbench(['plan', targetFile(), '--json', '--quiet'], { env: { KUBECONFIG: kubeconfig } });
  return { code: run.code, stderr: run.stderr, plan: JSON.parse(run.stdout) as PlanJson };
};
const byName = (p: PlanJson, name: string) => {
  const t = p.targets.find((x) => x.name === name);
  assert.ok(t, name);
  return t;
};
const errors = (p: PlanJson, name: string) => byName(p, name).problems.filter((x) => x.severity === 'error').map((x) => x.message);
const reviews = () => kube.api.requests.filter((r) => r.method === 'POST' && r.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
const touches = () => ({ mutating: kube.mutatingCalls().length, dataPlane: kube.dataPlaneRequests() });

test('plan with a restricted identity: exit 3, each target names all its missing permissions and the Role rules; nothing touched', async () => {
  const before = touches();
  const reviewed = reviews().length;
  const { code, stderr, plan: p } = await plan(restricted.path);
  assert.equal(code, 3, stderr);
  assert.equal(p.ready, false);

  const k8s = errors(p, 'scale-k8s');
  assert.equal(k8s.length, 1, JSON.stringify(k8s));
  assert.match(k8s[0]!, /^missing permissions: the credentials of context coldbench-emulator may not patch deployments\.apps\/scale \(to scale the Deployment to 0 and back, and restore its replica count\); list pods \(/);
  assert.match(k8s[0]!, /\{apiGroups: \["apps"\], resources: \["deployments\/scale"\], verbs: \["patch"\]\}, \{apiGroups: \[""\], resources: \["pods"\], verbs: \["list"\]\}/);
  assert.doesNotMatch(k8s[0]!, /get deployments/, 'what the Role allows is not named');
  const k8sWarnings = byName(p, 'scale-k8s').problems.filter((x) => x.severity === 'warning').map((x) => x.message).join('\n');
  assert.match(k8sWarnings, /missing permission \(the run works, a check is weaker\): .* may not watch pods/);

  const kn = errors(p, 'scale-kn');
  assert.equal(kn.length, 1, JSON.stringify(kn));
  assert.match(kn[0]!, /^missing permission: the credentials of context coldbench-emulator may not list pods \(to list the pods while waiting for the service to scale to zero\); grant it with a Role in namespace "default" with the rules \{apiGroups: \[""\], resources: \["pods"\], verbs: \["list"\]\}/);
  assert.match(byName(p, 'scale-kn').problems.map((x) => x.message).join('\n'), /may not watch pods .*; get configmaps \(to read knative-serving\/config-autoscaler;/);

  const plain = byName(p, 'plain-k8s');
  assert.equal(plain.ready, true, JSON.stringify(plain.problems));
  assert.deepEqual(plain.problems, [], 'strategy none against a url needs no permission beyond the read');

  assert.equal(reviews().length - reviewed, 7, 'one review per permission: 4 for scale-from-zero, 3 for scale-to-zero');
  assert.ok(reviews().slice(reviewed).every((r) => r.status === 201));
  assert.deepEqual(touches(), before, 'no mutating call and no data-plane request');
});

test('run with the restricted identity fails those targets with the plan message before any change; the other target runs', async () => {
  const planned = (await plan(restricted.path)).plan;
  const before = touches();
  const out = path.join(dir, 'run-out');
  const run = await runColdbench(['run', targetFile(), '--out', out, '--quiet'], { env: { KUBECONFIG: restricted.path }, timeoutMs: 90_000 });
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { targets: Array<{ name: string; status: string; failure?: string; phases: { cold?: unknown } }> };
  for (const name of ['scale-k8s', 'scale-kn']) {
    const t = results.targets.find((x) => x.name === name);
    assert.equal(t?.status, 'failed', name);
    assert.equal(t?.failure, errors(planned, name)[0], `${name}: the message plan printed`);
    assert.equal(t?.phases.cold, undefined);
  }
  assert.equal(results.targets.find((x) => x.name === 'plain-k8s')?.status, 'ok');
  assert.deepEqual(kube.mutatingCalls().slice(before.mutating), [], 'no change was tried');
  assert.equal(kube.cluster.getDeployment('default', 'api')?.replicas, 1);
  assert.ok(kube.dataPlaneRequests() >= before.dataPlane + 2, 'plain-k8s was measured');
});

test('the fully permitted identity (the admin kubeconfig) has no permission finding: plan exit 0', async () => {
  const reviewed = reviews().length;
  const before = touches();
  const { code, stderr, plan: p } = await plan(kube.kubeconfigPath);
  assert.equal(code, 0, stderr);
  assert.equal(p.ready, true);
  for (const t of p.targets) assert.deepEqual(t.problems.filter((x) => /permission/.test(x.message)), [], t.name);
  assert.equal(reviews().length - reviewed, 7, 'the permissions were asked');
  assert.deepEqual(touches(), before);
});

test('a review API that cannot answer (404) gives a "could not check permissions" warning, not an error', async () => {
  kube.api.injectFault({ method: 'POST', pathIncludes: '/selfsubjectaccessreviews', status: 404, times: 1000 });
  const { code, stderr, plan: p } = await plan(kube.kubeconfigPath);
  assert.equal(code, 0, stderr);
  for (const name of ['scale-k8s', 'scale-kn']) {
    const t = byName(p, name);
    assert.equal(t.ready, true, name);
    const warnings = t.problems.filter((x) => x.severity === 'warning' && x.message.startsWith('could not check permissions'));
    assert.equal(warnings.length, 1, JSON.stringify(t.problems));
    assert.match(warnings[0]!.message, /^could not check permissions \(HTTP 404 NotFound: injected failure/);
  }
});
