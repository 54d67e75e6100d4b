// `coldbench history <results.json or report dirs>... --out DIR`: history.html + history.csv.
import path from 'node:path';
import { EXIT, InputError } from '../errors.js';
import { writeFileAtomic } from '../reporters/atomic-write.js';
import { renderHistoryHtml } from '../reporters/history-html.js';
import { readRunInput } from '../results/read.js';
import { renderHistoryCsv } from '../reporters/history-csv.js';
import { buildHistory } from './model.js';

export async function historyCommand(inputs: string[], opts: { out: string; failThreshold?: string }): Promise<number> {
  const threshold = opts.failThreshold !== undefined ? Number(opts.failThreshold.replace(/%$/, '')) : undefined;
  if (threshold !== undefined && !(threshold >= 0)) throw new InputError(`--fail-threshold: expected a percentage like 10 or 10%, got ${JSON.stringify(opts.failThreshold)}`);
  if (inputs.length === 0) throw new InputError('history: give at least one results.json (or report directory)');
  const runs = inputs.map((input) => readRunInput(input));
  const model = buildHistory(runs, threshold !== undefined ? { failThresholdPct: threshold } : {});
  const dir = path.resolve(opts.out);
  writeFileAtomic(path.join(dir, 'history.csv'), renderHistoryCsv(model));
  writeFileAtomic(path.join(dir, 'history.html'), renderHistoryHtml(model));
  const rel = path.relative(process.cwd(), dir) || '.';
  const shown = rel.startsWith('..') ? dir : rel;
  const regressions = model.regressions;
  process.stdout.write(
    `history of ${model.runs.length} run${model.runs.length === 1 ? '' : 's'}, ${model.series.length} origin x target series, ${regressions} regression step${regressions === 1 ? '' : 's'} marked\n` +
      `  ${path.join(shown, 'history.html')}\n  ${path.join(shown, 'history.csv')}\n`,
  );
  return EXIT.ok;
}
