// Reporters: name -> renderer. Each one renders the report model (built once from results.json,
// see ../report-model/) into words and layout; none of them computes a statistic.
// Secrets are redacted from the data once, before any renderer escapes it, and the derived numbers
// results.json carries are written in; files are written atomically.
import path from 'node:path';
import type { RunResults } from '../results/types.js';
import { buildReportModel, type ReportModel } from '../report-model/model.js';
import { writeFileAtomic } from './atomic-write.js';
import { costsCsv } from './costs-csv.js';
import { samplesCsv, summaryCsv } from './csv.js';
import { keepaliveCsv } from './experiments-csv.js';
import { summaryMarkdown } from './markdown.js';
import { redactDeep } from '../redact.js';
import { withDerivedNumbers } from '../results/derived.js';

export type Renderer = (model: ReportModel) => string | Promise<string>;

export const REPORTERS: Record<string, Renderer> = {
  'results.json': (model) => JSON.stringify(model.results, null, 2) + '\n',
  'summary.csv': summaryCsv,
  'samples.csv': samplesCsv,
  'costs.csv': costsCsv,
  'keepalive.csv': keepaliveCsv,
  'summary.md': summaryMarkdown,
  'report.html': async (model) => (await import('./html.js')).htmlReport(model),
};

/** Write every report (or only those named) into `dir`. Returns the paths written. */
export async function writeReports(results: RunResults, dir: string, secrets: Iterable<string> = [], only?: readonly string[]): Promise<string[]> {
  const model = buildReportModel(withDerivedNumbers(redactDeep(results, secrets)));
  const written: string[] = [];
  for (const [name, render] of Object.entries(REPORTERS)) {
    if (only && !only.includes(name)) continue;
    const file = path.join(dir, name);
    writeFileAtomic(file, await render(model));
    written.push(file);
  }
  return written;
}
