// Warm load for targets that are called through an SDK (Lambda Invoke): `concurrency` workers,
// each calling adapter.invoke() again as soon as its previous call returned (a closed model).
// Every call asks for the platform's word on coldness (Lambda: the log tail), so that a cold start
// inside the phase is counted.
import type { Adapter } from '../adapters/types.js';
import type { WarmConfig } from '../config/schema.js';
import type { ErrorKind } from '../errors.js';
import { createHistogram } from '../histograms.js';
import type { InstanceTracker } from './instances.js';
import { invokeWorkers } from './prewarm.js';
import type { WarmEngineResult, WarmProgress } from './warm-types.js';

export interface InvokeLoopOptions {
  signal: AbortSignal;
  onProgress?: WarmProgress;
  tracker?: InstanceTracker;
}

export async function runInvokeLoop(adapter: Adapter, warm: WarmConfig, options: InvokeLoopOptions): Promise<WarmEngineResult> {
  const histogram = createHistogram();
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  let started = 0;
  let requests = 0;
  // The platform's billed duration of each call, where it reports one (Lambda with the log tail).
  let billedSum = 0;
  let billedCalls = 0;
  const startMs = Date.now();
  const deadline = warm.durationMs !== undefined ? startMs + warm.durationMs : Number.POSITIVE_INFINITY;
  const limit = warm.requests ?? Number.POSITIVE_INFINITY;
  const more = () => !options.signal.aborted && Date.now() < deadline && started < limit;
  const ticker = setInterval(() => options.onProgress?.(requests, Date.now() - startMs), 1000);

  const worker = async () => {
    while (more()) {
      started += 1;
      const result = await adapter.invoke({ fresh: false, observeCold: true });
      requests += 1;
      options.tracker?.observe(result.instance, result.platformCold);
      if (result.error) errorsByKind[result.error] = (errorsByKind[result.error] ?? 0) + 1;
      else histogram.record(result.latencyUs);
      const billed = result.error ? undefined : result.extra?.billedDurationMs;
      if (typeof billed === 'number' && Number.isFinite(billed)) {
        billedSum += billed;
        billedCalls += 1;
      }
    }
  };
  const workers = invokeWorkers(warm);
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    clearInterval(ticker);
  }
  return {
    model: 'invoke',
    histogram,
    requests,
    durationUs: (Date.now() - startMs) * 1000,
    errorsByKind,
    connections: workers,
    ...(billedCalls > 0 ? { billedDurationMsMean: billedSum / billedCalls } : {}),
  };
}
