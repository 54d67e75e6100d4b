// results.json: the complete machine-readable run (schemaVersion 1). All times integer microseconds.
// Reporters, `report`, `compare` and merging read only this; they never re-measure.
import type { TargetKind } from '../config/schema.js';
import type { ErrorKind } from '../errors.js';
import type { LatencySummary } from '../histograms.js';
import type { RecordedFacts } from './platform-facts.js';

export const SCHEMA_VERSION = 1;

export interface ColdSampleRecord {
  seq: number;
  startedAt: string;
  latencyUs: number;
  status: number | null;
  error: ErrorKind | null;
  errorMessage?: string;
  /** true verified cold, false verified warm (left out of the cold histogram), null unknown. */
  cold: boolean | null;
  initUs: number | null;
  instance: string | null;
  strategy: string;
  /** Control-plane time spent forcing this cold start (not part of latencyUs). */
  controlPlaneUs: number | null;
  dnsUs: number | null;
  connectUs: number | null;
  tlsUs: number | null;
  ttfbUs: number | null;
  /** Platform-specific numbers (billedDurationMs, memorySizeMb, readyUs, ...). */
  extra: Record<string, number | string | null>;
}

export interface ColdPhaseResult {
  summary: LatencySummary;
  histogram: string;
  strategy: string;
  /** How many samples were verified cold, verified not cold, or could not be verified. */
  verified: number;
  notCold: number;
  unverified: number;
  samples: ColdSampleRecord[];
  errorsByKind: Partial<Record<ErrorKind, number>>;
}

export interface WarmPhaseResult {
  summary: LatencySummary;
  histogram: string;
  model: 'closed' | 'open' | 'invoke';
  /** Successful + failed requests that got a result. */
  requests: number;
  durationUs: number;
  throughputRps: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  /** Mean platform-billed duration of the warm calls where the platform reports one (Lambda), ms. */
  billedDurationMsMean?: number;
  connections?: number;
  /** Open model only: the schedule's accounting (scheduled = sent + dropped). */
  rate?: number;
  scheduled?: number;
  sent?: number;
  late?: number;
  dropped?: number;
  /** Untimed concurrent requests sent before the clock started, so that many instances exist. */
  prewarm?: number;
  /** Cold starts inside the timed phase (an instance never seen before in the run, or the
   *  platform's word); null when the target gives no way to tell. */
  coldInWarm?: number | null;
  /** Distinct instances that served the timed phase (instance header known); null otherwise. */
  instances?: number | null;
  /** warm.stages / warm.trace: one entry per stage (or trace interval). */
  stages?: StageResult[];
}

/** One stage of a varying-rate open model (phases/stage-tally.ts). */
export interface StageResult {
  /** Where the stage starts in the schedule, and how long it lasts, ms. */
  startMs: number;
  durationMs: number;
  /** Requests per second at the stage's start and end (linear in between). */
  fromRate: number;
  toRate: number;
  /** Requests intended within the stage. */
  scheduled: number;
  /** Requests that actually left within the stage's window. */
  sent: number;
  /** The stage's requests (by intended time) that failed, and that a cold start served. */
  errors: number;
  coldStarts: number;
}

export interface TargetResult {
  name: string;
  kind: TargetKind;
  region: string;
  origin: string;
  /** A variant of a `sweep:`: the swept values (`{ memory: 512 }`), and the swept target's name. */
  variant?: Record<string, number | string>;
  variantOf?: string;
  /** ok: measured; failed: the control plane or preparation failed (reason given). */
  status: 'ok' | 'failed' | 'partial';
  failure?: string;
  /** Findings that make the numbers mislead (e.g. samples the platform cannot verify), one sentence each. */
  warnings?: string[];
  /** The target's configuration as given, with secrets redacted. */
  config: Record<string, unknown>;
  /** Platform facts (memory, CPU, architecture), tagged with the kind, for cost estimates. */
  platform: RecordedFacts;
  phases: {
    cold?: ColdPhaseResult;
    warm?: WarmPhaseResult;
  };
  /** Cost estimate (list prices, labelled as an estimate). */
  cost?: CostEstimate;
  /** Network facts of the data-plane host; rttUs = minimum TCP connect time (null: not measured). */
  network?: NetworkFacts;
  /** Cold p50 - warm p50 (results/derived.ts coldPenaltyUs), written with the reports. */
  coldPenaltyUs?: number | null;
  /** What one instance (pod) sustained in the warm phase, and how that was derived. */
  capacity?: CapacityEstimate;
  /** `burst:` and `keepalive:` (bench/experiments/). */
  experiments?: ExperimentResults;
}

