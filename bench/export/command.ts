// `coldbench export <results.json>...` and the pushes of `run --pushgateway/--otlp`: results
// (read back from the written files, so exactly what the reports hold, secrets redacted) ->
// export model -> metric families -> Pushgateway / OTLP / a text or JSON file.
import path from 'node:path';
import { EXIT, InputError, messageOf } from '../errors.js';
import { writeFileAtomic } from '../reporters/atomic-write.js';
import { readRunInput } from '../results/read.js';
import type { RunResults } from '../results/types.js';
import { renderBmf } from './bmf.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { metricFamilies } from './metrics.js';
import { buildExportModel } from './model.js';
import { renderBulkNdjson } from './ndjson.js';
import { renderOpenMetrics } from './text-format.js';

export const FORMATS = ['openmetrics', 'bmf', 'ndjson'] as const;
export type ExportFormat = (typeof FORMATS)[number];
export const DEFAULT_JOB = 'coldbench';

export interface PushOptions {
  pushgateway?: string;
  job?: string;
  otlp?: string;
}
export interface ExportOptions extends PushOptions {
  format?: string;
  out?: string;
}

interface PushTargets {
  pushgateway: Endpoint | null;
  job: string;
  otlp: Endpoint | null;
}

/** Check the push options before anything is measured or read: bad input is exit 2 up front. */
export function parsePushOptions(opts: PushOptions): PushTargets {
  const job = opts.job ?? DEFAULT_JOB;
  if (opts.job !== undefined && !opts.pushgateway) throw new InputError('--job: only with --pushgateway');
  if (job.trim() === '') throw new InputError('--job: expected a non-empty job name');
  return {
    pushgateway: opts.pushgateway ? parseEndpoint('--pushgateway', opts.pushgateway) : null,
    job,
    otlp: opts.otlp ? parseEndpoint('--otlp', opts.otlp) : null,
  };
}

/** Push to every configured endpoint; one line per outcome on `log`. Returns false when any failed. */
export async function pushRuns(runs: RunResults[], targets: PushTargets, log: (line: string) => void): Promise<boolean> {
  const model = buildExportModel(runs);
  const families = metricFamilies(model);
  const origins = model.origins.map((o) => o.origin);
  let ok = true;
  if (targets.pushgateway) {
    const { pushToPushgateway } = await import('./pushgateway.js');
    try {
      await pushToPushgateway(families, origins, targets.pushgateway, targets.job);
      log(`pushed ${origins.length} origin${origins.length === 1 ? '' : 's'} (${origins.map((o) => JSON.stringify(o)).join(', ')}) to the Pushgateway ${targets.pushgateway.display} as job ${JSON.stringify(targets.job)}`);
    } catch (err) {
      ok = false;
      log(`coldbench: Pushgateway push failed: ${messageOf(err)}`);
    }
  }
  if (targets.otlp) {
    const { exportOtlp } = await import('./otlp.js');
    try {
      await exportOtlp(families, targets.otlp);
      log(`exported ${origins.length} origin${origins.length === 1 ? '' : 's'} over OTLP to ${targets.otlp.display}`);
    } catch (err) {
      ok = false;
      log(`coldbench: OTLP export failed: ${messageOf(err)}`);
    }
  }
  return ok;
}

function isFormat(value: string): value is ExportFormat {
  return FORMATS.some((f) => f === value);
}

function render(format: ExportFormat, runs: RunResults[]): string {
  switch (format) {
    case 'openmetrics':
      return renderOpenMetrics(metricFamilies(buildExportModel(runs)));
    case 'bmf':
      return renderBmf(buildExportModel(runs));
    case 'ndjson':
      return renderBulkNdjson(runs);
  }
}

export async function exportCommand(inputs: string[], opts: ExportOptions): Promise<number> {
  const format = opts.format;
  if (format !== undefined && !isFormat(format)) {
    throw new InputError(`--format: expected one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  if (opts.out !== undefined && format === undefined) throw new InputError('--out: only with --format');
  const targets = parsePushOptions(opts);
  if (!format && !targets.pushgateway && !targets.otlp) throw new InputError('export: give --pushgateway <url>, --otlp <url> or --format openmetrics|bmf|ndjson');
  if (inputs.length === 0) throw new InputError('export: give at least one results.json (or report directory)');
  const runs = inputs.map((input) => readRunInput(input));

  if (format) {
    const text = render(format, runs);
    if (opts.out) {
      writeFileAtomic(path.resolve(opts.out), text);
      process.stderr.write(`${format} written to ${opts.out}\n`);
    } else {
      process.stdout.write(text);
    }
  }
  const ok = await pushRuns(runs, targets, (line) => process.stderr.write(`${line}\n`));
  return ok ? EXIT.ok : EXIT.runFailed;
}

/** After `run` wrote its reports: push the run as written. A failure is reported, never fatal. */
export async function pushAfterRun(dir: string, targets: PushTargets, log: (line: string) => void): Promise<void> {
  if (!targets.pushgateway && !targets.otlp) return;
  let run: RunResults;
  try {
    run = readRunInput(path.join(dir, 'results.json'));
  } catch (err) {
    log(`coldbench: push skipped: ${messageOf(err)}`);
    return;
  }
  await pushRuns([run], targets, log);
}
