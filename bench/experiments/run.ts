// The experiments of one target after its cold and warm phases: `burst:`, then `keepalive:` (the
// long one). What each measured is written into the target's result as it goes, so Ctrl-C or a
// failing control plane keeps every burst and every gap already measured.
import type { Adapter } from '../adapters/types.js';
import type { TargetConfig } from '../config/schema.js';
import type { ExperimentResults, TargetResult } from '../results/types.js';
import type { ExperimentContext } from './context.js';

export async function runExperiments(adapter: Adapter, target: TargetConfig, result: TargetResult, ctx: ExperimentContext): Promise<void> {
  if (target.burst && target.cold && !ctx.signal.aborted) {
    const { runBurst } = await import('./burst.js');
    const record = (burst: ExperimentResults['burst']) => keep(result, ctx, { ...result.experiments, burst });
    const burst = record(await runBurst(adapter, target.burst, target.cold.strategy, ctx, record)).burst;
    const sizes = burst?.sizes.map((s) => `${s.size}: p50 ${(s.summary.p50Us / 1000).toFixed(1)} ms, instances ${s.bursts.map((b) => b.instances ?? b.coldStarts ?? '?').join('/')}${s.summary.errors ? `, ${s.summary.errors} errors` : ''}`);
    ctx.log(`burst: ${sizes?.join('; ') || 'nothing measured'}`);
  }
  if (target.keepalive && !ctx.signal.aborted) {
    const { runKeepalive } = await import('./keepalive.js');
    const record = (keepalive: ExperimentResults['keepalive']) => keep(result, ctx, { ...result.experiments, keepalive });
    const keepalive = record(await runKeepalive(adapter, target.keepalive, ctx, record)).keepalive;
    const gaps = keepalive?.gaps.map((g) => `${g.idleMs / 1000}s ${g.cold}/${g.samples} cold${g.unverified ? ` (${g.unverified} unverified)` : ''}`);
    ctx.log(`keepalive: ${gaps?.join('; ') || 'nothing measured'}`);
  }
}

/** Into the target's result (kept if an exception ends the target) and the checkpoint (kept if the process dies). */
function keep(result: TargetResult, ctx: ExperimentContext, experiments: ExperimentResults): ExperimentResults {
  result.experiments = experiments;
  ctx.measured?.(experiments);
  return experiments;
}
