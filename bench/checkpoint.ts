// Samples are checkpointed as they are measured (NDJSON, one fsync-free append per record), so a
// kill -9 loses at most the sample in flight and `coldbench report <dir>` can rebuild the reports.
// Records are redacted before they are written: the checkpoint is an output like any other.
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import path from 'node:path';
import { redactDeep } from './redact.js';
import type { ColdSampleRecord, ExperimentResults, TargetResult, WarmPhaseResult } from './results/types.js';

export const CHECKPOINT_FILE = 'checkpoint.ndjson';

export type CheckpointRecord =
  | { type: 'run'; id: string; origin: string; startedAt: string; targetFile: string }
  | { type: 'target-start'; target: Pick<TargetResult, 'name' | 'kind' | 'region' | 'origin' | 'config' | 'variant' | 'variantOf'> }
  | { type: 'cold-sample'; target: string; sample: ColdSampleRecord }
  | { type: 'warm'; target: string; phase: WarmPhaseResult }
  | { type: 'experiments'; target: string; experiments: ExperimentResults }
  | { type: 'target'; result: TargetResult };

export class Checkpoint {
  private readonly fd: number;
  private readonly secrets: string[];
  constructor(dir: string, secrets: Iterable<string> = []) {
    this.fd = openSync(path.join(dir, CHECKPOINT_FILE), 'a');
    this.secrets = [...secrets];
  }
  private write(record: CheckpointRecord) {
    appendFileSync(this.fd, JSON.stringify(redactDeep(record, this.secrets)) + '\n');
  }
  runStarted(run: { id: string; origin: string; startedAt: string; targetFile: string }) {
    this.write({ type: 'run', ...run });
  }
  /** Who the following samples belong to (kind, region, configuration), for a rebuild after kill -9. */
  targetStarted(target: Pick<TargetResult, 'name' | 'kind' | 'region' | 'origin' | 'config' | 'variant' | 'variantOf'>) {
    const { name, kind, region, origin, config, variant, variantOf } = target;
    this.write({ type: 'target-start', target: { name, kind, region, origin, ...(variant ? { variant, variantOf } : {}), config } });
  }
  coldSample(target: string, sample: ColdSampleRecord) {
    this.write({ type: 'cold-sample', target, sample });
  }
  warmPhase(target: string, phase: WarmPhaseResult) {
    this.write({ type: 'warm', target, phase });
  }
  /** The experiments measured so far (after each burst, each keepalive sample): the latest wins. */
  experiments(target: string, experiments: ExperimentResults) {
    this.write({ type: 'experiments', target, experiments });
  }
  targetDone(result: TargetResult) {
    this.write({ type: 'target', result });
  }
  close() {
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }
}
