// What a warm engine (closed model on autocannon, open model on undici, SDK invoke loop) returns.
import type { ErrorKind } from '../errors.js';
import type { LatencyHistogram } from '../histograms.js';

export interface WarmEngineResult {
  model: 'closed' | 'open' | 'invoke';
  /** Successful responses only; errors are counted in errorsByKind. */
  histogram: LatencyHistogram;
  /** Calls that completed (successfully or not). */
  requests: number;
  durationUs: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  connections?: number;
  rate?: number;
  scheduled?: number;
  sent?: number;
  late?: number;
  dropped?: number;
}

export interface WarmProgress {
  (done: number, elapsedMs: number): void;
}
