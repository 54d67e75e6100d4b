// The experiments of one target after its cold and warm phases: `burst:`, then `keepalive:` (the
// long one). What each measured is written into the target's result as it goes, so Ctrl-C or a
// failing control plane keeps every burst and every gap already measured.
import type { Adapter } from '../adapters/types.js';
import type { TargetConfig } from '../config/schema.js';
import type { TargetResult } from '../results/types.js';
import type { ExperimentContext } from './context.js';

export async function runExperiments(adapter: Adapter, target: TargetConfig, result: TargetResult, ctx: ExperimentContext): Promise<void> {
  if (target.burst && target.cold && !ctx.signal.aborted) {
    const { runBurst } = await import('./burst.js');
    const record = (burst: NonNullable<TargetResult['experiments']>['burst']) => (result.experiments = { ...result.experiments, burst });
    const burst = record(await runBurst(adapter, target.burst, target.cold.strategy, ctx, record)).burst;
    const sizes = burst?.sizes.map((s) => `${s.size}: p50 ${(s.summary.p50Us / 1000).toFixed(1)} ms, instances ${s.bursts.map((b) => b.instances ?? b.coldStarts ?? '?').join('/')}${s.summary.errors ? `, ${s.summary.errors} errors` : ''}`);
    ctx.log(`burst: ${sizes?.join('; ') || 'nothing measured'}`);
  }
  if (target.keepalive && !ctx.signal.aborted) {
    const { runKeepalive } = await import('./keepalive.js');
    const record = (keepalive: NonNullable<TargetResult['experiments']>['keepalive']) => (result.experiments = { ...result.experiments, keepalive });
    const keepalive = record(await runKeepalive(adapter, target.keepalive, ctx, record)).keepalive;
    const gaps = keepalive?.gaps.map((g) => `${g.idleMs / 1000}s ${g.cold}/${g.samples} cold${g.unverified ? ` (${g.unverified} unverified)` : ''}`);
    ctx.log(`keepalive: ${gaps?.join('; ') || 'nothing measured'}`);
  }
}
