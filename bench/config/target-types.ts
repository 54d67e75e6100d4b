// The validated, normalised target file as the rest of the product sees it (durations in
// milliseconds, defaults applied): what normalize.ts makes of the zod schema's input (schema.ts).
import type { ByKind, ColdStrategy, TargetKind } from './kinds.js';
import type { OriginConfig } from './origin-types.js';
import type { SweepAxis, Variant } from '../experiments/sweep-types.js';

/** A validated, normalised target: durations in milliseconds, defaults applied. */
export interface ColdConfig {
  samples: number;
  strategy: ColdStrategy;
  idleMs: number;
  command?: string;
  instanceHeader?: string;
  instanceUptimeHeader?: string;
  waitTimeoutMs: number;
  pollIntervalMs: number;
}

export interface WarmConfig {
  durationMs?: number;
  requests?: number;
  connections: number;
  rate?: number;
  maxConnections: number;
  warmupMs: number;
  /** Untimed concurrent requests before the clock starts; undefined: the phase's expected concurrency. */
  prewarm?: number;
  /** Open model with a varying rate (warm.stages / warm.trace); durationMs is then their length. */
  arrivals?: Arrivals;
}

/** One stage of `warm.stages`: the rate reached at its end (linear from the previous stage's, as
 *  k6's ramping arrival rate), over durationMs (0: a step). */
export interface ArrivalStage {
  rate: number;
  durationMs: number;
}

/** A varying arrival rate: stages, or a trace of request counts per interval (Azure Functions layout). */
export type Arrivals =
  | { kind: 'stages'; startRate: number; stages: ArrivalStage[] }
  | { kind: 'trace'; file: string; intervalMs: number; function?: string; scale: number; counts: number[] };

/** `burst:` N requests at the same instant on a target forced cold, per size, `samples` times. */
export interface BurstConfig {
  sizes: number[];
  samples: number;
}

/** `keepalive:` after a warm request, wait each idle gap, then one request: was it cold? */
export interface KeepaliveConfig {
  idleMs: number[];
  samples: number;
}

interface CommonTarget {
  name: string;
  region: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  cold: ColdConfig | null;
  warm: WarmConfig | null;
  thresholds: string[];
  pricing: Record<string, number | string>;
  burst?: BurstConfig;
  keepalive?: KeepaliveConfig;
  /** `sweep:`: the axes of the variants to measure (absent: no sweep). */
  sweep?: SweepAxis[];
  /** Set on the target a sweep runs for one variant: the variant and the swept target's name. */
  variant?: { of: string; values: Variant };
  /** 1-based line of the target in the file, for messages. */
  line?: number;
}

export type HttpTarget = CommonTarget & { kind: 'http'; url: string };
export type LambdaTarget = CommonTarget & {
  kind: 'lambda';
  function: string;
  qualifier?: string;
  endpoint?: string;
  payload?: unknown;
  /** A Function URL, or 'auto' (looked up for the qualifier). */
  url?: string;
  architecture?: 'x86_64' | 'arm64';
};
export type CloudFunctionTarget = CommonTarget & {
  kind: 'cloud-function';
  project: string;
  function: string;
  url?: string;
  apiEndpoint?: string;
  auth: 'id-token' | 'none';
};
export type CloudRunTarget = CommonTarget & {
  kind: 'cloud-run';
  project: string;
  service: string;
  url?: string;
  apiEndpoint?: string;
  auth: 'id-token' | 'none';
};
export type KnativeTarget = CommonTarget & {
  kind: 'knative';
  url?: string;
  service: string;
  /** Absent: the kubeconfig context's namespace, then `default` (resolved by the adapter). */
  namespace?: string;
  context?: string;
  host?: string;
};
/** A Deployment reached at `url`, or through the API server's proxy to `service` (exactly one). */
export type KubernetesTarget = CommonTarget & {
  kind: 'kubernetes';
  url?: string;
  service?: string;
  servicePort?: number | string;
  path?: string;
  deployment: string;
  /** Absent: the kubeconfig context's namespace, then `default` (resolved by the adapter). */
  namespace?: string;
  context?: string;
};

export type TargetByKind = ByKind<{
  http: HttpTarget;
  lambda: LambdaTarget;
  'cloud-function': CloudFunctionTarget;
  'cloud-run': CloudRunTarget;
  knative: KnativeTarget;
  kubernetes: KubernetesTarget;
}>;

export type TargetConfig = TargetByKind[TargetKind];

export interface RunConfig {
  /** Absolute path of the target file. */
  file: string;
  /** The file's text as read (`${VAR}` not yet replaced): what remote origins are given. */
  text: string;
  /** `origins:` (config/origins.ts), in file order; empty when the file has none. */
  origins: OriginConfig[];
  origin?: string;
  thresholds: string[];
  pricing: Record<string, number | string>;
  targets: TargetConfig[];
  /** Local emulators to start before the run (name -> options). */
  emulators: Record<string, Record<string, unknown>>;
  /** Every value that came from ${VAR}: redacted from all outputs. */
  secrets: Set<string>;
}
