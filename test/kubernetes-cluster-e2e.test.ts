// Through the CLI, against an emulated cluster that behaves as real ones do (from the target file's
// `emulators:` block): a Deployment reached only by `service:` through the API server's proxy, in
// the kubeconfig context's namespace (the target names none), and a Knative service behind an
// ingress whose status.url does not resolve (`url:` is the ingress; Host comes from status.url),
// with the API answering 429 now and then. Both get verified cold samples with no error;
// samples.csv carries each pod's own start-up times after the contract's columns; results.json
// names the resolved namespace; the API token reaches no output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { RunResults } from '../bench/results/types.js';
import { SAMPLE_COLUMNS } from '../bench/reporters/csv.js';
import { runColdbench, listenOnLoopback } from './helpers/servers.js';
import net from 'node:net';

async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('service: through the proxy, Knative behind an ingress, namespace from the context, 429s: pod times in samples.csv', { timeout: 120_000 }, async () => {
  const id = randomBytes(3).toString('hex');
  const token = `e2e-token-${randomBytes(12).toString('hex')}`;
  const ingressPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-cluster-e2e-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `emulators:
  kubernetes:
    token: ${token}
    contextNamespace: apps
    throttle: { every: 9, retryAfter: 1s }
    deployments:
      - { name: web-${id}, namespace: apps, replicas: 2, initDelay: 300ms }
    services:
      - { name: web, namespace: apps, selector: { app: web-${id} }, ports: [{ name: http, port: 80 }] }
    knativeServices:
      - { name: fn-${id}, namespace: apps, idle: 700ms, initDelay: 100ms, terminationDelay: 50ms }
    ingress: { port: ${ingressPort} }
defaults:
  cold: { samples: 2, instanceHeader: x-instance-id, waitTimeout: 40s }
  warm: { requests: 40, connections: 2 }
targets:
  - name: k8s
    kind: kubernetes
    service: web
    deployment: web-${id}
  - name: kn
    kind: knative
    service: fn-${id}
    url: http://127.0.0.1:${ingressPort}/
`,
  );
  const out = path.join(dir, 'report');
  const cli = await runColdbench(['run', file, '--out', out], { timeoutMs: 110_000 });
  assert.equal(cli.code, 0, `coldbench run failed: ${cli.stderr}${cli.stdout}`);
  // The ingress answers 404 to any other Host: error-free Knative samples mean status.url's Host was sent.
  // Up-front warnings stay in the log (not transient progress): the warm phase through the proxy.
  assert.match(cli.stderr, /⚠ k8s: warm requests to service "web" go through the API server's proxy/);

  const results: RunResults = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  for (const name of ['k8s', 'kn']) {
    const t = results.targets.find((x) => x.name === name)!;
    assert.equal(t.status, 'ok', `${name}: ${t.failure ?? ''}`);
    assert.equal(t.phases.cold!.summary.errors, 0, `${name}: no cold errors`);
    assert.equal(t.phases.cold!.verified, 2, `${name}: verified cold`);
    assert.equal(t.phases.warm!.summary.errors + t.phases.warm!.requests > 0, true);
    assert.equal(t.platform.kind === 'kubernetes' || t.platform.kind === 'knative' ? t.platform.namespace : null, 'apps', `${name}: the context's namespace`);
  }

  const rows: Record<string, string>[] = parse(readFileSync(path.join(out, 'samples.csv'), 'utf8'), { columns: true });
  const headerRows: string[][] = parse(readFileSync(path.join(out, 'samples.csv'), 'utf8'), { to_line: 1 });
  const header = headerRows[0] ?? [];
  assert.deepEqual(header.slice(0, SAMPLE_COLUMNS.length), [...SAMPLE_COLUMNS], "the contract's columns first");
  assert.deepEqual(header.slice(-3), ['pod_scheduled_ms', 'containers_ready_ms', 'pod_ready_ms'], 'the pod times after them, in order');
  assert.equal(rows.length, 4);
  for (const row of rows) {
    const [scheduled, containers, ready, latency] = [row.pod_scheduled_ms, row.containers_ready_ms, row.pod_ready_ms, row.latency_ms].map(Number);
    assert.ok([scheduled, containers, ready].every((v) => Number.isFinite(v)), `${row.target}: pod times recorded (${scheduled}, ${containers}, ${ready})`);
    assert.ok(scheduled! <= containers! && containers! <= ready!, `${row.target}: in order`);
    assert.ok(ready! <= latency!, `${row.target}: the pod was ready (${ready} ms) before the answer (${latency} ms)`);
  }

  for (const name of readdirSync(out)) {
    assert.doesNotMatch(readFileSync(path.join(out, name), 'utf8'), new RegExp(token), `${name} holds no API token`);
  }
});
