// OTLP/HTTP through the OpenTelemetry JS SDK's exporter, decoded on a loopback receiver with the
// OpenTelemetry project's own protobuf definitions: a real run's latency histograms give back
// summary.csv's p50 within 0.1%, their counts add up, and user text arrives as the same text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { startKnownLatencyServer, type FixtureServer } from './helpers/servers.js';
import { allMetrics, attributesOf, quantileBucket, startOtlpReceiver, type HistogramDataPoint, type OtlpReceiver } from './helpers/otlp.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import type { RunResults } from '../bench/results/types.js';
import { execColdbench } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-otlp-'));
let server: FixtureServer | undefined;
let receiver: OtlpReceiver | undefined;

before(async () => {
  server = await startKnownLatencyServer(6, 40);
  receiver = await startOtlpReceiver();
});

after(async () => {
  await server?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('run --otlp: each origin x target x phase arrives as a histogram whose p50 is summary.csv p50 (0.1%)', async () => {
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: fn
    kind: http
    region: test-region
    url: ${server!.url}
    cold:
      samples: 3
      strategy: command
      command: node -e "fetch('${server!.url}__cold').then(r => r.text())"
      instanceHeader: x-instance-id
    warm:
      requests: 120
      connections: 2
`,
  );
  const out = path.join(dir, 'run');
  // A bare collector address: the standard /v1/metrics path is added.
  const { stderr } = await execColdbench(['run', file, '--out', out, '--origin', 'otlp-origin', '--quiet', '--otlp', `http://127.0.0.1:${receiver!.port}`], { timeoutMs: 120_000 });
  assert.match(stderr, /exported 1 origin over OTLP/);
  assert.equal(receiver!.received.length, 1);
  const got = receiver!.received[0]!;
  assert.equal(got.path, '/v1/metrics');
  assert.equal(got.contentType, 'application/x-protobuf');
  const resource = attributesOf(got.request.resourceMetrics[0]!.resource.attributes);
  assert.equal(resource['service.name'], 'coldbench');

  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const rows = parse(readFileSync(path.join(out, 'summary.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const metrics = allMetrics(got.request);
  const latency = metrics.find((m) => m.name === 'coldbench_latency_seconds');
  assert.ok(latency?.histogram, 'latency is an OTLP histogram');
  assert.equal(latency.unit, 's');
  assert.equal(latency.histogram.aggregationTemporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  assert.equal(latency.histogram.dataPoints.length, rows.length);
  for (const row of rows) {
    const point: HistogramDataPoint | undefined = latency.histogram.dataPoints.find((p) => {
      const a = attributesOf(p.attributes);
      return a.origin === row.origin && a.target === row.target && a.phase === row.phase && a.kind === 'http' && a.region === 'test-region';
    });
    assert.ok(point, `a histogram point for ${row.target} ${row.phase}`);
    assert.equal(point.count, Number(row.samples));
    assert.equal(point.bucketCounts.reduce((a, b) => a + b, 0), point.count, 'bucket counts add up to the count');
    assert.equal(point.bucketCounts.length, point.explicitBounds.length + 1);
    const p50 = Number(row.p50_ms) / 1000;
    const bucket = quantileBucket(point, 0.5);
    assert.ok(bucket.lower < p50 + 1e-12 && p50 <= bucket.upper + 1e-12, `p50 ${p50} s inside its bucket (${bucket.lower}, ${bucket.upper}]`);
    assert.ok(Math.abs(bucket.upper - p50) <= p50 * 0.001, `${row.target} ${row.phase}: OTLP p50 ${bucket.upper} s vs summary.csv ${p50} s`);
    assert.ok(Math.abs(point.min! - Number(row.min_ms) / 1000) < 1e-9, 'min');
    assert.ok(Math.abs(point.max! - Number(row.max_ms) / 1000) < 1e-9, 'max');
    assert.equal(point.startTimeUnixNano, Date.parse(results.run.startedAt) * 1e6, 'starts with the run');
    assert.equal(point.timeUnixNano, Date.parse(results.run.endedAt) * 1e6, 'ends with the run');
  }
  const verified = metrics.find((m) => m.name === 'coldbench_cold_verified_total');
  assert.equal(verified?.sum?.isMonotonic, true);
  assert.equal(verified?.sum?.dataPoints[0]?.asInt, results.targets[0]!.phases.cold!.verified);
  const penalty = metrics.find((m) => m.name === 'coldbench_cold_penalty_seconds');
  const t = results.targets[0]!;
  assert.ok(Math.abs(penalty!.gauge!.dataPoints[0]!.asDouble! - (t.phases.cold!.summary.p50Us - t.phases.warm!.summary.p50Us) / 1e6) < 1e-9);
  const runTs = metrics.find((m) => m.name === 'coldbench_run_timestamp_seconds');
  assert.equal(runTs?.gauge?.dataPoints[0]?.asDouble, Date.parse(results.run.startedAt) / 1000);
});

test('export --otlp: hostile names arrive unchanged; credentials from the URL and OTEL_EXPORTER_OTLP_HEADERS are sent', async () => {
  const names = ['a "quoted" name', 'back\\slash', 'new\nline', 'curly}{,=', 'ünïcødé 🚀'];
  const run = fixtureRun(names.map((name, i) => ({ name, cold: spread(100_000 + i * 10_000, 5), warm: spread(5_000, 100) })), { origin: 'eu/west "1"' });
  run.targets[0]!.network = { rttUs: 4_321 };
  const file = path.join(dir, 'hostile.json');
  writeFileSync(file, JSON.stringify(run));
  const before = receiver!.received.length;
  await execColdbench(['export', file, '--otlp', `http://user:s3cret@127.0.0.1:${receiver!.port}/custom/path`], {
    timeoutMs: 60_000,
    env: { ...process.env, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k-123' },
  });
  const got = receiver!.received[before]!;
  assert.equal(got.path, '/custom/path', 'a path given is used as it is');
  assert.equal(got.headers.authorization, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
  assert.equal(got.headers['x-api-key'], 'k-123');
  const latency = allMetrics(got.request).find((m) => m.name === 'coldbench_latency_seconds')!;
  const targets = new Set(latency.histogram!.dataPoints.map((p) => attributesOf(p.attributes).target));
  assert.deepEqual([...targets].sort(), [...names].sort());
  assert.ok(latency.histogram!.dataPoints.every((p) => attributesOf(p.attributes).origin === 'eu/west "1"'));
  const rtt = allMetrics(got.request).find((m) => m.name === 'coldbench_rtt_seconds');
  assert.deepEqual(rtt?.gauge?.dataPoints.map((p) => [attributesOf(p.attributes).target, p.asDouble]), [[names[0], 0.004321]], 'RTT only where it was measured');
});

test('export --otlp to an endpoint that refuses: exit 3 with the reason, credentials not shown', async () => {
  const refusing = await startOtlpReceiver(400);
  try {
    const file = path.join(dir, 'small.json');
    writeFileSync(file, JSON.stringify(fixtureRun([{ name: 'x', warm: spread(5_000, 50) }])));
    const err = await execColdbench(['export', file, '--otlp', `http://user:s3cret@127.0.0.1:${refusing.port}/v1/metrics`], { timeoutMs: 60_000 }).then(
      () => assert.fail('expected exit 3'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 3);
    assert.match(err.stderr, /OTLP export failed/);
    assert.doesNotMatch(err.stderr, /s3cret/);
  } finally {
    await refusing.close();
  }
});
