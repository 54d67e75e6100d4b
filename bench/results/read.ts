// Read a results.json (or a report directory: its results.json, else its checkpoint) for
// `report`, `compare` and merging. Bad input is an InputError naming the file and the field.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { CHECKPOINT_FILE } from '../checkpoint.js';
import { rebuildFromCheckpoint } from './rebuild.js';
import { describeIssues, readableIssues } from '../schema-issues.js';
import { runResultsSchema } from './schema.js';
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

/** The results object checked against the shape the harness writes: an InputError names the file
 *  and every wrong field (`targets[0].phases.cold.summary.p50Us: expected a number, got "fast"`). */
export function checkResults(data: unknown, file: string): RunResults {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${file}: expected a coldbench results object`);
  // A results file of another schema version is refused for that alone, not for its other fields.
  const version = 'schemaVersion' in data ? data.schemaVersion : undefined;
  if (version !== SCHEMA_VERSION) throw new InputError(`${file}: schemaVersion: expected ${SCHEMA_VERSION}, got ${JSON.stringify(version)}`);
  const parsed = runResultsSchema.safeParse(data, { error: readableIssues });
  if (!parsed.success) throw new InputError(describeIssues(parsed.error).map((line) => `${file}: ${line}`).join('\n'));
  return parsed.data;
}
