// coldbench command line: run, validate, plan, report, compare, export, history, restore. Exit codes per
// the contract: 0 ok, 1 threshold/regression, 2 bad input, 3 run failed, 130 interrupted.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EXIT, InputError, messageOf } from './errors.js';
import { redactText } from './redact.js';
import { PACKAGE_ROOT } from './package-root.js';
import { TOOL_VERSION } from './version.js';

export const DEFAULT_TARGET_FILE = path.join(PACKAGE_ROOT, 'targets', 'local.yaml');

/** Relative to the working directory when inside it, else absolute. */
function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
}

let debug = process.argv.includes('--debug');
if (debug) process.env.COLDBENCH_DEBUG = '1';

/** Secrets of the loaded target file: even a last-resort error message must not print them. */
let knownSecrets: ReadonlySet<string> = new Set();

function fail(err: unknown): never {
  if (err instanceof InputError) {
    // One line per problem, each prefixed, so every line greps and reads on its own.
    process.stderr.write(err.message.split('\n').map((line) => `coldbench: ${line}\n`).join(''));
    if (debug) console.error(err);
    process.exit(EXIT.badInput);
  }
  process.stderr.write(`coldbench: internal error: ${redactText(messageOf(err), knownSecrets)}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug) console.error(err);
  process.exit(EXIT.runFailed);
}

interface RunFlags {
  out?: string;
  origin?: string;
  quiet?: boolean;
  pushgateway?: string;
  job?: string;
  otlp?: string;
  origins?: string;
  parallelOrigins?: boolean;
  emitResults?: boolean;
  traffic?: string;
  freeTier?: boolean;
}

async function runCommand(file: string | undefined, opts: RunFlags): Promise<number> {
  const { parsePushOptions, pushAfterRun } = await import('./export/command.js');
  const pushTargets = parsePushOptions(opts);
  const { costOptions } = await import('./cost/options.js');
  const cost = costOptions(opts);
  const { loadTargetFile } = await import('./config/load.js');
  const { runConfig, restoreActiveAdapters } = await import('./runner.js');
  const { createProgress } = await import('./progress.js');
  const targetFile = path.resolve(file ?? DEFAULT_TARGET_FILE);
  const config = loadTargetFile(targetFile);
  knownSecrets = config.secrets;
  const originsModule = opts.origins !== undefined || opts.parallelOrigins ? await import('./origins/run-origins.js') : undefined;
  const selection = originsModule?.selectOrigins(config, opts);
  const { redactingProgress } = await import('./redact.js');
  const progress = redactingProgress(createProgress(process.stderr, opts.quiet), config.secrets);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      progress.log(`\n${signal}: stopping; restoring every platform change and writing partial reports (press Ctrl-C again to skip waiting)`);
      controller.abort();
      return;
    }
    progress.log(`${signal} again: restoring platform changes now, then exiting`);
    void Promise.allSettled([restoreActiveAdapters(), originsModule?.cleanUpActiveOrigins()]).finally(() => process.exit(EXIT.interrupted));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const outcome =
    originsModule && selection
      ? await originsModule.runOrigins(config, selection, { out: opts.out, progress, signal: controller.signal, cost })
      : await runConfig(config, { out: opts.out, origin: opts.origin ?? process.env.COLDBENCH_ORIGIN, progress, signal: controller.signal, cost });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const rel = displayPath(outcome.dir);
  process.stdout.write(`${outcome.results.run.partial ? 'partial ' : ''}reports written to ${rel}/\n  ${path.join(rel, 'report.html')}\n`);
  const failedThresholds = outcome.results.thresholds.filter((t) => !t.passed);
  for (const t of failedThresholds) process.stderr.write(`threshold failed: ${t.target}: ${t.expression}${t.message ? ` (${t.message})` : ''}\n`);
  if (outcome.exitCode === EXIT.runFailed) process.stderr.write('coldbench: no target produced a single successful sample\n');
  // After every report is written; a failed push is reported and leaves the exit code alone.
  if (outcome.exitCode !== EXIT.interrupted) await pushAfterRun(outcome.dir, pushTargets, (line) => process.stderr.write(`${line}\n`));
  if (opts.emitResults) {
    // Last, so nothing else is printed into the block (a remote origin's caller reads it from the log).
    const { resultsBlock } = await import('./origins/results-block.js');
    process.stdout.write(resultsBlock(readFileSync(path.join(outcome.dir, 'results.json'), 'utf8')));
  }
  return outcome.exitCode;
}

async function validateCommand(file: string): Promise<number> {
  const { loadTargetFile } = await import('./config/load.js');
  const config = loadTargetFile(path.resolve(file));
  const kinds = [...new Set(config.targets.map((t) => t.kind))].join(', ');
  const origins = config.origins.length ? `; origins: ${config.origins.map((o) => `${o.name} (${o.engine})`).join(', ')}` : '';
  process.stdout.write(`${file}: valid (${config.targets.length} target${config.targets.length === 1 ? '' : 's'}: ${kinds}${origins})\n`);
  return EXIT.ok;
}

async function reportCommand(inputs: string[], opts: { out?: string; traffic?: string; freeTier?: boolean }): Promise<number> {
  const { readRunInput } = await import('./results/read.js');
  const { costOptions } = await import('./cost/options.js');
  costOptions(opts); // a bad --traffic is refused before anything is read
  const { writeReports } = await import('./reporters/index.js');
  const runs = inputs.map((input) => readRunInput(input));
  let results = runs[0];
  if (!results) throw new InputError('report: give at least one results.json (or report directory)');
  if (runs.length > 1) {
    const { mergeRuns } = await import('./merge.js');
    results = mergeRuns(runs);
  }
  results = { ...results, run: { ...results.run, cost: costOptions(opts, results.run.cost) } };
  const { defaultReportDir } = await import('./runner.js');
  const dir = path.resolve(opts.out ?? (runs.length === 1 && inputs[0] && existsSync(inputs[0]) && !inputs[0].endsWith('.json') ? inputs[0] : defaultReportDir()));
  await writeReports(results, dir);
  const rel = displayPath(dir);
  process.stdout.write(`reports written to ${rel}/\n  ${path.join(rel, 'report.html')}\n`);
  return EXIT.ok;
}

async function compareCommand(baselineFile: string, currentFile: string, opts: { markdown?: boolean; failThreshold?: string }): Promise<number> {
  const { readRunInput } = await import('./results/read.js');
  const compare = await import('./compare.js');
  const text = await import('./reporters/compare-text.js');
  const baseline = readRunInput(baselineFile);
  const current = readRunInput(currentFile);
  const threshold = opts.failThreshold !== undefined ? Number(opts.failThreshold.replace(/%$/, '')) : undefined;
  if (threshold !== undefined && !(threshold >= 0)) throw new InputError(`--fail-threshold: expected a percentage like 10 or 10%, got ${JSON.stringify(opts.failThreshold)}`);
  const result = compare.compareRuns(baseline, current, threshold !== undefined ? { failThresholdPct: threshold } : {});
  process.stdout.write(opts.markdown ? text.formatCompareMarkdown(result) : text.formatCompareTable(result));
  return result.regression ? EXIT.thresholdFailed : EXIT.ok;
}

async function restoreCommand(dir: string): Promise<number> {
  const { restoreFromReportDir, RestoreFailure } = await import('./restore.js');
  let restored: number;
  try {
    restored = await restoreFromReportDir(path.resolve(dir), (m) => process.stderr.write(`${m}\n`));
  } catch (err) {
    if (!(err instanceof RestoreFailure)) throw err;
    process.stderr.write(`coldbench: ${err.message}\n`);
    return EXIT.runFailed;
  }
  process.stdout.write(restored === 0 ? `nothing to restore in ${dir}\n` : `restored ${restored} platform change${restored === 1 ? '' : 's'}\n`);
  return EXIT.ok;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('coldbench')
    .description('Cold-start and warm latency of serverless and Kubernetes targets, side by side.')
    .version(TOOL_VERSION)
    .addOption(new Option('--debug', 'print stack traces for errors'))
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      process.exitCode = await fn(...args);
    };

  program
    .command('run', { isDefault: true })
    .description('run every target of a target file (default: the local demo, targets/local.yaml) and write the reports')
    .argument('[target-file]', 'YAML or JSON target file')
    .option('-o, --out <dir>', 'report directory (default reports/<UTC timestamp>-<id>/)')
    .option('--origin <label>', 'where the load comes from, e.g. ap-northeast-1 (env COLDBENCH_ORIGIN)')
    .option('-q, --quiet', 'no progress output')
    .option('--pushgateway <url>', 'after the reports are written, push the run to this Prometheus Pushgateway')
    .option('--job <name>', 'Pushgateway job label (default coldbench)')
    .option('--otlp <url>', 'after the reports are written, export the run over OTLP/HTTP to this endpoint')
    .option('--traffic <requests>', 'your monthly request count (e.g. 2.5M): costs.csv, the break-even chart and the cold-start price at it')
    .option('--free-tier', 'subtract the platforms\' monthly free tiers from the monthly costs')
    .option('--origins <names>', 'run the targets from the origins of the target file (all, or a comma list of names) and merge them')
    .option('--parallel-origins', 'with --origins: run the origins at once instead of one after another (marked in the report)')
    .option('--emit-results', 'print results.json (gzip, base64) between markers on stdout at the end (how a remote origin hands back its run)')
    .action(action(runCommand));

  program
    .command('validate')
    .description('check a target file without touching any target (exit 0 valid, 2 invalid)')
    .argument('<target-file>')
    .action(action(validateCommand));

  program
    .command('plan')
    .description('what a run would change, how long it would take, what it would cost and what would go wrong, touching nothing (exit 0 ready, 3 a target has an error, 2 bad input)')
    .argument('<target-file>')
    .option('--json', 'print the plan as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(action(async (file: string, opts: { json?: boolean; quiet?: boolean }) => (await import('./plan/command.js')).planCommand(file, opts)));

  program
    .command('report')
    .description('re-render reports from one or more results.json files (or report directories); several are merged')
    .argument('<results...>', 'results.json files or report directories')
    .option('-o, --out <dir>', 'report directory')
    .option('--traffic <requests>', 'your monthly request count (default: the one the results recorded)')
    .option('--free-tier', 'subtract the platforms\' monthly free tiers from the monthly costs')
    .action(action(reportCommand));

  program
    .command('compare')
    .description('compare two runs target by target and phase by phase (exit 1 on a regression)')
    .argument('<baseline>', 'baseline results.json')
    .argument('<current>', 'current results.json')
    .option('--markdown', 'print Markdown (for PR comments)')
    .option('--fail-threshold <percent>', 'a slowdown larger than this (and statistically significant) is a regression')
    .action(action(compareCommand));

  program
    .command('export')
    .description('send runs to a Pushgateway or an OTLP endpoint, or write them as OpenMetrics, Bencher (BMF) JSON or Elasticsearch bulk NDJSON')
    .argument('<results...>', 'results.json files or report directories')
    .option('--pushgateway <url>', 'push to this Prometheus Pushgateway, one group per origin')
    .option('--job <name>', 'Pushgateway job label (default coldbench)')
    .option('--otlp <url>', 'export over OTLP/HTTP (protobuf) to this endpoint (a bare host:port gets /v1/metrics)')
    .option('--format <format>', 'openmetrics | bmf | ndjson (to stdout, or to --out)')
    .option('-o, --out <file>', 'write the --format output to this file')
    .action(action(async (inputs: string[], opts: Record<string, string | undefined>) => (await import('./export/command.js')).exportCommand(inputs, opts)));

  program
    .command('history')
    .description('trend report over many runs: history.html and history.csv (long format)')
    .argument('<results...>', 'results.json files or report directories, any order')
    .requiredOption('-o, --out <dir>', 'directory for history.html and history.csv')
    .option('--fail-threshold <percent>', 'regression threshold of the steps marked, as in compare (default 10)')
    .action(action(async (inputs: string[], opts: { out: string; failThreshold?: string }) => (await import('./history/command.js')).historyCommand(inputs, opts)));

  program
    .command('restore')
    .description('undo the platform changes a killed run left behind, from its report directory journal')
    .argument('<report-dir>')
    .action(action(restoreCommand));

  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.ok : EXIT.badInput);
    }
    fail(err);
  }
}

debug = debug || process.argv.includes('--debug');
await main(process.argv);
