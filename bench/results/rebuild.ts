// Rebuild results from a checkpoint (NDJSON written while measuring) after a crash or kill -9:
// finished targets as recorded, unfinished ones from their samples (marked partial). A torn last
// line (the write in flight when the process died) is skipped.
import { InputError } from '../errors.js';
import type { CheckpointRecord } from '../checkpoint.js';
import { summariseColdSamples } from '../phases/cold.js';
import { SCHEMA_VERSION, type ColdSampleRecord, type RunResults, type TargetResult } from './types.js';
import { TOOL_VERSION } from '../version.js';

export function rebuildFromCheckpoint(text: string, file: string): RunResults {
  let run: Extract<CheckpointRecord, { type: 'run' }> | undefined;
  const finished = new Map<string, TargetResult>();
  const coldSamples = new Map<string, ColdSampleRecord[]>();
  const warm = new Map<string, Extract<CheckpointRecord, { type: 'warm' }>['phase']>();
  const started = new Map<string, Extract<CheckpointRecord, { type: 'target-start' }>['target']>();
  const order: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: CheckpointRecord;
    try {
      record = JSON.parse(line) as CheckpointRecord;
    } catch {
      continue; // the torn last line of a killed run
    }
    if (!isWellFormed(record)) continue; // not one of ours: skipped, like a torn line
    const note = (name: string) => {
      if (!order.includes(name)) order.push(name);
    };
    switch (record.type) {
      case 'run':
        run = record;
        break;
      case 'target-start':
        note(record.target.name);
        started.set(record.target.name, record.target);
        break;
      case 'cold-sample':
        note(record.target);
        coldSamples.set(record.target, [...(coldSamples.get(record.target) ?? []), record.sample]);
        break;
      case 'warm':
        note(record.target);
        warm.set(record.target, record.phase);
        break;
      case 'target':
        note(record.result.name);
        finished.set(record.result.name, record.result);
        break;
    }
  }
  if (!run) throw new InputError(`${file}: not a coldbench checkpoint (no run record)`);
  const targets: TargetResult[] = order.map((name) => {
    const done = finished.get(name);
    if (done) return done;
    const samples = coldSamples.get(name) ?? [];
    const w = warm.get(name);
    const start = started.get(name);
    return {
      name,
      kind: start?.kind ?? 'unknown',
      region: start?.region ?? 'unknown',
      origin: start?.origin ?? run!.origin,
      status: 'partial',
      config: start?.config ?? {},
      platform: {},
      phases: {
        ...(samples.length > 0 ? { cold: summariseColdSamples(samples, samples[0]?.strategy ?? 'unknown') } : {}),
        ...(w ? { warm: w } : {}),
      },
    };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION },
    run: { id: run.id, origin: run.origin, origins: [run.origin], startedAt: run.startedAt, endedAt: new Date().toISOString(), partial: true, targetFile: run.targetFile },
    targets,
    thresholds: [],
  };
}

/** Just enough shape checking that a stray or damaged line cannot crash the rebuild. */
function isWellFormed(record: unknown): record is CheckpointRecord {
  if (record === null || typeof record !== 'object') return false;
  const r = record as Record<string, unknown>;
  const named = (v: unknown) => v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string';
  switch (r.type) {
    case 'run':
      return typeof r.id === 'string' && typeof r.origin === 'string';
    case 'target-start':
      return named(r.target);
    case 'cold-sample':
      return typeof r.target === 'string' && r.sample !== null && typeof r.sample === 'object';
    case 'warm':
      return typeof r.target === 'string' && r.phase !== null && typeof r.phase === 'object';
    case 'target':
      return named(r.result);
    default:
      return false;
  }
}
