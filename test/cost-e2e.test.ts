// A real run against the local platforms (the Lambda emulator and the Kubernetes emulator, started
// by the CLI from the target file, every instance a real process) with --traffic: the Lambda's
// monthly cost grows linearly and equals the documented formula with the measured duration and the
// configured memory; the Deployment's is flat while one pod suffices and rises in whole nodes; the
// two break even, and the curves cross there. Capacity is in results.json with its derivation.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { costAt } from '../bench/cost/curve.js';
import { buildReportModel } from '../bench/report-model/model.js';
import type { RunResults } from '../bench/results/types.js';
import { listenOnLoopback, runColdbench } from './helpers/servers.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const MONTH_S = 730 * 3600;
const NODE_MONTH = 0.096 * 730;

test('coldbench run --traffic: Lambda linear and as documented, Kubernetes in whole nodes, a break-even where the curves cross', { timeout: 120_000 }, async () => {
  const id = randomBytes(3).toString('hex');
  const deployment = `cost-web-${id}`;
  const [lambdaPort, frontPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-cost-e2e-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `emulators:
  lambda:
    port: ${lambdaPort}
    updateDuration: 100ms
    functions: [{ name: cost-fn, handler: hello.handler, memorySize: 2048 }]
  kubernetes:
    deployments:
      - { name: ${deployment}, port: ${frontPort}, replicas: 1, initDelay: 50ms, cpu: "2", memory: 1Gi }
defaults:
  cold: { samples: 2, waitTimeout: 20s }
  warm: { requests: 300, connections: 2 }
targets:
  - name: fn
    kind: lambda
    region: us-east-1
    endpoint: http://127.0.0.1:${lambdaPort}
    function: cost-fn
    payload: { sleepMs: 30 }
    cold: { strategy: update-config, pollInterval: 50ms }
  - name: k8s
    kind: kubernetes
    url: http://127.0.0.1:${frontPort}/
    deployment: ${deployment}
    cold: { strategy: scale-from-zero, instanceHeader: x-instance-id }
`,
  );
  const out = path.join(dir, 'report');
  const cli = await runColdbench(['run', file, '--out', out, '--quiet', '--traffic', '1e8'], { timeoutMs: 110_000 });
  assert.equal(cli.code, 0, `coldbench run failed: ${cli.stderr}${cli.stdout}`);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  assert.deepEqual(results.run.cost, { traffic: 1e8, freeTier: false });
  const fn = results.targets.find((t) => t.name === 'fn')!;
  const k8s = results.targets.find((t) => t.name === 'k8s')!;
  for (const t of [fn, k8s]) assert.equal(t.status, 'ok', `${t.name}: ${t.failure ?? ''}`);

  // Capacity, and how it was derived.
  assert.equal(fn.capacity?.basis, 'configured-concurrency');
  assert.equal(fn.capacity?.instances, 2, '2 connections, one request per execution environment');
  // The pods name themselves (instanceHeader): counted, and the one replica served it all.
  assert.equal(k8s.capacity?.basis, 'distinct-instances');
  assert.equal(k8s.capacity?.instances, 1);
  assert.equal(k8s.phases.warm?.instances, 1);
  const warmFn = fn.phases.warm!;
  assert.ok(Math.abs(fn.capacity!.rpsPerInstance - (warmFn.summary.count * 1e6) / warmFn.durationUs / 2) < 1e-9);

  type Row = { target: string; requests_per_month: string; usd_per_month: string; instances: string };
  const rows = parse(readFileSync(path.join(out, 'costs.csv'), 'utf8'), { columns: true }) as Row[];
  const series = (name: string) => rows.filter((r) => r.target === name).map((r) => ({ x: Number(r.requests_per_month), usd: Number(r.usd_per_month), instances: Number(r.instances) }));

  // Lambda: 10x the requests, 10x the cost (within 1%); at 10^8 the documented formula with the
  // measured mean duration (billed in 1 ms steps) and the configured 2048 MB.
  const lambda = series('fn');
  const byX = new Map(lambda.map((p) => [p.x, p.usd]));
  for (let e = 3; e < 10; e++) {
    const ratio = byX.get(10 ** (e + 1))! / byX.get(10 ** e)!;
    assert.ok(Math.abs(ratio - 10) <= 0.1, `10^${e} -> 10^${e + 1}: x${ratio}`);
  }
  const billedMs = warmFn.billedDurationMsMean ?? Math.ceil(warmFn.summary.meanUs / 1000 - 1e-9);
  assert.ok(billedMs >= 30, `the handler sleeps 30 ms: ${billedMs} ms billed`);
  const coldRate = typeof warmFn.coldInWarm === 'number' ? warmFn.coldInWarm / warmFn.requests : 0;
  const coldBilled = fn.phases.cold!.samples.map((s) => Number(s.extra.billedDurationMs));
  const extraMs = Math.max(0, coldBilled.reduce((a, b) => a + b, 0) / coldBilled.length - billedMs);
  const formula = 1e8 * (0.2 / 1e6 + (2048 / 1024) * (billedMs / 1000) * 0.0000166667 + coldRate * (2048 / 1024) * (extraMs / 1000) * 0.0000166667);
  assert.ok(Math.abs(byX.get(1e8)! - formula) <= 0.01 * formula, `at 10^8: ${byX.get(1e8)} vs ${formula}`);

  // Kubernetes: one 2-vCPU pod per 2-vCPU node; flat while one pod suffices, then whole nodes.
  const podMonth = k8s.capacity!.rpsPerInstance * MONTH_S;
  const kube = series('k8s');
  for (const p of kube) {
    const nodes = p.usd / NODE_MONTH;
    assert.ok(Math.abs(nodes - Math.round(nodes)) < 1e-6, `${p.x}: ${p.usd} is whole nodes`);
    assert.equal(Math.round(nodes), Math.max(1, Math.ceil(p.x / podMonth)), `${p.x}: nodes for the pods the capacity needs`);
    assert.equal(p.instances, Math.max(1, Math.ceil(p.x / podMonth)));
    if (p.x <= podMonth) assert.ok(Math.abs(p.usd - NODE_MONTH) < 1e-6, `${p.x}: flat at one node while one pod suffices`);
  }
  assert.ok(kube.at(-1)!.usd > NODE_MONTH, 'more than one node at 10^10 requests a month');

  // Break-even: reported in summary.md, and the two curves cross there.
  const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
  assert.match(summary, /### Break-even traffic\n\n- \*\*fn\*\* and \*\*k8s\*\*: \*\*fn\*\* cheaper first; break-even at /);
  const growth = buildReportModel(results).costGrowth;
  const crossing = growth.pairs[0]!.crossings[0]!;
  const [cFn, cK8s] = growth.rows.map((r) => r.curve);
  const x = crossing.requests;
  assert.ok(costAt(cFn!, x * (1 - 1e-6))! < costAt(cK8s!, x * (1 - 1e-6))!, 'Lambda cheaper just below');
  assert.ok(costAt(cFn!, x * (1 + 1e-6))! > costAt(cK8s!, x * (1 + 1e-6))!, 'Kubernetes cheaper just above');
  assert.match(readFileSync(path.join(out, 'report.html'), 'utf8'), /id="cost-growth-section"/);
});
