// What `coldbench plan` produces (printed as a table or as JSON).
import type { Problem } from '../adapters/problems.js';
import type { TargetWhere } from '../adapters/types.js';
import type { OriginConfig } from '../config/origin-types.js';
import type { TargetConfig } from '../config/schema.js';
import type { PlatformFacts } from '../results/platform-facts.js';
import type { NetworkFacts } from '../results/types.js';
import type { RunCost } from './cost.js';

export interface TargetPlan {
  name: string;
  kind: TargetConfig['kind'];
  ready: boolean;
  problems: Problem[];
  changes: string[];
  estimatedSeconds: number;
  timeBasis: string[];
  where: TargetWhere;
  facts: PlatformFacts | null;
  /** Further settings read for the checks (log settings, reserved / provisioned concurrency...). */
  details: Record<string, string | number | boolean | null>;
  network: NetworkFacts | null;
  cost: RunCost;
  /** How long inspecting and probing this target took, ms. */
  elapsedMs: number;
}

export interface OriginPlanView {
  origin: string;
  engine: OriginConfig['engine'];
  creates: string[];
  removes: string[];
  estimatedSeconds: number;
}

export interface PlanOutput {
  file: string;
  ready: boolean;
  /** All targets, one after another, as `run` takes them. */
  estimatedSeconds: number;
  targets: TargetPlan[];
  origins: OriginPlanView[];
  /** How long the plan took once the file's local emulators (if any) were up, ms. */
  elapsedMs: number;
}

