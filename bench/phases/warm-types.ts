// What a warm engine (closed model on autocannon, open model on undici, SDK invoke loop) returns:
// the warm phase's results.json fields, with the live histogram instead of its encoding.
import type { LatencyHistogram } from '../histograms.js';
import type { WarmPhaseResult } from '../results/types.js';

export type WarmEngineResult = Pick<
  WarmPhaseResult,
  'model' | 'requests' | 'durationUs' | 'errorsByKind' | 'connections' | 'rate' | 'scheduled' | 'sent' | 'late' | 'dropped' | 'billedDurationMsMean' | 'stages'
> & {
  /** Successful responses only; errors are counted in errorsByKind. */
  histogram: LatencyHistogram;
};

export interface WarmProgress {
  (done: number, elapsedMs: number): void;
}
