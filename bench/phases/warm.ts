// Warm phase: picks the engine (closed model on autocannon, open model on undici, SDK invoke loop)
// and turns its result into the results.json shape. Before the clock starts: the pre-warm (as many
// concurrent untimed requests as the phase keeps in flight, so that many instances exist), then an
// optional unrecorded warm-up. Cold starts that still happen inside the timed phase are counted.
import type { Adapter, HttpRequestSpec } from '../adapters/types.js';
import { messageOf, TargetFailure } from '../errors.js';
import { warmupOf } from './arrivals.js';
import type { WarmConfig } from '../config/schema.js';
import { median } from '../stats.js';
import type { WarmPhaseResult } from '../results/types.js';
import { InstanceTracker, type InstanceCounts } from './instances.js';
import { plannedPrewarm, runPrewarm, sendHttpRound, type PrewarmResponse, type WarmModel } from './prewarm.js';
import type { WarmEngineResult, WarmProgress } from './warm-types.js';

export interface WarmPhaseOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onProgress?: WarmProgress;
  /** Progress lines worth keeping (a failed credential refresh, the pre-warm, hidden cold starts). */
  log?: (message: string) => void;
  /** Instances seen so far in the run (the cold phase's): an instance not in it is a cold start. */
  seenInstances?: Set<string>;
  /** Lower-case response header naming the serving instance (the target's cold.instanceHeader). */
  instanceHeader?: string;
}

/** Requests of the latency probe that sizes the open model's pre-warm. */
const LATENCY_PROBES = 5;

interface EngineContext {
  options: WarmPhaseOptions;
  tracker: InstanceTracker;
}

function modelOf(adapter: Adapter, warm: WarmConfig): WarmModel {
  return adapter.warmLoad().type === 'invoke' ? 'invoke' : warm.rate !== undefined || warm.arrivals ? 'open' : 'closed';
}

type Engine = (warm: WarmConfig, context: EngineContext) => Promise<WarmEngineResult>;

/** The phase's engine, loaded before the pre-warm so that no module load sits between the
 *  pre-warm and the clock (an idle instance may be reaped meanwhile). */
async function loadEngine(adapter: Adapter, warm: WarmConfig): Promise<Engine> {
  const load = adapter.warmLoad();
  const counted = ({ options, tracker }: EngineContext) => ({ ...options, tracker, instanceHeader: options.instanceHeader });
  if (load.type === 'invoke') {
    const { runInvokeLoop } = await import('./warm-invoke.js');
    return (w, context) => runInvokeLoop(adapter, w, counted(context));
  }
  if (warm.rate !== undefined || warm.arrivals) {
    const { runOpenModel } = await import('./open-model.js');
    return async (w, context) => runOpenModel(await freshRequest(load.request, context.options), w, counted(context));
  }
  const { runClosedModel } = await import('./warm-closed.js');
  return async (w, context) => runClosedModel(await freshRequest(load.request, context.options), w, counted(context));
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

export function toWarmPhaseResult(engine: WarmEngineResult, extra: { prewarm?: number } & Partial<InstanceCounts> = {}): WarmPhaseResult {
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
    ...(extra.prewarm !== undefined ? { prewarm: extra.prewarm } : {}),
    ...(extra.coldInWarm !== undefined ? { coldInWarm: extra.coldInWarm } : {}),
    ...(extra.instances !== undefined ? { instances: extra.instances } : {}),
    ...(engine.stages ? { stages: engine.stages } : {}),
  };
  engine.histogram.destroy();
  return result;
}

/** One round of the pre-warm over what the warm phase itself drives. */
function roundSender(adapter: Adapter, options: WarmPhaseOptions, request: HttpRequestSpec | null): (count: number) => Promise<PrewarmResponse[]> {
  if (request) return (count) => sendHttpRound(request, count, { timeoutMs: options.timeoutMs, instanceHeader: options.instanceHeader, signal: options.signal });
  return (count) =>
    Promise.all(Array.from({ length: count }, () => adapter.invoke({ fresh: false, observeCold: true }))).then((calls) =>
      calls.map((c) => ({ instance: c.instance, platformCold: c.platformCold, error: c.error })),
    );
}

/** Median latency of a few sequential untimed calls (sizes the open model's pre-warm). */
async function probeLatencyUs(adapter: Adapter, options: WarmPhaseOptions, tracker: InstanceTracker, request: HttpRequestSpec | null): Promise<number | null> {
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_PROBES && !options.signal.aborted; i += 1) {
    const call = request ? await probeHttp(request, options) : await adapter.invoke({ fresh: false });
    tracker.learn(call.instance, call.platformCold);
    if (!call.error) latencies.push(call.latencyUs);
  }
  return latencies.length > 0 ? median(latencies) : null;
}

async function probeHttp(request: HttpRequestSpec, options: WarmPhaseOptions) {
  const { timedRequest } = await import('../http/timed-request.js');
  return timedRequest({ ...request, timeoutMs: options.timeoutMs, fresh: false, instanceHeader: options.instanceHeader, signal: options.signal });
}

export async function runWarmPhase(adapter: Adapter, warm: WarmConfig, options: WarmPhaseOptions): Promise<WarmPhaseResult> {
  if (warm.arrivals && adapter.warmLoad().type === 'invoke') {
    throw new TargetFailure('warm.stages / warm.trace need the open model over HTTP; this target is called through its SDK (give it a url)');
  }
  const runEngine = await loadEngine(adapter, warm);
  const known = options.seenInstances ?? new Set<string>();
  const untimed = new InstanceTracker(known);
  const model = modelOf(adapter, warm);
  // The untimed requests before the clock carry fresh credentials too (an ID token, a signature).
  const load = adapter.warmLoad();
  const request = load.type === 'http' ? await freshRequest(load.request, options) : null;
  const latencyUs = model === 'open' && warm.prewarm === undefined ? await probeLatencyUs(adapter, options, untimed, request) : null;
  const prewarm = plannedPrewarm(warm, model, latencyUs);
  if (prewarm > 0 && !options.signal.aborted) {
    const outcome = await runPrewarm(prewarm, roundSender(adapter, options, request), untimed, options.signal);
    const started = options.instanceHeader || model === 'invoke' ? `, ${outcome.coldStarts} instance${outcome.coldStarts === 1 ? '' : 's'} started` : '';
    options.log?.(`pre-warm: ${prewarm} concurrent requests x ${outcome.rounds} round${outcome.rounds === 1 ? '' : 's'}${started}${outcome.errors ? `, ${outcome.errors} failed` : ''}`);
  }
  if (warm.warmupMs > 0 && !options.signal.aborted) {
    const warmup = await runEngine({ ...warmupOf(warm), durationMs: warm.warmupMs, requests: undefined }, { options: { ...options, onProgress: undefined }, tracker: untimed });
    warmup.histogram.destroy();
  }
  const tracker = new InstanceTracker(known);
  const engine = await runEngine(warm, { options, tracker });
  return toWarmPhaseResult(engine, { prewarm, ...tracker.counts() });
}
