// Rebuild results from a checkpoint (NDJSON written while measuring) after a crash or kill -9.
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
  const order: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: CheckpointRecord;
    try {
      record = JSON.parse(line) as CheckpointRecord;
    } catch {
      continue; // the torn last line of a killed run
    }
    const note = (name: string) => {
      if (!order.includes(name)) order.push(name);
    };
    switch (record.type) {
      case 'run':
        run = record;
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
    return {
      name,
      kind: 'unknown',
      region: 'unknown',
      origin: run!.origin,
      status: 'partial',
      config: {},
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
