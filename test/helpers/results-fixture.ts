// Hand-built results.json objects with exactly known samples, for the report, compare, merge,
// threshold and cost tests (they read results only, so no run is needed to build one).
import { histogramOf } from '../../bench/histograms.js';
import type { TargetKind } from '../../bench/config/schema.js';
import type { ColdSampleRecord, RunResults, TargetResult } from '../../bench/results/types.js';

export interface FixtureTarget {
  name: string;
  origin?: string;
  kind?: TargetKind;
  region?: string;
  status?: TargetResult['status'];
  failure?: string;
  /** Cold latencies (µs), one per successful sample. */
  cold?: number[];
  coldErrors?: number;
  /** Per-cold-sample extras (billedDurationMs, memorySizeMb ...), by index. */
  coldExtra?: Array<Record<string, number | string | null>>;
  /** Warm latencies (µs) of successful requests. */
  warm?: number[];
  warmErrors?: number;
  warmDurationUs?: number;
  billedDurationMsMean?: number;
  platform?: TargetResult['platform'];
  config?: Record<string, unknown>;
}

export function fixtureTarget(f: FixtureTarget): TargetResult {
  const origin = f.origin ?? 'local';
  const phases: TargetResult['phases'] = {};
  if (f.cold) {
    const h = histogramOf(f.cold);
    const errors = f.coldErrors ?? 0;
    const samples: ColdSampleRecord[] = f.cold.map((latencyUs, seq) => ({
      seq,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      latencyUs,
      status: 200,
      error: null,
      cold: true,
      initUs: Math.round(latencyUs / 2),
      instance: `${origin}-i${seq}`,
      strategy: 'none',
      controlPlaneUs: null,
      dnsUs: null,
      connectUs: null,
      tlsUs: null,
      ttfbUs: null,
      extra: f.coldExtra?.[seq] ?? {},
    }));
    for (let i = 0; i < errors; i++) {
      samples.push({ ...samples[0]!, seq: samples.length, latencyUs: 30_000_000, status: null, error: 'timeout', cold: null, initUs: null, instance: null, extra: {} });
    }
    phases.cold = {
      summary: h.summary(errors),
      histogram: h.encode(),
      strategy: 'none',
      verified: f.cold.length,
      notCold: 0,
      unverified: 0,
      samples,
      errorsByKind: errors ? { timeout: errors } : {},
    };
  }
  if (f.warm) {
    const h = histogramOf(f.warm);
    const errors = f.warmErrors ?? 0;
    const durationUs = f.warmDurationUs ?? 10_000_000;
    const requests = f.warm.length + errors;
    phases.warm = {
      summary: h.summary(errors),
      histogram: h.encode(),
      model: 'closed',
      requests,
      durationUs,
      throughputRps: (requests * 1e6) / durationUs,
      errorsByKind: errors ? { http5xx: errors } : {},
      connections: 4,
      ...(f.billedDurationMsMean !== undefined ? { billedDurationMsMean: f.billedDurationMsMean } : {}),
    };
  }
  const kind = f.kind ?? 'http';
  return {
    name: f.name,
    kind,
    region: f.region ?? 'test-region',
    origin,
    status: f.status ?? 'ok',
    ...(f.failure ? { failure: f.failure } : {}),
    config: f.config ?? {},
    platform: f.platform ?? { kind },
    phases,
  };
}

export function fixtureRun(targets: FixtureTarget[], run: { id?: string; origin?: string; startedAt?: string } = {}): RunResults {
  const origin = run.origin ?? targets[0]?.origin ?? 'local';
  return {
    schemaVersion: 1,
    tool: { name: 'coldbench', version: '0.1.0' },
    run: {
      id: run.id ?? `run-${origin}`,
      origin,
      startedAt: run.startedAt ?? '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:10:00.000Z',
      partial: false,
      targetFile: 'targets/fixture.yaml',
    },
    targets: targets.map((t) => fixtureTarget({ origin, ...t })),
    thresholds: [],
  };
}

/** `n` latencies (µs) spread deterministically around `centerUs` (±spread), no randomness. */
export function spread(centerUs: number, n: number, spreadFraction = 0.2): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(centerUs * (1 - spreadFraction + (2 * spreadFraction * ((i * 7919) % n)) / Math.max(1, n - 1))));
}
