// Normalisation of the experiment keys (issue 16): `burst:`, `keepalive:`, `warm.stages` and
// `warm.trace` become BurstConfig, KeepaliveConfig and WarmConfig.arrivals, with the checks that
// span fields. The trace's counts are read here, so a bad trace file fails the load (exit 2).
import { parseDuration } from './duration.js';
import type { ConfigProblem } from './problems.js';
import type { Arrivals, BurstConfig, KeepaliveConfig, TargetInput } from './schema.js';
import { readTrace } from './trace.js';

const DEFAULT_BURST_SAMPLES = 1;
const DEFAULT_KEEPALIVE_SAMPLES = 3;

type WarmInput = Exclude<NonNullable<TargetInput['warm']>, false>;

/** Checks across fields of the experiment keys. */
export function experimentProblems(t: TargetInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const warm = t.warm || undefined;
  if (warm && (warm.stages !== undefined || warm.trace !== undefined)) {
    const key = warm.stages !== undefined ? 'stages' : 'trace';
    if (warm.stages !== undefined && warm.trace !== undefined) problems.push({ path: ['warm', 'trace'], message: 'set either stages or trace, not both' });
    for (const other of ['rate', 'connections', 'duration'] as const) {
      if (warm[other] !== undefined) problems.push({ path: ['warm', other], message: `not used with warm.${key} (${key} set the open model's rate and length)` });
    }
    const stages = warm.stages?.map((s) => ({ rate: s.rate, ms: parseDuration(s.duration) }));
    if (stages && !stages.some((s) => s.ms > 0 && (s.rate > 0 || (warm.startRate ?? 0) > 0))) {
      problems.push({ path: ['warm', 'stages'], message: 'no stage sends a request (every rate or every duration is 0)' });
    }
  }
  if (warm?.startRate !== undefined && warm.stages === undefined) problems.push({ path: ['warm', 'startRate'], message: 'only used with warm.stages' });
  if (t.burst) {
    if (!t.cold || t.cold.samples === 0) problems.push({ path: ['burst'], message: 'needs a cold phase (cold: with samples): its strategy forces the target cold before each burst' });
    else if (t.kind === 'kubernetes' && t.cold.strategy === 'scale-from-zero') {
      problems.push({ path: ['burst'], message: 'not with cold.strategy scale-from-zero: the harness itself scales the Deployment up, so nothing would start on the burst; use idle or command' });
    }
  }
  return problems;
}

export function normalizeBurst(t: TargetInput): BurstConfig | undefined {
  return t.burst ? { sizes: [...new Set(t.burst.sizes)].sort((a, b) => a - b), samples: t.burst.samples ?? DEFAULT_BURST_SAMPLES } : undefined;
}

export function normalizeKeepalive(t: TargetInput): KeepaliveConfig | undefined {
  if (!t.keepalive) return undefined;
  const idleMs = [...new Set(t.keepalive.idle.map(parseDuration))].sort((a, b) => a - b);
  return { idleMs, samples: t.keepalive.samples ?? DEFAULT_KEEPALIVE_SAMPLES };
}

/** warm.stages / warm.trace as Arrivals (the trace's counts read relative to baseDir). */
export function normalizeArrivals(warm: WarmInput | undefined, baseDir: string): { arrivals?: Arrivals; problems: ConfigProblem[] } {
  if (warm?.stages) {
    const stages = warm.stages.map((s) => ({ rate: s.rate, durationMs: parseDuration(s.duration) }));
    return { arrivals: { kind: 'stages', startRate: warm.startRate ?? stages[0]?.rate ?? 0, stages }, problems: [] };
  }
  if (warm?.trace === undefined) return { problems: [] };
  const spec = typeof warm.trace === 'string' ? { file: warm.trace } : warm.trace;
  const read = readTrace(spec.file, baseDir, spec.function);
  const field = typeof warm.trace === 'string' ? ['warm', 'trace'] : ['warm', 'trace', 'file'];
  if (!read.ok) return { problems: [{ path: field, message: read.message }] };
  const scale = spec.scale ?? 1;
  if (!read.counts.some((c) => c * scale > 0)) return { problems: [{ path: field, message: `${spec.file}: every count is 0: no request would be sent` }] };
  const arrivals: Arrivals = {
    kind: 'trace',
    file: spec.file,
    intervalMs: parseDuration(spec.interval ?? '1m'),
    ...(spec.function !== undefined ? { function: spec.function } : {}),
    scale,
    counts: read.counts,
  };
  return { arrivals, problems: [] };
}

/** How long the arrivals last, ms. */
export function arrivalsDurationMs(arrivals: Arrivals): number {
  return arrivals.kind === 'stages' ? arrivals.stages.reduce((sum, s) => sum + s.durationMs, 0) : arrivals.counts.length * arrivals.intervalMs;
}
