// Ctrl-C / SIGTERM of a real run (the CLI as a child process): it stops starting new work, writes
// every report from what was measured with "partial": true and exits 130, keeping every sample
// taken so far (the checkpoint and results.json agree).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointedColdSamples, spawnColdbench, startServer, waitFor, type FixtureServer } from './helpers/servers.js';
import type { RunResults } from '../bench/results/types.js';

let dir = '';
let server: FixtureServer;
const kills: Array<() => void> = [];
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-interrupt-'));
  server = await startServer((_req, res) => setTimeout(() => res.writeHead(200, { 'x-instance-id': 'i-1' }).end('ok'), 5));
});
after(async () => {
  for (const kill of kills) kill();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const REPORTS = ['results.json', 'summary.csv', 'samples.csv', 'summary.md', 'report.html'];

function readResults(out: string): RunResults {
  return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} in the middle of the cold phase: exit 130, partial reports with every sample taken so far`, async () => {
    const file = path.join(dir, `cold-${signal}.yaml`);
    const out = path.join(dir, `out-cold-${signal}`);
    writeFileSync(
      file,
      `targets:
  - name: slow-cold
    kind: http
    url: ${server.url}
    cold: { samples: 500, strategy: idle, idle: 60ms }
    warm: { requests: 100, connections: 1 }
  - name: never-started
    kind: http
    url: ${server.url}
`,
    );
    const run = spawnColdbench(['run', file, '--out', out]);
    kills.push(run.kill);
    await waitFor(() => checkpointedColdSamples(out) >= 3, 'three checkpointed cold samples');
    run.child.kill(signal);
    const result = await run.done;

    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, new RegExp(`${signal}: stopping`));
    assert.match(result.stdout, /^partial reports written to /);
    for (const name of REPORTS) assert.ok(existsSync(path.join(out, name)), `${name} written`);
    const results = readResults(out);
    assert.equal(results.run.partial, true);
    assert.equal(results.targets.length, 1, 'no new target was started after the signal');
    const target = results.targets[0]!;
    assert.equal(target.status, 'partial');
    assert.equal(target.phases.warm, undefined, 'the warm phase was not started after the signal');
    const cold = target.phases.cold!;
    const checkpointed = checkpointedColdSamples(out);
    assert.ok(checkpointed >= 3 && checkpointed < 500);
    assert.equal(cold.samples.length, checkpointed, 'results.json has every checkpointed sample');
    assert.deepEqual(cold.samples.map((s) => s.seq), [...Array(checkpointed).keys()]);
    assert.equal(cold.summary.count + cold.summary.errors, checkpointed);
    assert.match(readFileSync(path.join(out, 'summary.md'), 'utf8'), /partial/);
    assert.equal(readFileSync(path.join(out, 'samples.csv'), 'utf8').trim().split('\n').length, 1 + checkpointed);
  });
}

test('SIGINT in the middle of the warm phase keeps the cold phase and what the warm phase measured', async () => {
  const file = path.join(dir, 'warm.yaml');
  const out = path.join(dir, 'out-warm');
  writeFileSync(file, `targets:\n  - name: long-warm\n    kind: http\n    url: ${server.url}\n    cold: { samples: 2 }\n    warm: { duration: 60s, connections: 2 }\n`);
  const before = server.requests;
  const run = spawnColdbench(['run', file, '--out', out]);
  kills.push(run.kill);
  await waitFor(() => checkpointedColdSamples(out) === 2 && server.requests - before > 3 + 40, 'warm requests');
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 130, result.stderr);
  const target = readResults(out).targets[0]!;
  assert.equal(target.status, 'partial');
  assert.equal(target.phases.cold?.samples.length, 2);
  const warm = target.phases.warm!;
  assert.ok(warm.requests > 0 && warm.summary.count > 0, 'warm requests measured before the signal are kept');
  assert.ok(warm.durationUs! < 60_000_000, 'the warm phase stopped early');
});
