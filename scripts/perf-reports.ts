// Part of `npm run perf`: how long the reporters take to write every report (results.json, CSV,
// Markdown, HTML) for a run of 50 targets, each with 20 cold samples and a warm histogram of 100k
// requests. The synthetic results are built before the clock starts.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHistogram, histogramOf } from '../bench/histograms.js';
import { writeReports } from '../bench/reporters/index.js';
import { SCHEMA_VERSION, type ColdSampleRecord, type RunResults, type TargetResult } from '../bench/results/types.js';

const KINDS = ['http', 'lambda', 'cloud-function', 'knative', 'kubernetes'] as const;

function syntheticTarget(index: number, random: () => number): TargetResult {
  const coldUs = Array.from({ length: 20 }, () => Math.round(150_000 + random() * 900_000));
  const samples: ColdSampleRecord[] = coldUs.map((latencyUs, seq) => ({
    seq,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, index, seq)).toISOString(),
    latencyUs,
    status: 200,
    error: null,
    cold: true,
    initUs: Math.round(latencyUs * 0.6),
    instance: `instance-${index}-${seq}`,
    strategy: 'command',
    controlPlaneUs: 1_000_000,
    dnsUs: null,
    connectUs: 300,
    tlsUs: null,
    ttfbUs: latencyUs - 400,
    extra: { billedDurationMs: Math.ceil(latencyUs / 1000) },
  }));
  const cold = histogramOf(coldUs);
  const warm = createHistogram();
  for (let i = 0; i < 100_000; i += 1) warm.record(200 + random() * random() * 50_000);
  const kind = KINDS[index % KINDS.length]!;
  const target: TargetResult = {
    name: `target-${String(index).padStart(2, '0')}`,
    kind,
    region: `region-${index % 7}`,
    origin: 'local',
    status: 'ok',
    config: { url: `http://127.0.0.1:${8000 + index}/` },
    platform: { kind },
    phases: {
      cold: {
        summary: cold.summary(0),
        histogram: cold.encode(),
        strategy: 'command',
        verified: 20,
        notCold: 0,
        unverified: 0,
        samples,
        errorsByKind: {},
      },
      warm: {
        summary: warm.summary(0),
        histogram: warm.encode(),
        model: 'closed',
        requests: 100_000,
        durationUs: 10_000_000,
        throughputRps: 10_000,
        errorsByKind: {},
        connections: 8,
      },
    },
  };
  cold.destroy();
  warm.destroy();
  return target;
}

export interface ReportTiming {
  targets: number;
  ms: number;
  bytes: number;
}

export async function timeReports(targets = 50): Promise<ReportTiming> {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: '0.0.0-perf' },
    run: { id: 'perf', origin: 'local', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T01:00:00.000Z', partial: false },
    targets: Array.from({ length: targets }, (_, i) => syntheticTarget(i, random)),
    thresholds: [],
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-perf-reports-'));
  try {
    const started = performance.now();
    const files = await writeReports(results, dir);
    const ms = performance.now() - started;
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    return { targets, ms, bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
