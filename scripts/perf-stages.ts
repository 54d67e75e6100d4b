// `npm run perf` section "stages": a two-stage arrival profile (warm.stages) against the local perf
// server, and the rate each stage actually sent (requests that left within the stage's window /
// its length) against the rate it asked for. Issue 16's goal: each stage within 2%. The test suite
// checks the pacer's intended times exactly (test/arrivals.test.ts); this measures the real sends.
import type { WarmConfig } from '../bench/config/schema.js';
import { runOpenModel } from '../bench/phases/open-model.js';
import type { StageResult } from '../bench/results/types.js';
import { startPerfServer } from './perf-tools.js';

/** Stage 1 holds 200 req/s for 3 s; stage 2 ramps to 1000 req/s over 3 s (k6's ramping arrival rate). */
export const STAGES_PROFILE: WarmConfig = {
  connections: 1,
  maxConnections: 256,
  warmupMs: 0,
  durationMs: 6000,
  arrivals: { kind: 'stages', startRate: 200, stages: [{ rate: 200, durationMs: 3000 }, { rate: 1000, durationMs: 3000 }] },
};

export interface StageAccuracy {
  /** Mean rate each stage asked for, and the rate that left within its window. */
  askedRps: number;
  sentRps: number;
  stage: StageResult;
}

export async function measureStages(log: (line: string) => void, signal: AbortSignal): Promise<StageAccuracy[]> {
  const server = await startPerfServer(['--latency', '1']);
  try {
    log('stages: open model, 200 req/s for 3 s, then a ramp to 1000 req/s over 3 s (1 ms answers)');
    const result = await runOpenModel({ url: server.url, method: 'GET', headers: {} }, STAGES_PROFILE, { timeoutMs: 10_000, signal });
    result.histogram.destroy();
    return (result.stages ?? []).map((stage) => ({
      askedRps: (stage.fromRate + stage.toRate) / 2,
      sentRps: stage.sent / (stage.durationMs / 1000),
      stage,
    }));
  } finally {
    await server.stop();
  }
}
