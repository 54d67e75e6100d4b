// `keepalive:` (SeBS's eviction experiment): after a warm request, wait an idle gap, then send one
// request over a new connection and verify whether it was cold, as cold samples are verified (the
// platform's word, the instance's uptime, or an instance never seen before). Per gap: the share of
// cold among the verified answers with its Wilson 95% interval.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Adapter } from '../adapters/types.js';
import type { KeepaliveConfig } from '../config/schema.js';
import { verifyCold } from '../phases/cold.js';
import type { ExperimentSampleRecord, KeepaliveGapResult, KeepaliveResult } from '../results/types.js';
import { experimentRecord, type ExperimentContext } from './context.js';
import { wilsonInterval } from './wilson.js';

/** One gap's result from its requests (also what a partial run keeps). */
export function summariseGap(idleMs: number, requests: ExperimentSampleRecord[]): KeepaliveGapResult {
  const errors = requests.filter((r) => r.error !== null).length;
  const verified = requests.filter((r) => r.error === null && r.cold !== null);
  const cold = verified.filter((r) => r.cold === true).length;
  const interval = wilsonInterval(cold, verified.length);
  return {
    idleMs,
    samples: verified.length,
    cold,
    unverified: requests.length - errors - verified.length,
    errors,
    pCold: interval?.p ?? null,
    ciLow: interval?.low ?? null,
    ciHigh: interval?.high ?? null,
    requests,
  };
}

function seconds(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

export async function runKeepalive(
  adapter: Adapter,
  config: KeepaliveConfig,
  ctx: ExperimentContext,
  onUpdate: (result: KeepaliveResult) => void,
): Promise<KeepaliveResult> {
  const result: KeepaliveResult = { gaps: [] };
  for (const idleMs of config.idleMs) {
    const requests: ExperimentSampleRecord[] = [];
    for (let sample = 0; sample < config.samples && !ctx.signal.aborted; sample += 1) {
      // The warm request: whatever serves it is warm (and known) when the gap starts.
      const warm = await adapter.invoke({ fresh: false, observeCold: true });
      if (warm.instance) ctx.seenInstances.add(warm.instance);
      if (ctx.signal.aborted) break;
      ctx.status(`keepalive: idle ${seconds(idleMs)} (${sample + 1}/${config.samples})`);
      await sleep(idleMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      if (ctx.signal.aborted) break;
      const probe = await adapter.invoke({ fresh: true, observeCold: true });
      if (ctx.signal.aborted && probe.error === 'timeout') break; // cut short: not a sample
      requests.push(experimentRecord(probe, verifyCold(probe, ctx.seenInstances, ctx.usesInstanceHeader)));
      if (probe.instance) ctx.seenInstances.add(probe.instance);
      onUpdate({ gaps: [...result.gaps, summariseGap(idleMs, requests)] });
    }
    if (requests.length > 0) result.gaps.push(summariseGap(idleMs, requests));
    if (ctx.signal.aborted) break;
  }
  return result;
}
