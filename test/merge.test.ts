import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { runColdbench } from './helpers/cli.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { mergeRuns } from '../bench/merge.js';
import { decodeHistogram, histogramOf } from '../bench/histograms.js';
import { evaluateThresholds } from '../bench/thresholds.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('two origins merge into one row per origin x target, keeping each origin its own numbers', () => {
  const tokyo = fixtureRun([{ name: 'api', cold: [300_000, 310_000], warm: spread(20_000, 100) }, { name: 'fn', warm: spread(5_000, 50) }], { id: 't1', origin: 'tokyo' });
  const paris = fixtureRun([{ name: 'api', cold: [900_000, 910_000], warm: spread(80_000, 100) }], { id: 'p1', origin: 'paris', startedAt: '2025-12-31T23:00:00.000Z' });
  const merged = mergeRuns([tokyo, paris]);
  assert.deepEqual(merged.run.origins, ['tokyo', 'paris']);
  assert.deepEqual(merged.run.mergedFrom, ['t1', 'p1']);
  assert.equal(merged.run.startedAt, '2025-12-31T23:00:00.000Z', 'earliest start of the inputs');
  assert.deepEqual(merged.targets.map((t) => `${t.origin}/${t.name}`), ['tokyo/api', 'tokyo/fn', 'paris/api']);
  const parisApi = merged.targets.find((t) => t.origin === 'paris' && t.name === 'api')!;
  assert.deepEqual(parisApi.phases.cold!.summary, paris.targets[0]!.phases.cold!.summary);
});

test('repeated runs of one origin pool their samples: histograms added exactly, summary recomputed', () => {
  const coldA = [100_000, 120_000, 140_000];
  const coldB = [400_000, 420_000];
  const warmA = spread(10_000, 300);
  const warmB = spread(30_000, 100);
  const a = fixtureRun([{ name: 'api', cold: coldA, warm: warmA, warmErrors: 2, warmDurationUs: 3_000_000 }], { id: 'a' });
  const b = fixtureRun([{ name: 'api', cold: coldB, coldErrors: 1, warm: warmB, warmDurationUs: 1_000_000 }], { id: 'b' });
  const merged = mergeRuns([a, b]);
  assert.equal(merged.targets.length, 1);
  const t = merged.targets[0]!;
  assert.deepEqual(t.phases.cold!.summary, histogramOf([...coldA, ...coldB]).summary(1));
  assert.deepEqual(t.phases.warm!.summary, histogramOf([...warmA, ...warmB]).summary(2));
  assert.deepEqual(decodeHistogram(t.phases.warm!.histogram).summary(2), t.phases.warm!.summary, 'stored histogram matches the summary');
  assert.deepEqual(t.phases.cold!.samples.map((s) => s.seq), [0, 1, 2, 3, 4, 5]);
  assert.equal(t.phases.cold!.verified, 5);
  assert.deepEqual(t.phases.cold!.errorsByKind, { timeout: 1 });
  assert.equal(t.phases.warm!.requests, 402);
  assert.equal(t.phases.warm!.durationUs, 4_000_000);
  assert.equal(t.phases.warm!.throughputRps, 100.5);
  assert.deepEqual(t.phases.warm!.errorsByKind, { http5xx: 2 });
});

test('merging any split of a sample equals the histogram of the whole sample (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 60_000_000 }), { minLength: 2, maxLength: 200 }), fc.nat(), (values, cut) => {
      const at = 1 + (cut % (values.length - 1));
      const a = fixtureRun([{ name: 'x', warm: values.slice(0, at) }], { id: 'a' });
      const b = fixtureRun([{ name: 'x', warm: values.slice(at) }], { id: 'b' });
      const merged = mergeRuns([a, b]).targets[0]!.phases.warm!.summary;
      assert.deepEqual(merged, histogramOf(values).summary(0));
    }),
    { numRuns: 60 },
  );
});

test('thresholds recorded by the runs are evaluated again on every merged row', () => {
  const tokyo = fixtureRun([{ name: 'api', warm: spread(20_000, 100) }], { id: 't', origin: 'tokyo' });
  const paris = fixtureRun([{ name: 'api', warm: spread(200_000, 100) }], { id: 'p', origin: 'paris' });
  tokyo.thresholds = evaluateThresholds(tokyo, ['warm.p50 < 100ms'], new Map());
  paris.thresholds = evaluateThresholds(paris, ['warm.p50 < 100ms'], new Map());
  const merged = mergeRuns([tokyo, paris]);
  assert.deepEqual(merged.thresholds.map((t) => [t.origin, t.passed]), [['tokyo', true], ['paris', false]]);
});

test('a results file of another schema version is refused with its run id', () => {
  const bad = { ...fixtureRun([{ name: 'x', warm: [1] }], { id: 'old-run' }), schemaVersion: 0 } as unknown as Parameters<typeof mergeRuns>[0][number];
  assert.throws(() => mergeRuns([bad]), /"old-run" has schemaVersion 0/);
});

test('coldbench report a.json b.json --out DIR writes one report with both origins', async () => {
  const a = path.join(dir, 'a.json');
  const b = path.join(dir, 'b.json');
  writeFileSync(a, JSON.stringify(fixtureRun([{ name: 'api', cold: [300_000], warm: spread(20_000, 50) }], { id: 'a', origin: 'tokyo' })));
  writeFileSync(b, JSON.stringify(fixtureRun([{ name: 'api', cold: [700_000], warm: spread(60_000, 50) }], { id: 'b', origin: 'sao-paulo' })));
  const out = path.join(dir, 'merged');
  const r = await runColdbench(['report', a, b, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.deepEqual(results.run.origins, ['tokyo', 'sao-paulo']);
  assert.deepEqual(results.targets.map((t: { origin: string }) => t.origin), ['tokyo', 'sao-paulo']);
  const csv = readFileSync(path.join(out, 'summary.csv'), 'utf8');
  assert.match(csv, /^tokyo,api,/m);
  assert.match(csv, /^sao-paulo,api,/m);
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /"origins":\["tokyo","sao-paulo"\]/);
});
