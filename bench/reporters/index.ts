// Reporters: name -> renderer. They only format results.json; none of them computes a statistic.
// Secrets are redacted from the data once, before any renderer escapes it; files are written atomically.
import path from 'node:path';
import type { RunResults } from '../results/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { renderSamplesCsv, renderSummaryCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import { redactDeep } from '../redact.js';

export type Renderer = (results: RunResults) => string | Promise<string>;

export const REPORTERS: Record<string, Renderer> = {
  'results.json': (results) => JSON.stringify(results, null, 2) + '\n',
  'summary.csv': renderSummaryCsv,
  'samples.csv': renderSamplesCsv,
  'summary.md': renderMarkdown,
  'report.html': async (results) => (await import('./html.js')).renderHtml(results),
};

/** Write every report into `dir`. Returns the paths written. */
export async function writeReports(results: RunResults, dir: string, secrets: Iterable<string> = []): Promise<string[]> {
  const safe = redactDeep(results, secrets);
  const written: string[] = [];
  for (const [name, render] of Object.entries(REPORTERS)) {
    const file = path.join(dir, name);
    writeFileAtomic(file, await render(safe));
    written.push(file);
  }
  return written;
}
