// Running a swept target: read the original configuration, then per variant apply it through the
// control plane and measure the target's cold and warm phases as its own target entry
// (`hello[memory=512]`); the original is put back at the end, on error and on Ctrl-C (the change
// is journaled before it is made). A variant the platform refuses is recorded as failed and the
// sweep goes on with the next one.
import type { TargetConfig } from '../config/schema.js';
import { Interrupted, messageOf, TargetFailure } from '../errors.js';
import type { Journal } from '../journal.js';
import type { TargetResult } from '../results/types.js';
import { createSweeper } from './sweep-journals.js';
import type { Sweeper } from './sweeper.js';
import { variantLabel, variantName, variantsOf, type Variant } from './sweep-types.js';

export interface SweepRunContext {
  journal: Journal;
  signal: AbortSignal;
  log: (message: string) => void;
  /** Where the journal is, for the "run coldbench restore" hint. */
  dir: string;
  /** Measure one target (the runner's cold + warm phases, the adapter's own restore). */
  measure: (target: TargetConfig) => Promise<TargetResult>;
  /** A result that records a failure without measurements. */
  failed: (target: TargetConfig, why: string) => TargetResult;
}

/** The sweepers whose changes are still to be restored (for a second Ctrl-C). */
export const activeSweepers = new Set<Sweeper>();

/** The target as measured for one variant: its own name, the variant recorded, no sweep of its own. */
export function variantTarget(target: TargetConfig, variant: Variant): TargetConfig {
  const { sweep: _sweep, ...rest } = target;
  return { ...rest, name: variantName(target.name, variant), variant: { of: target.name, values: variant } };
}

export async function runSweep(target: TargetConfig, ctx: SweepRunContext): Promise<TargetResult[]> {
  const variants = variantsOf(target.sweep ?? []);
  const results: TargetResult[] = [];
  let sweeper: Sweeper | undefined;
  try {
    sweeper = await createSweeper(target, { journal: ctx.journal, signal: ctx.signal, log: (m) => ctx.log(`  ${m}`) });
    activeSweepers.add(sweeper);
    await sweeper.prepare();
    ctx.log(`▶ sweep of ${target.name}: ${variants.length} variants (${variants.map(variantLabel).join('; ')}); original ${variantLabel(sweeper.original()) || 'unknown'}`);
    for (const variant of variants) {
      if (ctx.signal.aborted) break;
      const measured = variantTarget(target, variant);
      try {
        await sweeper.apply(variant);
      } catch (err) {
        if (err instanceof Interrupted || ctx.signal.aborted) break;
        const why = err instanceof TargetFailure ? err.message : `internal error: ${messageOf(err)}`;
        ctx.log(`  ✖ ${measured.name}: could not apply the variant: ${why}`);
        results.push(ctx.failed(measured, `could not apply the variant: ${why}`));
        continue;
      }
      results.push(await ctx.measure(measured));
    }
  } catch (err) {
    if (!(err instanceof Interrupted) && !ctx.signal.aborted) {
      const why = err instanceof TargetFailure ? err.message : `internal error: ${messageOf(err)}`;
      ctx.log(`  ✖ sweep of ${target.name} failed: ${why}`);
      results.push(ctx.failed(target, `sweep: ${why}`));
    }
  } finally {
    if (sweeper) {
      try {
        await sweeper.restore();
      } catch (err) {
        const why = `could not restore the configuration the sweep changed: ${messageOf(err)} (run \`coldbench restore ${ctx.dir}\`)`;
        ctx.log(`  ✖ ${target.name}: ${why}`);
        const last = results.at(-1);
        if (last) {
          last.status = 'failed';
          last.failure = last.failure ? `${last.failure}; ${why}` : why;
        } else results.push(ctx.failed(target, why));
      }
      activeSweepers.delete(sweeper);
      await sweeper.close().catch(() => undefined);
    }
  }
  return results;
}
