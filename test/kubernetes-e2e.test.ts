// Both adapters through the CLI with the emulator started by the runner from the target file's
// `emulators:` block (KUBECONFIG from its env): verified cold samples for a Knative service (after
// scale to zero) and a Deployment (scale from zero, readyMs beside each sample), a warm phase,
// the Deployment back at its original replica count, and no pod process left afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunResults } from '../bench/results/types.js';
import { pendingChanges } from '../bench/journal.js';
import { listenOnLoopback, runColdbench } from './helpers/servers.js';


async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Pids of live processes whose POD_NAME starts with `prefix` (our pods, whoever their parent is now). */
function podProcesses(prefix: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (env.split('\0').some((v) => v.startsWith(`POD_NAME=${prefix}`))) pids.push(Number(entry));
    } catch {
      // gone or not ours to read
    }
  }
  return pids;
}

test('coldbench run: Knative scale-to-zero and Deployment scale-from-zero, verified cold, replicas restored, no pod left', { timeout: 90_000 }, async () => {
  const id = randomBytes(3).toString('hex');
  const deployment = `e2e-web-${id}`;
  const service = `e2e-fn-${id}`;
  const frontPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-kube-e2e-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `emulators:
  kubernetes:
    deployments:
      - { name: ${deployment}, port: ${frontPort}, replicas: 2, initDelay: 50ms, cpu: 250m, memory: 128Mi }
    knativeServices:
      - { name: ${service}, idle: 700ms, initDelay: 50ms, terminationDelay: 50ms }
defaults:
  cold: { samples: 3, instanceHeader: x-instance-id, waitTimeout: 20s }
  warm: { requests: 200, connections: 2 }
targets:
  - name: kn
    kind: knative
    service: ${service}
    cold: { strategy: scale-to-zero, pollInterval: 100ms }
  - name: k8s
    kind: kubernetes
    url: http://127.0.0.1:${frontPort}/
    deployment: ${deployment}
    cold: { strategy: scale-from-zero }
`,
  );
  const out = path.join(dir, 'report');
  const cli = await runColdbench(['run', file, '--out', out, '--quiet'], { timeoutMs: 80_000 });
  assert.equal(cli.code, 0, `coldbench run failed: ${cli.stderr}${cli.stdout}`);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const kn = results.targets.find((t) => t.name === 'kn')!;
  const k8s = results.targets.find((t) => t.name === 'k8s')!;
  for (const t of [kn, k8s]) {
    assert.equal(t.status, 'ok', `${t.name}: ${t.failure ?? ''}`);
    const cold = t.phases.cold!;
    assert.equal(cold.samples.length, 3, t.name);
    assert.equal(cold.verified, 3, `${t.name}: every cold sample verified by a new instance`);
    assert.equal(cold.summary.errors, 0);
    assert.equal(new Set(cold.samples.map((s) => s.instance)).size, 3);
    const warm = t.phases.warm!;
    assert.equal(warm.requests, 200);
    assert.equal(warm.summary.errors, 0);
    // Every cold sample waited for a pod to start: at least its 50 ms initialisation. (Comparing with
    // the warm p50 would compare with how busy the machine was during the warm phase.)
    for (const s of cold.samples) assert.ok(s.latencyUs >= 50_000, `${t.name}: cold sample ${s.seq} (${s.latencyUs} us) includes a pod start-up`);
  }
  assert.ok(k8s.phases.cold!.samples.every((s) => typeof s.extra.readyMs === 'number'), 'readyMs beside every scale-from-zero sample');
  assert.ok(k8s.platform.kind === 'kubernetes' && kn.platform.kind === 'knative', 'the platform facts carry their kind');
  assert.equal(k8s.platform.replicas, 2);
  assert.equal(k8s.platform.cpuRequestCores, 0.25);
  assert.equal(kn.platform.revision, `${service}-00001`);

  // samples.csv carries readyMs as an extra column; the journal is closed (replicas restored).
  const csv = readFileSync(path.join(out, 'samples.csv'), 'utf8');
  assert.match(csv.split('\n')[0]!, /,ready_ms,/);
  assert.deepEqual(pendingChanges(out), [], 'the scale change was restored and journalled as such');
  const journal = readFileSync(path.join(out, 'journal.ndjson'), 'utf8');
  assert.match(journal, /"undo":\{"replicas":2\}/);
  assert.doesNotMatch(journal, /token|Bearer/i);
  assert.deepEqual([...podProcesses(deployment), ...podProcesses(service)], [], 'no pod process left');
});
