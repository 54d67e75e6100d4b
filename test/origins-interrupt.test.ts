// Ctrl-C during a remote origin: a real SIGINT to the CLI once the origin is measuring (the target
// has seen its requests: an event, not a sleep). The Job is deleted (its pod gets SIGTERM, restores
// and prints what it measured) or the function is told to stop (a tag it watches); what was
// measured is written, marked partial, and nothing is left on either platform.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pendingChanges } from '../bench/journal.js';
import type { RunResults } from '../bench/results/types.js';
import { spawnColdbench } from './helpers/servers.js';
import { assertNothingLeft, originsYaml, startOriginPlatforms, startTargetServer, type OriginPlatforms, type TargetServer } from './helpers/origins.js';

let dir = '';
let platforms: OriginPlatforms;
let server: TargetServer;
const kills: Array<() => void> = [];

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-origins-interrupt-'));
  platforms = await startOriginPlatforms();
  server = await startTargetServer();
});
after(async () => {
  for (const kill of kills) kill();
  await server?.close();
  await platforms?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Far more samples than any test waits for: the run is stopped in the middle. */
function longRun(origin: 'cluster' | 'fn'): { file: string; out: string } {
  const file = path.join(dir, `${origin}.yaml`);
  writeFileSync(
    file,
    `targets:\n  - name: slow-http\n    kind: http\n    url: ${server.url}\n    cold: { samples: 300, strategy: idle, idle: 100ms, instanceHeader: x-instance-id }\n    warm: false\n${originsYaml(platforms, [origin])}`,
  );
  return { file, out: path.join(dir, `out-${origin}`) };
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResults;

for (const origin of ['cluster', 'fn'] as const) {
  test(`Ctrl-C while origin ${origin} measures: its ${origin === 'cluster' ? 'Job' : 'function'} is removed and what it measured is written, partial`, async () => {
    const { file, out } = longRun(origin);
    const before = server.requests;
    const run = spawnColdbench(['run', file, '--origins', origin, '--out', out]);
    kills.push(run.kill);
    // The warm-up request and three cold samples have reached the target: the origin is running.
    await server.whenRequests(before + 4);
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stdout, /^partial reports written to /m);

    const merged = read(path.join(out, 'results.json'));
    assert.equal(merged.run.partial, true);
    const target = merged.targets[0]!;
    assert.equal(target.origin, origin);
    assert.equal(target.status, 'partial');
    const samples = target.phases.cold?.samples.length ?? 0;
    assert.ok(samples >= 3 && samples < 300, `what was measured until the stop (${samples} samples)`);
    assert.ok(target.phases.cold!.samples.every((s) => s.cold === true), 'each sample on a new connection, verified cold');
    assert.equal(read(path.join(out, 'origins', origin, 'results.json')).run.partial, true, "the origin's own run says partial");

    if (origin === 'cluster') {
      const pod = platforms.kube.jobs.history.at(-1);
      assert.equal(pod?.exitCode, 130, 'the pod ended as an interrupted run (SIGTERM), not killed');
    } else {
      const invocation = platforms.lambda.extension.invocations.at(-1);
      assert.equal(invocation?.functionError, null, 'the function answered (early, with what it measured)');
      assert.ok(platforms.lambda.extension.deleted.some((name) => name.startsWith('coldbench-fn-')), 'the function was deleted');
    }
    assertNothingLeft(platforms);
    assert.deepEqual(pendingChanges(out), []);
  });
}
