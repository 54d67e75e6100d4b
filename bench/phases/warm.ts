// Warm phase: picks the engine (closed model on autocannon, open model on undici, SDK invoke loop)
// and turns its result into the results.json shape. An optional unrecorded warm-up runs first.
import type { Adapter, HttpRequestSpec } from '../adapters/types.js';
import { messageOf } from '../errors.js';
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
  const request = await freshRequest(load.request, options);
  if (warm.rate !== undefined) {
    const { runOpenModel } = await import('./open-model.js');
    return runOpenModel(request, warm, options);
  }
  const { runClosedModel } = await import('./warm-closed.js');
  return runClosedModel(request, warm, options);
}

/** Short-lived headers (an ID token, a SigV4 signature) fetched again before the clock starts: the
 *  ones the adapter had may be as old as the cold phase. A failure keeps them (the engine counts
 *  what the target then answers). */
async function freshRequest(request: HttpRequestSpec, options: WarmPhaseOptions): Promise<HttpRequestSpec> {
  if (!request.refreshHeaders) return request;
  try {
    return { ...request, headers: { ...request.headers, ...(await request.refreshHeaders()) } };
  } catch (err) {
    options.log?.(`refreshing the request headers failed (${messageOf(err)}); starting with the current ones`);
    return request;
  }
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
