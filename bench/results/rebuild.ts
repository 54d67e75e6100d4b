// Rebuild results from a checkpoint (NDJSON written while measuring) after a crash or kill -9:
// finished targets as recorded, unfinished ones from their samples (marked partial). A torn last
// line (the write in flight when the process died) is skipped.
import { InputError } from '../errors.js';
import type { CheckpointRecord } from '../checkpoint.js';
import { summariseColdSamples } from '../phases/cold.js';
import { checkpointRecordSchema } from './schema.js';
import { SCHEMA_VERSION, type ColdSampleRecord, type RunResults, type TargetResult } from './types.js';
import { TOOL_VERSION } from '../version.js';

export function rebuildFromCheckpoint(text: string, file: string): RunResults {
  let run: Extract<CheckpointRecord, { type: 'run' }> | undefined;
  const finished = new Map<string, TargetResult>();
  const coldSamples = new Map<string, ColdSampleRecord[]>();
  const warm = new Map<string, Extract<CheckpointRecord, { type: 'warm' }>['phase']>();
  const experiments = new Map<string, Extract<CheckpointRecord, { type: 'experiments' }>['experiments']>();
  const started = new Map<string, Extract<CheckpointRecord, { type: 'target-start' }>['target']>();
  const order: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      continue; // the torn last line of a killed run
    }
    const parsed = checkpointRecordSchema.safeParse(data);
    if (!parsed.success) continue; // not one of ours: skipped, like a torn line
    const record = parsed.data;
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
      case 'experiments':
        note(record.target);
        experiments.set(record.target, record.experiments);
        break;
      case 'target':
        note(record.result.name);
        finished.set(record.result.name, record.result);
        break;
    }
  }
  if (!run) throw new InputError(`${file}: not a coldbench checkpoint (no run record)`);
  const runOrigin = run.origin;
  // A target whose start record is missing (a damaged line) cannot be placed: its samples are
  // skipped like the damaged line itself.
  const targets: TargetResult[] = order.flatMap((name): TargetResult[] => {
    const done = finished.get(name);
    if (done) return [done];
    const start = started.get(name);
    if (!start) return [];
    const samples = coldSamples.get(name) ?? [];
    const w = warm.get(name);
    const e = experiments.get(name);
    return [{
      name,
      kind: start.kind,
      region: start.region,
      origin: start.origin || runOrigin,
      ...(start.variant ? { variant: start.variant, variantOf: start.variantOf } : {}),
      status: 'partial',
      config: start.config,
      platform: { kind: start.kind },
      phases: {
        ...(samples.length > 0 ? { cold: summariseColdSamples(samples, samples[0]?.strategy ?? 'unknown') } : {}),
        ...(w ? { warm: w } : {}),
      },
      ...(e ? { experiments: e } : {}),
    }];
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION },
    run: { id: run.id, origin: run.origin, origins: [run.origin], startedAt: run.startedAt, endedAt: new Date().toISOString(), partial: true, targetFile: run.targetFile },
    targets,
    thresholds: [],
  };
}
