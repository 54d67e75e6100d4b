// A run with every experiment (burst sizes with a throttled burst, keepalive gaps, warm stages),
// built through the experiments' own summarising functions: for the report tests.
import { summariseBurstSize } from '../../bench/experiments/burst.js';
import { summariseGap } from '../../bench/experiments/keepalive.js';
import type { ExperimentSampleRecord, RunResults } from '../../bench/results/types.js';
import { fixtureRun, spread } from './results-fixture.js';

function request(latencyUs: number, instance: string, cold: boolean | null, error: ExperimentSampleRecord['error'] = null): ExperimentSampleRecord {
  return { startedAt: '2026-01-01T00:00:00.000Z', latencyUs, status: error ? 429 : 200, error, cold, instance: error ? null : instance, initUs: null };
}

export function experimentRun(): RunResults {
  const run = fixtureRun([{ name: 'svc', kind: 'http', cold: spread(200_000, 3), warm: spread(5_000, 200) }]);
  const target = run.targets[0]!;
  const burst = (size: number, throttled: number) => {
    const requests = Array.from({ length: size }, (_, i) => (i < throttled ? request(2_000, '', null, 'throttled') : request(150_000 + i * 10_000, `i${i}`, true)));
    return summariseBurstSize(size, [{ controlPlaneUs: 1_000_000, instances: size - throttled, coldStarts: size - throttled, requests }]);
  };
  const gap = (idleMs: number, colds: number) => summariseGap(idleMs, [0, 1, 2].map((i) => request(10_000, `k${i}`, i < colds)));
  target.experiments = {
    burst: { strategy: 'idle', sizes: [burst(1, 0), burst(4, 0), burst(8, 2)] },
    keepalive: { gaps: [gap(500, 0), gap(3_000, 3)] },
  };
  target.phases.warm!.stages = [
    { startMs: 0, durationMs: 1000, fromRate: 20, toRate: 20, scheduled: 20, sent: 20, errors: 0, coldStarts: 0 },
    { startMs: 1000, durationMs: 3000, fromRate: 1, toRate: 1, scheduled: 3, sent: 3, errors: 0, coldStarts: 2 },
  ];
  return run;
}

