// The file formats of `coldbench export`: Bencher Metric Format, Elasticsearch bulk NDJSON and
// OpenMetrics text, from results with known numbers (failed targets, error-only phases, two
// origins, an older run given last); and the numbers they share (results/derived.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bmfOf } from '../bench/export/bmf.js';
import { explicitBuckets, metricFamilies } from '../bench/export/metrics.js';
import { buildExportModel } from '../bench/export/model.js';
import { bulkDocuments, renderBulkNdjson } from '../bench/export/ndjson.js';
import { escapeLabelValue, renderOpenMetrics } from '../bench/export/text-format.js';
import { coldPenaltyUs, costUsdPer1M, errorsByKind, rttUs } from '../bench/results/derived.js';
import { estimateCost } from '../bench/cost.js';
import { decodeHistogram, recordedBucketRanges } from '../bench/histograms.js';
import type { RunResults } from '../bench/results/types.js';
import { fixtureRun, fixtureTarget, spread } from './helpers/results-fixture.js';

function runs(): RunResults[] {
  const tokyo = fixtureRun(
    [
      { name: 'fn', kind: 'lambda', cold: spread(300_000, 9), warm: spread(20_000, 500), warmErrors: 4 },
      { name: 'down', status: 'failed', failure: 'control plane said no' },
      { name: 'all-errors', warm: [], warmErrors: 5 },
    ],
    { id: 'tokyo-new', origin: 'tokyo', startedAt: '2026-03-02T00:00:00.000Z' },
  );
  for (const t of tokyo.targets) t.cost = estimateCost(t);
  tokyo.targets[0]!.network = { rttUs: 31_000 };
  const frankfurt = fixtureRun([{ name: 'fn', kind: 'lambda', cold: spread(250_000, 5), warm: spread(18_000, 300) }], { id: 'fra', origin: 'frankfurt', startedAt: '2026-03-01T00:00:00.000Z' });
  // An older tokyo run, given last: it must not win over the newer one.
  const old = fixtureRun([{ name: 'fn', kind: 'lambda', cold: spread(900_000, 5), warm: spread(90_000, 100) }, { name: 'gone', warm: spread(1_000, 10) }], { id: 'tokyo-old', origin: 'tokyo', startedAt: '2026-02-01T00:00:00.000Z' });
  return [tokyo, frankfurt, old];
}

test('derived numbers: cold penalty, RTT, USD cost, errors by kind that add up', () => {
  const both = fixtureTarget({ name: 'a', cold: [100_000, 120_000, 140_000], warm: [10_000, 11_000, 12_000] });
  assert.equal(coldPenaltyUs(both), 120_000 - 11_000);
  assert.equal(coldPenaltyUs(fixtureTarget({ name: 'w', warm: [1_000] })), null, 'no cold phase');
  assert.equal(coldPenaltyUs(fixtureTarget({ name: 'c', cold: [1_000] })), null, 'no warm phase');
  assert.equal(coldPenaltyUs(fixtureTarget({ name: 'e', cold: [], coldErrors: 2, warm: [1_000] })), null, 'no successful cold sample');
  assert.equal(rttUs(both), null, 'not measured');
  assert.equal(rttUs({ ...both, network: { rttUs: 1_234 } }), 1_234);
  assert.equal(rttUs({ ...both, network: { rttUs: null } }), null);
  const priced = { ...both, cost: estimateCost({ ...both, kind: 'kubernetes' }) };
  assert.ok(costUsdPer1M(priced)! > 0);
  assert.equal(costUsdPer1M({ ...priced, cost: { ...priced.cost, currency: 'EUR' } }), null, 'the metric is in USD: other currencies are left out');
  const warm = fixtureTarget({ name: 'x', warm: [1_000], warmErrors: 7 }).phases.warm!;
  assert.deepEqual(errorsByKind({ ...warm, errorsByKind: { timeout: 2, http5xx: 3 } }), [['http5xx', 3], ['other', 2], ['timeout', 2]], 'uncategorised errors are "other"');
});

test('export model: per origin the latest run, whatever the order of the files', () => {
  const model = buildExportModel(runs());
  assert.deepEqual(model.origins.map((o) => [o.origin, o.runId]).sort(), [['frankfurt', 'fra'], ['tokyo', 'tokyo-new']]);
  assert.ok(!model.targets.some((t) => t.target === 'gone'), 'targets of older runs are not current');
  const fn = model.phases.find((p) => p.origin === 'tokyo' && p.target === 'fn' && p.phase === 'warm')!;
  assert.equal(fn.summary.p50Us, runs()[0]!.targets[0]!.phases.warm!.summary.p50Us);
});

test('explicit histogram buckets: every count in a bucket no wider than the HDR resolution', () => {
  const values = [...spread(300_000, 40), ...spread(2_000, 400), 0, 1, 5_000_000];
  const run = fixtureRun([{ name: 'h', warm: values }]);
  const h = decodeHistogram(run.targets[0]!.phases.warm!.histogram);
  const { bounds, counts } = explicitBuckets(recordedBucketRanges(h));
  h.destroy();
  assert.equal(counts.length, bounds.length + 1);
  assert.equal(counts.reduce((a, b) => a + b, 0), values.length);
  assert.ok(bounds.every((b, i) => i === 0 || b > bounds[i - 1]!), 'bounds strictly increasing');
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    const upper = bounds[i]!;
    // Latencies are non-negative whole microseconds: the first bucket starts just below 0.
    const lower = i === 0 ? -1e-6 : bounds[i - 1]!;
    assert.ok(upper - lower <= Math.max(1e-6, upper * 0.001) + 1e-12, `bucket (${lower}, ${upper}] is tight`);
  }
  for (const v of values) {
    const i = bounds.findIndex((b) => v / 1e6 <= b);
    assert.ok(i >= 0 && counts[i]! > 0, `${v} µs falls in a counted bucket`);
  }
});

