// `coldbench run <file> --origins all|a,b`: the same targets measured from each origin (a Job in a
// cluster, a temporary Lambda function), one origin after another unless --parallel-origins, then
// merged exactly as `coldbench report` merges runs. Each origin's own results.json is kept under
// origins/<name>/ in the report directory; an origin that produced nothing is reported as failed
// targets with its reason, so the report still has a row per origin x target.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { OriginConfig } from '../config/origin-types.js';
import type { RunConfig } from '../config/schema.js';
import { InputError, messageOf } from '../errors.js';
import { fileJournal } from '../journal.js';
import { mergeRuns } from '../merge.js';
import type { Progress } from '../progress.js';
import { writeReports } from '../reporters/index.js';
import type { RunResults, CostOptions } from '../results/types.js';
import { defaultReportDir, exitCodeOf, withEmulators, type RunOutcome } from '../runner.js';
import { failedOriginResults, labelledAs } from './origin-results.js';
import { shippedTargetFile } from './shipped-file.js';
import type { OriginContext, OriginOutcome, OriginRun } from './types.js';

export interface OriginSelection {
  origins: OriginConfig[];
  parallel: boolean;
}

/** The origins `--origins` names (`all` or a comma list), checked against the file: exit 2 otherwise. */
export function selectOrigins(config: RunConfig, flags: { origins?: string; parallelOrigins?: boolean; origin?: string }): OriginSelection {
  if (flags.origins === undefined) throw new InputError('--parallel-origins: only with --origins (which origins to run)');
  if (flags.origin !== undefined) throw new InputError('--origin and --origins: give one; with --origins each origin is labelled by its name');
  const file = path.relative(process.cwd(), config.file) || config.file;
  const known = config.origins.map((o) => o.name);
  if (known.length === 0) throw new InputError(`--origins: ${file} has no \`origins:\` section`);
  const names = flags.origins.trim() === 'all' ? known : [...new Set(flags.origins.split(',').map((n) => n.trim()).filter(Boolean))];
  if (names.length === 0) throw new InputError('--origins: expected "all" or a comma list of origin names');
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new InputError(`--origins: ${file} has no origin named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (origins: ${known.join(', ')})`);
  return { origins: config.origins.filter((o) => names.includes(o.name)), parallel: flags.parallelOrigins === true };
}

/** Origin runs not yet cleaned up (a second Ctrl-C removes them at once). */
const active = new Set<OriginRun>();

export async function cleanUpActiveOrigins(): Promise<void> {
  await Promise.allSettled([...active].map((run) => run.cleanUp()));
}

async function startEngine(origin: OriginConfig, ctx: OriginContext): Promise<OriginRun> {
  switch (origin.engine) {
    case 'kubernetes':
      return (await import('./kubernetes-origin.js')).kubernetesOriginEngine.start(origin, ctx);
    case 'lambda':
      return (await import('./lambda-origin.js')).lambdaOriginEngine.start(origin, ctx);
  }
}

export interface OriginsRunOptions {
  out?: string;
  progress: Progress;
  signal: AbortSignal;
  /** The monthly cost curves' options (--traffic, --free-tier), as for a local run. */
  cost?: CostOptions;
}

export async function runOrigins(config: RunConfig, selection: OriginSelection, options: OriginsRunOptions): Promise<RunOutcome> {
  const { progress, signal } = options;
  const runId = randomBytes(3).toString('hex');
  const dir = path.resolve(options.out ?? defaultReportDir(new Date(), runId));
  mkdirSync(dir, { recursive: true });
  const journal = fileJournal(dir);
  const startedAt = new Date().toISOString();
  const runs: RunResults[] = [];

  const runOne = async (origin: OriginConfig): Promise<void> => {
    if (signal.aborted) return;
    const log = (message: string) => progress.log(`  [${origin.name}] ${message}`);
    progress.log(`▶ origin ${origin.name} (${origin.engine})`);
    const shipped = shippedTargetFile(config, process.env, origin.engine);
    const run = await startEngine(origin, { runId, shipped, targets: config.targets, journal, log, signal });
    active.add(run);
    const outcome: OriginOutcome = await run.run().catch((err: unknown) => ({ results: null, failure: `internal error: ${messageOf(err)}` }));
    try {
      await run.cleanUp();
    } catch (err) {
      const why = `could not remove what the origin created: ${messageOf(err)} (run \`coldbench restore ${dir}\`)`;
      outcome.failure = outcome.failure ? `${outcome.failure}; ${why}` : why;
    }
    active.delete(run);
    if (outcome.failure) log(`✖ ${outcome.failure}`);
    const results = outcome.results
      ? labelledAs(outcome.results, origin.name)
      : failedOriginResults(config, origin.name, { id: `${runId}-${origin.name}`, startedAt, failure: outcome.failure, interrupted: signal.aborted });
    await writeReports(results, path.join(dir, 'origins', origin.name), config.secrets, ['results.json']);
    runs.push(results);
  };

  await withEmulators(config, progress, signal, async () => {
    if (selection.parallel) await Promise.all(selection.origins.map(runOne));
    else for (const origin of selection.origins) await runOne(origin);
  });

  // In the order of the file, whatever order the origins finished in.
  const order = (r: RunResults) => selection.origins.findIndex((o) => o.name === r.run.origin);
  runs.sort((a, b) => order(a) - order(b));
  if (runs.length === 0) runs.push(failedOriginResults(config, selection.origins[0]!.name, { id: runId, startedAt, interrupted: true }));
  const merged = mergeRuns(runs);
  merged.run.partial ||= signal.aborted;
  if (selection.parallel) merged.run.parallelOrigins = true;
  merged.run.cost = options.cost ?? merged.run.cost ?? { traffic: null, freeTier: false };
  merged.run.targetFile = path.relative(process.cwd(), config.file) || config.file;
  await writeReports(merged, dir, config.secrets);
  return { results: merged, dir, exitCode: exitCodeOf(merged, signal.aborted) };
}
