// Warm phase: picks the engine (closed model on autocannon, open model on undici, SDK invoke loop)
// and turns its result into the results.json shape. An optional unrecorded warm-up runs first.
import type { Adapter } from '../adapters/types.js';
import type { WarmConfig } from '../config/schema.js';
import type { WarmPhaseResult } from '../results/types.js';
import type { WarmEngineResult, WarmProgress } from './warm-types.js';

export interface WarmPhaseOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onProgress?: WarmProgress;
  /** Progress lines worth keeping (a failed credential refresh). */
  log?: (message: string) => void;
}

async function runEngine(adapter: Adapter, warm: WarmConfig, options: WarmPhaseOptions): Promise<WarmEngineResult> {
  const load = adapter.warmLoad();
  if (load.type === 'invoke') {
    const { runInvokeLoop } = await import('./warm-invoke.js');
    return runInvokeLoop(adapter, warm, options);
  }
  if (warm.rate !== undefined) {
    const { runOpenModel } = await import('./open-model.js');
    return runOpenModel(load.request, warm, options);
  }
  const { runClosedModel } = await import('./warm-closed.js');
  return runClosedModel(load.request, warm, options);
}

export function toWarmPhaseResult(engine: WarmEngineResult): WarmPhaseResult {
  const errors = Object.values(engine.errorsByKind).reduce((a, b) => a + (b ?? 0), 0);
  const result: WarmPhaseResult = {
    summary: engine.histogram.summary(errors),
    histogram: engine.histogram.encode(),
    model: engine.model,
    requests: engine.requests,
    durationUs: engine.durationUs,
    throughputRps: engine.durationUs > 0 ? Math.round((engine.requests / (engine.durationUs / 1e6)) * 100) / 100 : 0,
    errorsByKind: engine.errorsByKind,
    ...(engine.connections !== undefined ? { connections: engine.connections } : {}),
    ...(engine.billedDurationMsMean !== undefined ? { billedDurationMsMean: engine.billedDurationMsMean } : {}),
    ...(engine.rate !== undefined ? { rate: engine.rate, scheduled: engine.scheduled, sent: engine.sent, late: engine.late, dropped: engine.dropped } : {}),
  };
  engine.histogram.destroy();
  return result;
}

export async function runWarmPhase(adapter: Adapter, warm: WarmConfig, options: WarmPhaseOptions): Promise<WarmPhaseResult> {
  if (warm.warmupMs > 0 && !options.signal.aborted) {
    const warmup = await runEngine(adapter, { ...warm, durationMs: warm.warmupMs, requests: undefined }, { ...options, onProgress: undefined });
    warmup.histogram.destroy();
  }
  return toWarmPhaseResult(await runEngine(adapter, warm, options));
}
