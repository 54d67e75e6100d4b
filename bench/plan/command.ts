// `coldbench plan <target file>`: what a run would change, how long it would take, what it would
// cost and what would go wrong, with nothing touched (reads, Lambda's DryRun, connect-only probes).
// Exit 0 ready (warnings allowed), 3 a target has an error, 2 bad input (from the loader).
import path from 'node:path';
import { EXIT } from '../errors.js';
import { planTarget } from './target.js';
import type { PlanOutput } from './types.js';

/** Allowance per origin for creating, starting and removing it. */
const ORIGIN_OVERHEAD_MS = 60_000;

export async function planCommand(file: string, opts: { json?: boolean; quiet?: boolean }): Promise<number> {
  const { loadTargetFile } = await import('../config/load.js');
  const { createProgress } = await import('../progress.js');
  const { redactingProgress, redactText } = await import('../redact.js');
  const { withEmulators } = await import('../runner.js');
  const { planOrigins } = await import('../origins/plan.js');
  const { predictRunMs } = await import('../origins/predict.js');
  const config = loadTargetFile(path.resolve(file));
  const progress = redactingProgress(createProgress(process.stderr, opts.quiet), config.secrets);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const output = await withEmulators(config, progress, controller.signal, async (): Promise<PlanOutput> => {
    const start = performance.now();
    const targets = await Promise.all(
      config.targets.map((t) => planTarget(t, { baseDir: path.dirname(config.file), signal: controller.signal, log: (m) => progress.status(m), pricing: config.pricing })),
    );
    const runMs = predictRunMs(config.targets);
    return {
      file,
      ready: targets.every((t) => t.ready),
      estimatedSeconds: Math.round(targets.reduce((sum, t) => sum + t.estimatedSeconds, 0) * 10) / 10,
      targets,
      origins: planOrigins(config).map((o) => ({ ...o, estimatedSeconds: Math.round((runMs + ORIGIN_OVERHEAD_MS) / 1000) })),
      elapsedMs: Math.round(performance.now() - start),
    };
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const { formatPlan } = await import('./format.js');
  const text = opts.json ? `${JSON.stringify(output, null, 2)}\n` : formatPlan(output);
  process.stdout.write(redactText(text, config.secrets));
  return output.ready ? EXIT.ok : EXIT.runFailed;
}
