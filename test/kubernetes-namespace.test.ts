// A target without `namespace:` uses the kubeconfig context's namespace (then `default`), as
// kubectl does; the resolved namespace is what the API calls, the facts and the journal use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKube, kubeAdapterContext, kubernetesTarget, knativeTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { KnativeAdapter } from '../bench/adapters/knative.js';
import { connectKube } from '../bench/adapters/kube-client.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

let kube: TestKube;
before(async () => {
  kube = await startTestKube({
    contextNamespace: 'apps',
    deployments: [{ name: 'web', namespace: 'apps', replicas: 1 }, { name: 'web', namespace: 'default', replicas: 1 }],
    knativeServices: [{ name: 'fn', namespace: 'apps', idle: '2s' }],
  });
});
after(() => kube?.close());

test("no namespace: the context's namespace is used for the API, the facts and the journal", async () => {
  const ctx = kubeAdapterContext();
  const base = kubernetesTarget({ url: kube.deploymentUrls.web!, deployment: 'web', cold: { samples: 1, strategy: 'scale-from-zero', idleMs: 0, waitTimeoutMs: 20_000, pollIntervalMs: 0 } });
  const { namespace: _none, ...target } = base;
  const adapter = new KubernetesAdapter(target, ctx);
  await adapter.prepare();
  assert.equal(adapter.describe().namespace, 'apps');
  await adapter.forceCold(0);
  assert.equal(kube.cluster.getDeployment('apps', 'web')!.replicas, 0, 'the Deployment in apps was scaled');
  assert.equal(kube.cluster.getDeployment('default', 'web')!.replicas, 1, 'not the one in default');
  assert.equal(ctx.journal.changes[0]!.location.namespace, 'apps');
  await adapter.restore();
  assert.equal(kube.cluster.getDeployment('apps', 'web')!.replicas, 1);

  const knative = new KnativeAdapter({ ...knativeTarget({ service: 'fn' }), namespace: undefined }, kubeAdapterContext());
  await knative.prepare();
  assert.equal(knative.describe().namespace, 'apps');
});

test("an explicit namespace wins over the context's; a context without one means default", (t) => {
  assert.equal(connectKube({ namespace: 'default', what: 'test' }).location.namespace, 'default');
  assert.equal(connectKube({ what: 'test' }).location.namespace, 'apps');
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-ns-'));
  const config: { contexts: { context: { namespace?: string } }[] } = parse(readFileSync(kube.kubeconfigPath, 'utf8'));
  delete config.contexts[0]!.context.namespace;
  writeFileSync(path.join(dir, 'kubeconfig'), stringify(config));
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = path.join(dir, 'kubeconfig');
  t.after(() => {
    process.env.KUBECONFIG = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal(connectKube({ what: 'test' }).location.namespace, 'default');
});
