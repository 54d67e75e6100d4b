// How long burst: and keepalive: take (a prediction, pure): what the file fixes (idle gaps, the
// strategy's idle wait) plus allowances per burst and per sample. Used by planExperiments and by
// predictTargetMs (origins/predict.ts), which passes its control-plane allowance per strategy.
import type { BurstConfig, ColdConfig, ColdStrategy, KeepaliveConfig } from '../config/schema.js';

/** Allowance for one burst's requests, and for a keepalive sample's two requests. */
export const BURST_REQUEST_MS = 1_000;
export const KEEPALIVE_REQUESTS_MS = 1_000;

export function burstMs(burst: BurstConfig, cold: Pick<ColdConfig, 'strategy' | 'idleMs'>, perSampleMs: Record<ColdStrategy, number>): number {
  const bursts = burst.sizes.length * burst.samples;
  return bursts * (perSampleMs[cold.strategy] + (cold.strategy === 'idle' ? cold.idleMs : 0) + BURST_REQUEST_MS);
}

export function keepaliveMs(keepalive: KeepaliveConfig): number {
  const gaps = keepalive.idleMs.reduce((sum, gap) => sum + gap, 0);
  return keepalive.samples * (gaps + keepalive.idleMs.length * KEEPALIVE_REQUESTS_MS);
}