test('BMF: one benchmark per origin x target x phase, percentiles in nanoseconds, throughput and error rate', () => {
  const all = runs();
  const bmf = bmfOf(buildExportModel(all));
  assert.deepEqual(Object.keys(bmf).sort(), ['frankfurt/fn/cold', 'frankfurt/fn/warm', 'tokyo/all-errors/warm', 'tokyo/fn/cold', 'tokyo/fn/warm']);
  const warm = all[0]!.targets[0]!.phases.warm!;
  const b = bmf['tokyo/fn/warm']!;
  assert.deepEqual(b.latency, { value: warm.summary.p50Us * 1000, lower_value: warm.summary.minUs * 1000, upper_value: warm.summary.maxUs * 1000 });
  assert.equal(b['latency-p99']!.value, warm.summary.p99Us * 1000);
  assert.equal(b['latency-p999']!.value, warm.summary.p999Us * 1000);
  assert.equal(b.throughput!.value, warm.throughputRps);
  assert.equal(b['error-rate']!.value, 4 / 504);
  assert.deepEqual(bmf['tokyo/all-errors/warm'], { throughput: { value: all[0]!.targets[2]!.phases.warm!.throughputRps }, 'error-rate': { value: 1 } }, 'no latency without a successful call');
  // Bencher's schema: every measure has a numeric value; slugs at most 64 characters.
  for (const measures of Object.values(bmf)) {
    for (const [slug, m] of Object.entries(measures)) {
      assert.ok(slug.length <= 64 && Number.isFinite(m.value));
    }
  }
});

test('bulk NDJSON: action + document pairs, every run, every phase, every cold sample; one type per field', () => {
  const all = runs();
  const text = renderBulkNdjson(all);
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length % 2, 0);
  const docs = lines.filter((_, i) => i % 2 === 1).map((l) => JSON.parse(l) as Record<string, unknown>);
  const ids = lines.filter((_, i) => i % 2 === 0).map((l) => (JSON.parse(l) as { create: { _id: string } }).create._id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(bulkDocuments(all).map((d) => d.id), ids, 'ids are stable: loading the file twice adds nothing');
  for (const run of all) {
    for (const t of run.targets) {
      for (const phase of ['cold', 'warm'] as const) {
        const p = t.phases[phase];
        const found = docs.filter((d) => d.doc_type === 'summary' && d.run_id === run.run.id && d.target === t.name && d.phase === phase);
        assert.equal(found.length, p ? 1 : 0, `${run.run.id} ${t.name} ${phase}`);
        if (p && found[0]) assert.equal(found[0].p50_ms, p.summary.count > 0 ? p.summary.p50Us / 1000 : null);
      }
      const samples = docs.filter((d) => d.doc_type === 'sample' && d.run_id === run.run.id && d.target === t.name);
      assert.equal(samples.length, t.phases.cold?.samples.length ?? 0);
    }
  }
  const types = new Map<string, Set<string>>();
  for (const d of docs) {
    assert.ok(Number.isFinite(Date.parse(String(d['@timestamp']))));
    for (const [k, v] of Object.entries(d)) {
      if (v === null) continue;
      const set = types.get(k) ?? new Set();
      set.add(Array.isArray(v) ? 'array' : typeof v);
      types.set(k, set);
    }
  }
  for (const [k, set] of types) assert.equal(set.size, 1, `field ${k} has one type across documents, not ${[...set]}`);
  const tokyoWarm = docs.find((d) => d.doc_type === 'summary' && d.run_id === 'tokyo-new' && d.target === 'fn' && d.phase === 'warm')!;
  assert.equal(tokyoWarm.rtt_ms, 31);
  assert.equal(tokyoWarm.cold_penalty_ms, coldPenaltyUs(all[0]!.targets[0]!)! / 1000);
});

test('OpenMetrics: families, units, counters without _total in the family name, NaN quantiles without samples, # EOF', () => {
  const text = renderOpenMetrics(metricFamilies(buildExportModel(runs())));
  assert.match(text, /# EOF\n$/);
  assert.match(text, /^# TYPE coldbench_latency_seconds summary\n# UNIT coldbench_latency_seconds seconds\n/m);
  assert.match(text, /^# TYPE coldbench_errors counter$/m);
  assert.match(text, /^coldbench_errors_total\{origin="tokyo",target="fn",kind="lambda",region="test-region",phase="warm",error_kind="http5xx"\} 4$/m);
  assert.match(text, /^coldbench_latency_seconds\{origin="tokyo",target="all-errors",kind="http",region="test-region",phase="warm",quantile="0.5"\} NaN$/m);
  assert.match(text, /^coldbench_latency_seconds_count\{origin="tokyo",target="all-errors",kind="http",region="test-region",phase="warm"\} 0$/m);
  assert.match(text, /^coldbench_rtt_seconds\{origin="tokyo",target="fn",kind="lambda",region="test-region"\} 0.031$/m);
  assert.match(text, /^coldbench_run_timestamp_seconds\{origin="frankfurt"\} 1772323200$/m);
  assert.doesNotMatch(text, /coldbench_rtt_seconds\{origin="frankfurt"/, 'no RTT where none was measured');
  assert.doesNotMatch(text, /target="gone"/);
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
});
