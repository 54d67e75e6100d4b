// results.json read back by `report` and `compare` is checked field by field: a wrong type is
// refused with exit 2 and one line naming the file and the field; results written before platform
// facts carried their kind still read; a checkpoint line of the wrong shape is skipped in a rebuild.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readResultsFile } from '../bench/results/read.js';
import { rebuildFromCheckpoint } from '../bench/results/rebuild.js';
import { fixtureRun } from './helpers/results-fixture.js';
import { runColdbench } from './helpers/servers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-results-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

const goodRun = () => fixtureRun([{ name: 'api', kind: 'lambda', cold: [200_000, 210_000], warm: [5_000, 6_000], platform: { kind: 'lambda', memorySizeMb: 512 } }]);

test('a field of the wrong type: exit 2 naming the file and the field, for report and compare', async () => {
  const run = goodRun();
  const bad = JSON.parse(JSON.stringify(run));
  bad.targets[0].phases.cold.summary.p50Us = 'fast';
  const file = write('bad-type.json', bad);
  const report = await runColdbench(['report', file, '--out', path.join(dir, 'out-bad')]);
  assert.equal(report.code, 2, report.stderr);
  assert.equal(report.stderr, `coldbench: ${file}: targets[0].phases.cold.summary.p50Us: expected a number, got "fast"\n`);
  const good = write('good.json', run);
  const compare = await runColdbench(['compare', good, file]);
  assert.equal(compare.code, 2, compare.stderr);
  assert.match(compare.stderr, /bad-type\.json: targets\[0\]\.phases\.cold\.summary\.p50Us: expected a number, got "fast"/);
});

test('every wrong field is named, one line each; an unknown kind or status is refused', async () => {
  const bad = JSON.parse(JSON.stringify(goodRun()));
  bad.targets[0].kind = 'mainframe';
  bad.targets[0].status = 'fine';
  delete bad.run.startedAt;
  const file = write('bad-many.json', bad);
  const report = await runColdbench(['report', file]);
  assert.equal(report.code, 2);
  const lines = report.stderr.trim().split('\n');
  assert.ok(lines.every((l) => l.startsWith(`coldbench: ${file}: `)), report.stderr);
  assert.ok(lines.some((l) => l.endsWith('run.startedAt: expected a string, got nothing')), report.stderr);
  assert.ok(lines.some((l) => /targets\[0\]\.kind: expected one of http, lambda, cloud-function, cloud-run, knative, kubernetes, got "mainframe"$/.test(l)), report.stderr);
  assert.ok(lines.some((l) => /targets\[0\]\.status: expected "ok" or "failed" or "partial", got "fine"$/.test(l)), report.stderr);
});

test('results written before platform facts carried their kind read as facts of the target kind', () => {
  const old = JSON.parse(JSON.stringify(goodRun()));
  old.targets[0].platform = { memorySizeMb: 512, architecture: 'arm64' };
  const results = readResultsFile(write('old-facts.json', old));
  assert.deepEqual(results.targets[0]!.platform, { memorySizeMb: 512, architecture: 'arm64', kind: 'lambda' });
  const mixed = JSON.parse(JSON.stringify(goodRun()));
  mixed.targets[0].platform = { kind: 'kubernetes', replicas: 2 };
  assert.throws(() => readResultsFile(write('mixed.json', mixed)), /targets\[0\]\.platform\.kind: platform facts of another kind than the target/);
});

test('a checkpoint line of the wrong shape is skipped like a torn one', () => {
  const lines = [
    { type: 'run', id: 'r1', origin: 'local', startedAt: '2026-01-01T00:00:00.000Z', targetFile: 't.yaml' },
    { type: 'target-start', target: { name: 'a', kind: 'http', region: 'here', origin: 'local', config: {} } },
    { type: 'cold-sample', target: 'a', sample: { seq: 'zero' } },
  ].map((r) => JSON.stringify(r));
  const results = rebuildFromCheckpoint(lines.join('\n'), 'checkpoint.ndjson');
  assert.equal(results.targets.length, 1);
  assert.deepEqual(results.targets[0]!.platform, { kind: 'http' });
  assert.equal(results.targets[0]!.phases.cold, undefined, 'the malformed sample is not a sample');
});
