// Read a results.json (or a report directory: its results.json, else its checkpoint) for
// `report`, `compare` and merging. Bad input is an InputError naming the file and the field.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { CHECKPOINT_FILE } from '../checkpoint.js';
import { rebuildFromCheckpoint } from './rebuild.js';
import { SCHEMA_VERSION, type RunResults } from './types.js';

export function readRunInput(input: string): RunResults {
  if (!existsSync(input)) throw new InputError(`${input}: file not found`);
  if (statSync(input).isDirectory()) {
    const results = path.join(input, 'results.json');
    if (existsSync(results)) return readResultsFile(results);
    const checkpoint = path.join(input, CHECKPOINT_FILE);
    if (existsSync(checkpoint)) return rebuildFromCheckpointFile(checkpoint);
    throw new InputError(`${input}: no results.json or ${CHECKPOINT_FILE} in this directory`);
  }
  if (path.basename(input) === CHECKPOINT_FILE) return rebuildFromCheckpointFile(input);
  return readResultsFile(input);
}

function rebuildFromCheckpointFile(file: string): RunResults {
  return rebuildFromCheckpoint(readFileSync(file, 'utf8'), file);
}

export function readResultsFile(file: string): RunResults {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return checkResults(data, file);
}

export function checkResults(data: unknown, file: string): RunResults {
  const d = data as Partial<RunResults> | null;
  if (!d || typeof d !== 'object') throw new InputError(`${file}: expected a coldbench results object`);
  if (d.schemaVersion !== SCHEMA_VERSION) throw new InputError(`${file}: schemaVersion: expected ${SCHEMA_VERSION}, got ${JSON.stringify(d.schemaVersion)}`);
  if (!d.run || typeof d.run !== 'object') throw new InputError(`${file}: run: missing`);
  if (!Array.isArray(d.targets)) throw new InputError(`${file}: targets: expected a list`);
  d.targets.forEach((t, i) => {
    if (!t || typeof t.name !== 'string') throw new InputError(`${file}: targets[${i}].name: expected a string`);
    for (const phase of ['cold', 'warm'] as const) {
      const p = t.phases?.[phase];
      if (p && typeof p.histogram !== 'string') throw new InputError(`${file}: targets[${i}].phases.${phase}.histogram: expected an encoded histogram string`);
    }
  });
  if (!Array.isArray(d.thresholds)) d.thresholds = [];
  return d as RunResults;
}
