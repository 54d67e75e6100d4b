// The ready-to-copy CI workflow and Kubernetes Job: valid YAML with the parts docs/ci.md promises,
// and the Job's embedded target file passes coldbench's own validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { parseTargetFile } from '../bench/config/load.js';

test('the scheduled workflow: nightly cron + dispatch, origin matrix, OIDC, bench, summary, artifact, compare', () => {
  const text = readFileSync('.github/workflows/coldbench-scheduled.yml.example', 'utf8');
  const wf = parse(text);
  assert.match(wf.on.schedule[0].cron, /^\d+ \d+ \* \* \*$/);
  assert.ok('workflow_dispatch' in wf.on);
  assert.equal(wf.permissions['id-token'], 'write');
  const bench = wf.jobs.bench;
  assert.ok(Array.isArray(bench.strategy.matrix.include) && bench.strategy.matrix.include.length >= 1);
  const steps: Array<{ uses?: string; run?: string }> = bench.steps;
  const uses = steps.map((s) => s.uses ?? '');
  const runs = steps.map((s) => s.run ?? '').join('\n');
  assert.ok(uses.some((u) => u.startsWith('aws-actions/configure-aws-credentials@')));
  assert.ok(uses.some((u) => u.startsWith('google-github-actions/auth@')));
  assert.ok(uses.some((u) => u.startsWith('actions/upload-artifact@')));
  assert.match(runs, /npm run bench -- "\$TARGET_FILE" --out reports\/current --origin "\$\{\{ matrix\.origin \}\}"/);
  assert.match(runs, /summary\.md >> "\$GITHUB_STEP_SUMMARY"/);
  assert.match(runs, /npx coldbench compare baseline\/results\.json reports\/current\/results\.json --markdown/);
  assert.match(wf.jobs.report.steps.map((s: { run?: string }) => s.run ?? '').join('\n'), /npx coldbench report "\$\{files\[@\]\}" --out reports\/merged/);
  assert.doesNotMatch(text, /AKIA[0-9A-Z]{16}|aws_secret_access_key|private_key/i, 'no credentials in the example');
});

test('the scheduled workflow keeps the history on a branch, publishes history.html to Pages, pushes when configured', () => {
  const wf = parse(readFileSync('.github/workflows/coldbench-scheduled.yml.example', 'utf8'));
  const benchRun = wf.jobs.bench.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
  assert.match(benchRun, /if \[ -n "\$PUSHGATEWAY_URL" \]; then push\+=\(--pushgateway "\$PUSHGATEWAY_URL"\); fi/);
  assert.match(benchRun, /--origin "\$\{\{ matrix\.origin \}\}" "\$\{push\[@\]\}"/);
  const bench = wf.jobs.bench.steps.find((s: { name?: string }) => s.name === 'Benchmark');
  assert.equal(bench.env.PUSHGATEWAY_URL, '${{ secrets.COLDBENCH_PUSHGATEWAY_URL }}', 'the URL (it may hold credentials) is a secret');
  const history = wf.jobs.history;
  assert.deepEqual(history.needs, 'bench');
  assert.equal(history.if, 'always()', 'the history records failing runs too');
  assert.equal(history.permissions.contents, 'write');
  assert.equal(history.permissions.pages, 'write');
  const steps: Array<{ uses?: string; run?: string }> = history.steps;
  const runs = steps.map((s) => s.run ?? '').join('\n');
  assert.match(runs, /git push origin "HEAD:\$HISTORY_BRANCH"/);
  assert.match(runs, /npx coldbench history "\$\{runs\[@\]\}" --out site/);
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/upload-pages-artifact@')));
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/deploy-pages@')));
  assert.equal(history.environment.name, 'github-pages');
});

test('the Kubernetes Job example: a never-retried Job with a valid embedded target file', () => {
  const docs = parseAllDocuments(readFileSync('deploy/kubernetes-job.yaml', 'utf8')).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS();
  });
  const job = docs.find((d) => d.kind === 'Job');
  assert.ok(job, 'a Job');
  assert.equal(job.spec.backoffLimit, 0);
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  assert.ok(job.spec.template.spec.terminationGracePeriodSeconds >= 60, 'time to restore on SIGTERM');
  assert.match(job.spec.template.spec.containers[0].args[0], /coldbench\.js run \/config\/targets\.yaml .*--origin/);
  const configMap = docs.find((d) => d.kind === 'ConfigMap');
  const config = parseTargetFile(configMap.data['targets.yaml'], 'targets.yaml', '/config/targets.yaml', {});
  assert.deepEqual(config.targets.map((t) => t.kind), ['kubernetes', 'lambda']);
  assert.equal(config.thresholds.length, 3);
});

test("the Job's RBAC grants what the Kubernetes and Knative adapters call, and no create on workloads", () => {
  const docs = parseAllDocuments(readFileSync('deploy/kubernetes-job.yaml', 'utf8')).map((d) => d.toJS());
  const roles = docs.filter((d) => d.kind === 'Role');
  const grants = (namespace: string, group: string, resource: string, verb: string) =>
    roles.some(
      (r) =>
        r.metadata.namespace === namespace &&
        r.rules.some((rule: { apiGroups: string[]; resources: string[]; verbs: string[] }) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb)),
    );
  for (const [group, resource, verb] of [
    ['apps', 'deployments', 'get'],
    ['apps', 'deployments/scale', 'patch'],
    ['', 'pods', 'list'],
    ['', 'pods', 'watch'],
    ['', 'services', 'get'],
    ['', 'services/proxy', 'get'],
    ['', 'services/proxy', 'create'],
    ['autoscaling', 'horizontalpodautoscalers', 'list'],
    ['keda.sh', 'scaledobjects', 'list'],
    ['serving.knative.dev', 'services', 'get'],
  ] as const) {
    assert.ok(grants('apps', group, resource, verb), `${verb} ${group || 'core'}/${resource} in the targets' namespace`);
  }
  assert.ok(grants('knative-serving', '', 'configmaps', 'get'), 'config-autoscaler is readable');
  const bindings = docs.filter((d) => d.kind === 'RoleBinding');
  for (const role of roles) {
    assert.ok(bindings.some((b) => b.metadata.namespace === role.metadata.namespace && b.roleRef.name === role.metadata.name && b.subjects[0].name === 'coldbench'), `${role.metadata.name} is bound`);
  }
  assert.ok(!roles.some((r) => r.rules.some((rule: { resources: string[]; verbs: string[] }) => rule.resources.some((x) => x === 'deployments' || x === 'pods') && rule.verbs.includes('create'))), 'creates no workload');
});
