// warm.trace: request counts per interval from a CSV in the Azure Functions trace layout
// (invocations_per_function_md.anon.dNN.csv: HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440,
// one row per function, one per-minute count per numbered column). Per-second traces use the same
// layout with `interval: 1s`. Read at load time, so a bad file is a target-file problem (exit 2).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_ARRIVAL_SEGMENTS } from './experiment-schema.js';

export type TraceRead = { ok: true; counts: number[] } | { ok: false; message: string };

/** One CSV line's cells (the trace has no quoted commas; surrounding quotes are dropped). */
function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/** The counts of the row for `fn` (HashFunction, else the first cell), or the first row. */
export function parseTrace(text: string, display: string, fn?: string): TraceRead {
  const lines = text.split(/\r?\n/);
  const header = cells(lines[0] ?? '');
  const countColumns = header
    .map((name, column) => ({ name, column }))
    .filter((c) => /^\d+$/.test(c.name))
    .sort((a, b) => Number(a.name) - Number(b.name));
  if (countColumns.length === 0) {
    return { ok: false, message: `${display}:1: no count columns; expected the Azure Functions trace layout (a header like HashOwner,HashApp,HashFunction,Trigger,1,2,3,...)` };
  }
  if (countColumns.length > MAX_ARRIVAL_SEGMENTS) return { ok: false, message: `${display}:1: ${countColumns.length} count columns; at most ${MAX_ARRIVAL_SEGMENTS}` };
  const keyColumn = Math.max(0, header.indexOf('HashFunction'));
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const row = cells(line);
    if (fn !== undefined && row[keyColumn] !== fn) continue;
    const counts: number[] = [];
    for (const { name, column } of countColumns) {
      const cell = row[column] ?? '';
      if (!/^\d+$/.test(cell)) return { ok: false, message: `${display}:${i + 1}: column ${name}: expected a count of requests (a non-negative integer), got ${JSON.stringify(cell)}` };
      counts.push(Number(cell));
    }
    return { ok: true, counts };
  }
  return { ok: false, message: fn !== undefined ? `${display}: no row whose HashFunction is ${JSON.stringify(fn)}` : `${display}: no data row below the header` };
}

/** Read and parse a trace file named relative to the target file's directory. */
export function readTrace(file: string, baseDir: string, fn?: string): TraceRead {
  let text: string;
  try {
    text = readFileSync(path.resolve(baseDir, file), 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, message: `${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`}` };
  }
  return parseTrace(text, file, fn);
}
