// A run killed (kill -9) while a remote origin measures leaves its Job / function running; the
// journal names them, and `coldbench restore <dir>` removes them (the Job's pod stops, the role
// goes with the function). A restore that cannot reach the platform keeps the entry pending.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileJournal, pendingChanges } from '../bench/journal.js';
import { runColdbench, spawnColdbench } from './helpers/servers.js';
import { assertNothingLeft, originsYaml, startOriginPlatforms, startTargetServer, type OriginPlatforms, type TargetServer } from './helpers/origins.js';

let dir = '';
let platforms: OriginPlatforms;
let server: TargetServer;
const kills: Array<() => void> = [];

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-origins-restore-'));
  platforms = await startOriginPlatforms();
  server = await startTargetServer();
});
after(async () => {
  for (const kill of kills) kill();
  await server?.close();
  await platforms?.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const origin of ['cluster', 'fn'] as const) {
  test(`kill -9 while origin ${origin} measures: \`coldbench restore\` removes what it left`, async () => {
    const file = path.join(dir, `${origin}.yaml`);
    writeFileSync(file, `targets:\n  - name: slow-http\n    kind: http\n    url: ${server.url}\n    cold: { samples: 300, strategy: idle, idle: 100ms }\n    warm: false\n${originsYaml(platforms, [origin])}`);
    const out = path.join(dir, `out-${origin}`);
    const before = server.requests;
    const run = spawnColdbench(['run', file, '--origins', origin, '--out', out]);
    kills.push(run.kill);
    await server.whenRequests(before + 3);
    run.child.kill('SIGKILL');
    assert.equal((await run.done).signal, 'SIGKILL');

    const pending = pendingChanges(out);
    assert.equal(pending.length, 1, 'the journal names what the origin created');
    assert.equal(pending[0]?.kind, `origin-${origin === 'cluster' ? 'kubernetes' : 'lambda'}`);
    if (origin === 'cluster') assert.equal(platforms.kube.jobs.jobs.size, 1, 'the Job outlived the killed run');
    else assert.equal(platforms.lambda.extension.created.size, 1, 'the function outlived the killed run');

    const restore = await runColdbench(['restore', out], { timeoutMs: 200_000 });
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /restored 1 platform change/);
    assert.match(restore.stderr, new RegExp(`removing what origin ${origin} created`));
    assertNothingLeft(platforms);
    assert.deepEqual(pendingChanges(out), []);
    if (origin === 'cluster') {
      // The pod got SIGTERM and stopped measuring.
      const after = server.requests;
      assert.equal(platforms.kube.jobs.history.at(-1)?.exitCode, 130);
      assert.equal(server.requests, after);
    }
  });
}

test('`coldbench restore` that cannot reach the Lambda API keeps the origin pending and says which', async () => {
  const out = mkdtempSync(path.join(dir, 'unreachable-'));
  fileJournal(out).begin({
    id: 'origin-lambda:gone:abc123',
    kind: 'origin-lambda',
    target: 'origin gone',
    undo: { function: 'coldbench-gone-abc123', role: null },
    location: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', iamEndpoint: null },
  });
  const result = await runColdbench(['restore', out]);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /could not restore origin gone \(origin-lambda:gone:abc123\)/);
  assert.equal(pendingChanges(out).length, 1);
});

test('`coldbench restore` refuses a damaged origin entry naming the field, and touches nothing', async () => {
  const out = mkdtempSync(path.join(dir, 'damaged-'));
  fileJournal(out).begin({ id: 'origin-kubernetes:x:abc123', kind: 'origin-kubernetes', target: 'origin x', undo: { objects: [] }, location: { context: platforms.kube.context } });
  const result = await runColdbench(['restore', out]);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /undo\.objects/);
  assert.equal(pendingChanges(out).length, 1);
});
