// The fields that make numbers comparable across platforms in results.json (network baseline,
// cold penalty, pre-warm and hidden cold starts): optional, so older files still read; checked
// field by field when present; pooled sensibly when repeated runs are merged; and the cold penalty
// written as results/derived.ts defines it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../bench/errors.js';
import { mergeRuns } from '../bench/merge.js';
import { checkResults } from '../bench/results/read.js';
import { coldPenaltyUs, withDerivedNumbers } from '../bench/results/derived.js';
import { bulkDocuments } from '../bench/export/ndjson.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';

function withComparableFields() {
  const run = fixtureRun([{ name: 'api', cold: [300_000, 320_000, 340_000], warm: spread(20_000, 100) }]);
  const t = run.targets[0]!;
  t.network = { rttUs: 12_000, host: 'api.example.test', port: 443, tls: true, samples: 3, connectUs: [13_000, 12_000, 12_500], tlsUs: [25_000, 24_000, 26_000], errors: 0 };
  Object.assign(t.phases.warm!, { prewarm: 4, coldInWarm: 1, instances: 4 });
  return run;
}

test('a results file with the new fields reads back with them; one without them still reads', () => {
  const run = withComparableFields();
  const read = checkResults(JSON.parse(JSON.stringify(withDerivedNumbers(run))), 'results.json');
  const t = read.targets[0]!;
  assert.deepEqual(t.network, run.targets[0]!.network);
  assert.equal(t.phases.warm!.coldInWarm, 1);
  assert.equal(t.phases.warm!.prewarm, 4);
  assert.equal(t.phases.warm!.instances, 4);
  assert.equal(t.coldPenaltyUs, coldPenaltyUs(run.targets[0]!));
  const old = checkResults(JSON.parse(JSON.stringify(fixtureRun([{ name: 'api', warm: [1_000] }]))), 'old.json');
  assert.equal(old.targets[0]!.network, undefined);
});

test('a wrong value in one of them is bad input naming the field', () => {
  const run = JSON.parse(JSON.stringify(withComparableFields()));
  run.targets[0].network.rttUs = 'fast';
  run.targets[0].phases.warm.coldInWarm = 'none';
  run.targets[0].network.connectUs = [1, 'two'];
  assert.throws(() => checkResults(run, 'r.json'), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.match(err.message, /r\.json: targets\[0\]\.network\.rttUs: expected a number/);
    assert.match(err.message, /targets\[0\]\.phases\.warm\.coldInWarm: expected a number/);
    assert.match(err.message, /targets\[0\]\.network\.connectUs\[1\]: expected a number/);
    return true;
  });
});

test('the cold penalty in results.json is always recomputed (a stale value cannot survive)', () => {
  const run = withComparableFields();
  run.targets[0]!.coldPenaltyUs = 1;
  const t = withDerivedNumbers(run).targets[0]!;
  assert.equal(t.coldPenaltyUs, t.phases.cold!.summary.p50Us - t.phases.warm!.summary.p50Us);
  assert.equal(withDerivedNumbers(fixtureRun([{ name: 'w', warm: [1_000] }])).targets[0]!.coldPenaltyUs, null);
});

test('repeated runs of one origin x target: the fastest RTT, every attempt pooled, hidden cold starts summed', () => {
  const a = withComparableFields();
  const b = withComparableFields();
  b.run.id = 'second';
  b.targets[0]!.network = { rttUs: 9_000, host: 'api.example.test', port: 443, tls: true, samples: 2, connectUs: [9_000, 9_500], tlsUs: [20_000, 21_000], errors: 1 };
  Object.assign(b.targets[0]!.phases.warm!, { coldInWarm: 2, instances: 6 });
  const merged = mergeRuns([a, b]).targets[0]!;
  assert.deepEqual(merged.network, {
    rttUs: 9_000, host: 'api.example.test', port: 443, tls: true, samples: 5,
    connectUs: [13_000, 12_000, 12_500, 9_000, 9_500], tlsUs: [25_000, 24_000, 26_000, 20_000, 21_000], errors: 1,
  });
  assert.equal(merged.phases.warm!.coldInWarm, 3);
  assert.equal(merged.phases.warm!.instances, 6, 'the busiest run: the runs were one after another');
  // A run that could not tell makes the pooled count unknown, not an undercount.
  const c = withComparableFields();
  c.run.id = 'third';
  c.targets[0]!.phases.warm!.coldInWarm = null;
  assert.equal(mergeRuns([a, c]).targets[0]!.phases.warm!.coldInWarm, null);
  // Different origins keep their own baselines.
  const other = withComparableFields();
  for (const t of other.targets) t.origin = 'paris';
  other.run.origin = 'paris';
  const two = mergeRuns([a, other]);
  assert.deepEqual(two.targets.map((t) => t.network?.rttUs), [12_000, 12_000]);
});

test('the NDJSON export carries them: rtt_ms and cold_penalty_ms per target, cold_in_warm on the warm summary', () => {
  const run = withComparableFields();
  const summaries = bulkDocuments([run]).map((d) => d.doc).filter((d) => d.doc_type === 'summary');
  const warm = summaries.find((d) => d.phase === 'warm')!;
  const cold = summaries.find((d) => d.phase === 'cold')!;
  assert.equal(warm.cold_in_warm, 1);
  assert.equal(cold.cold_in_warm, undefined, 'a cold summary has no such field');
  assert.equal(cold.rtt_ms, 12);
  assert.equal(cold.cold_penalty_ms, coldPenaltyUs(run.targets[0]!)! / 1000);
});
