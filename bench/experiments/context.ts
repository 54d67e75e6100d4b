// What the experiments (burst, keepalive) share: their context from the runner, and one request
// turned into the record results.json keeps.
import type { Invocation } from '../adapters/types.js';
import type { ExperimentResults, ExperimentSampleRecord } from '../results/types.js';

export interface ExperimentContext {
  /** Aborted on Ctrl-C: stop between requests, keep what was measured. */
  signal: AbortSignal;
  /** Instances seen so far in the run (the cold and warm phases'); new ones are added. */
  seenInstances: Set<string>;
  /** The target names its instances (cold.instanceHeader): a new one is a cold start. */
  usesInstanceHeader: boolean;
  /** One progress line (overwritten by the next). */
  status: (message: string) => void;
  /** A line that stays (what each experiment found). */
  log: (message: string) => void;
  /** Called with everything measured so far after each burst and keepalive sample (the checkpoint). */
  measured?: (experiments: ExperimentResults) => void;
}

export function experimentRecord(invocation: Invocation, cold: boolean | null): ExperimentSampleRecord {
  return {
    startedAt: new Date(invocation.startedAtMs).toISOString(),
    latencyUs: invocation.latencyUs,
    status: invocation.status,
    error: invocation.error,
    cold,
    instance: invocation.instance ?? null,
    initUs: invocation.initUs ?? null,
  };
}
