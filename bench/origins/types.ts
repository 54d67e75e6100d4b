// What every origin engine (a Kubernetes Job, a temporary Lambda function) offers the orchestrator:
// a pure plan (what it will create and remove, for `plan` and for the journal) and a run that
// creates, runs the shipped target file remotely, hands back the origin's results.json and
// removes what it created, on every path out.
import type { OriginConfig } from '../config/origin-types.js';
import type { TargetConfig } from '../config/schema.js';
import type { Journal } from '../journal.js';
import type { RunResults } from '../results/types.js';
import type { ShippedFile } from './shipped-file.js';

/** What the plan of an origin needs: nothing that touches a platform. */
export interface PlanInput {
  /** Short id of the orchestrated run; it names what is created (coldbench-<origin>-<runId>). */
  runId: string;
  shipped: ShippedFile;
  targets: readonly TargetConfig[];
}

export interface OriginContext extends PlanInput {
  journal: Journal;
  /** A progress line of this origin. */
  log: (message: string) => void;
  /** Aborted on Ctrl-C: stop the remote run early, collect what it measured, remove everything. */
  signal: AbortSignal;
}

/** Per origin: what will be created and removed, one line each, in the order it happens. */
export interface OriginPlan {
  creates: string[];
  removes: string[];
}

export interface OriginOutcome {
  /** The origin's own results.json (checked), or null when it produced none. */
  results: RunResults | null;
  /** Why the origin failed or is incomplete, in one sentence. */
  failure?: string;
}

export interface OriginRun {
  /** Create, run remotely, collect. Platform failures come back in the outcome, not as throws. */
  run(): Promise<OriginOutcome>;
  /** Remove what run() created (journaled first, so `coldbench restore` finishes a killed run's
   *  removal); idempotent, and a concurrent second call shares the first. */
  cleanUp(): Promise<void>;
}

export interface OriginEngineModule<E extends OriginConfig['engine']> {
  start(origin: Extract<OriginConfig, { engine: E }>, ctx: OriginContext): OriginRun;
}

/** The label of every object an origin creates. */
export function resourceName(originName: string, runId: string): string {
  return `coldbench-${originName}-${runId}`;
}
