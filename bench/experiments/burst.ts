// `burst:` (STeLLAR's burst experiment): with the target forced cold by its cold strategy, N
// requests leave at the same instant; per size, the latency of the whole burst, how many instances
// served it (distinct instance ids, or cold starts the platform reports: Lambda's Init Duration)
// and its errors by kind (a platform that throttles a burst answers 429: `throttled`).
import type { Adapter, Invocation } from '../adapters/types.js';
import type { BurstConfig } from '../config/schema.js';
import type { ErrorKind } from '../errors.js';
import { createHistogram } from '../histograms.js';
import { verifyCold } from '../phases/cold.js';
import type { BurstResult, BurstSizeResult, ExperimentSampleRecord } from '../results/types.js';
import { experimentRecord, type ExperimentContext } from './context.js';

type Burst = BurstSizeResult['bursts'][number];

/** Distinct instance ids among the burst's answers; null when none named its instance. */
export function distinctInstances(requests: readonly ExperimentSampleRecord[]): number | null {
  const ids = new Set(requests.flatMap((r) => (r.error === null && r.instance ? [r.instance] : [])));
  return ids.size > 0 ? ids.size : null;
}

/** Cold starts of one burst: the distinct instances of its verified-cold answers (several answers
 *  of one new instance are one start), or the count of verified-cold answers when none carries an
 *  id (the platform's word, one per execution environment); null when nothing was verifiable. */
export function burstColdStarts(requests: readonly ExperimentSampleRecord[]): number | null {
  const cold = requests.filter((r) => r.cold === true);
  if (!requests.some((r) => r.cold !== null)) return null;
  const ids = new Set(cold.flatMap((r) => (r.instance ? [r.instance] : [])));
  return ids.size > 0 ? ids.size + cold.filter((r) => !r.instance).length : cold.length;
}

/** Build one size's result from its bursts (also what a partial run keeps). */
export function summariseBurstSize(size: number, bursts: Burst[]): BurstSizeResult {
  const histogram = createHistogram();
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  let errors = 0;
  for (const burst of bursts) {
    for (const r of burst.requests) {
      if (r.error) {
        errors += 1;
        errorsByKind[r.error] = (errorsByKind[r.error] ?? 0) + 1;
      } else histogram.record(r.latencyUs);
    }
  }
  const result: BurstSizeResult = { size, summary: histogram.summary(errors), histogram: histogram.encode(), errorsByKind, bursts };
  histogram.destroy();
  return result;
}

/** N calls started in the same turn of the event loop, each over a new connection. */
function fire(adapter: Adapter, size: number): Promise<Invocation[]> {
  return Promise.all(Array.from({ length: size }, () => adapter.invoke({ fresh: true, observeCold: true })));
}

/** Every size, `samples` bursts each. `onUpdate` gets the result so far after each burst, so that an
 *  exception later (a failing control plane) loses nothing measured. */
export async function runBurst(
  adapter: Adapter,
  config: BurstConfig,
  strategy: string,
  ctx: ExperimentContext,
  onUpdate: (result: BurstResult) => void,
): Promise<BurstResult> {
  const result: BurstResult = { strategy, sizes: [] };
  let forced = 0;
  for (const size of config.sizes) {
    const bursts: Burst[] = [];
    for (let sample = 0; sample < config.samples && !ctx.signal.aborted; sample += 1) {
      ctx.status(`burst of ${size}: forcing cold (${sample + 1}/${config.samples})`);
      const preparation = await adapter.forceCold(forced);
      forced += 1;
      if (ctx.signal.aborted) break;
      ctx.status(`burst of ${size}: sending (${sample + 1}/${config.samples})`);
      // The instances known before the burst: every new one answering it is a cold start.
      const known = new Set(ctx.seenInstances);
      const calls = await fire(adapter, size);
      if (ctx.signal.aborted && calls.some((c) => c.error === 'timeout')) break; // cut short: not a burst
      const requests = calls.map((c) => experimentRecord(c, verifyCold(c, known, ctx.usesInstanceHeader)));
      for (const c of calls) if (c.instance) ctx.seenInstances.add(c.instance);
      bursts.push({ controlPlaneUs: preparation.controlPlaneUs ?? null, instances: distinctInstances(requests), coldStarts: burstColdStarts(requests), requests });
      onUpdate({ strategy, sizes: [...result.sizes, summariseBurstSize(size, bursts)] });
    }
    if (bursts.length > 0) result.sizes.push(summariseBurstSize(size, bursts));
    if (ctx.signal.aborted) break;
  }
  return result;
}