export interface ExperimentResults {
  burst?: BurstResult;
  keepalive?: KeepaliveResult;
}

/** One request of a burst, or the request after an idle gap. */
export interface ExperimentSampleRecord {
  startedAt: string;
  latencyUs: number;
  status: number | null;
  error: ErrorKind | null;
  /** Verified cold (as cold samples are), verified warm, or unknown. */
  cold: boolean | null;
  instance: string | null;
  initUs: number | null;
}

export interface BurstSizeResult {
  size: number;
  /** Successful requests of every burst of this size. */
  summary: LatencySummary;
  histogram: string;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  /** One entry per burst sent. */
  bursts: Array<{
    /** Control-plane time forcing the target cold before the burst. */
    controlPlaneUs: number | null;
    /** Distinct instances that answered (instance id); null when no response named one. */
    instances: number | null;
    /** Requests verified cold (new instances, or the platform's Init Duration); null when none could be verified. */
    coldStarts: number | null;
    requests: ExperimentSampleRecord[];
  }>;
}

export interface BurstResult {
  strategy: string;
  sizes: BurstSizeResult[];
}

export interface KeepaliveGapResult {
  idleMs: number;
  /** Requests after this gap whose coldness was verified either way. */
  samples: number;
  cold: number;
  /** Requests that could not be verified, and failed requests (both left out of p_cold). */
  unverified: number;
  errors: number;
  /** Share of cold among the verified samples, with its Wilson 95% interval; null with no sample. */
  pCold: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  requests: ExperimentSampleRecord[];
}

export interface KeepaliveResult {
  gaps: KeepaliveGapResult[];
}

/** How the number of instances that served the warm phase was found: counted from an instance
 *  header, derived from the configured concurrency per instance, or the replica count. */
export type CapacityBasis = 'distinct-instances' | 'configured-concurrency' | 'replicas';

export interface CapacityEstimate {
  /** Successful requests per second one instance (pod) sustained in the warm phase. */
  rpsPerInstance: number;
  /** Instances (pods) that served the warm phase. */
  instances: number;
  basis: CapacityBasis;
  /** One sentence: the numbers behind `instances`. */
  note: string;
}

/** The network baseline: TCP connects (and TLS handshakes on https) to the data-plane host before
 *  the cold phase, without any HTTP request (a request would warm the target). */
export interface NetworkFacts {
  /** Minimum TCP connect time; null when no connect succeeded. */
  rttUs: number | null;
  host?: string;
  port?: number;
  tls?: boolean;
  /** Connection attempts made. */
  samples?: number;
  /** TCP connect time of each successful attempt (DNS resolved once, before the first). */
  connectUs?: number[];
  /** TLS handshake time of each successful attempt on https; null on plain http. */
  tlsUs?: number[] | null;
  /** Attempts that failed (refused, reset, timed out, TLS error). */
  errors?: number;
}

export type CostModel = 'lambda' | 'cloud-function' | 'node-hours' | 'none';

export interface CostEstimate {
  label: 'estimate';
  model: CostModel;
  currency: string;
  /** Date of the price table (the default table's, or the one set with `pricing.date`). */
  pricesDate: string;
  per1MRequests: number | null;
  perColdStart: number | null;
  /** One sentence each: which numbers went in. */
  basis: string[];
  /** The `pricing:` overrides used, so a merged report can compute the same estimate again. */
  overrides: Record<string, number | string>;
}

export interface CostOptions {
  /** The user's own monthly request count (`--traffic`), or null. */
  traffic: number | null;
  /** Free tiers subtracted (`--free-tier`). */
  freeTier: boolean;
}

export interface ThresholdResult {
  expression: string;
  target: string;
  /** Origin of the evaluated row (one row per origin x target once runs are merged). */
  origin?: string;
  phase?: string;
  passed: boolean;
  actualUs?: number | null;
  actual?: number | null;
  message?: string;
}

export interface RunResults {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'coldbench'; version: string };
  run: {
    id: string;
    origin: string;
    origins?: string[];
    startedAt: string;
    endedAt: string;
    partial: boolean;
    targetFile?: string;
    host?: Record<string, string | number>;
    mergedFrom?: string[];
    /** The monthly cost curves' options (`--traffic`, `--free-tier`), so `report` draws the same. */
    cost?: CostOptions;
    /** `run --origins --parallel-origins`: the origins measured at the same time (they may have
     *  shared warm instances, so cold starts may be undercounted). */
    parallelOrigins?: boolean;
  };
  targets: TargetResult[];
  thresholds: ThresholdResult[];
}
