// The one interface every target kind implements. The phases call it; nothing else knows a platform.
//
// Control plane (untimed): prepare -> forceCold (before each cold sample) -> restore (always, once).
// Data plane (timed): sampleCold (one cold sample) and invoke (one warm call), plus warmLoad(),
// which tells the warm phase whether it can drive plain HTTP (autocannon / open model) or must call
// invoke() itself (e.g. Lambda through the SDK).
import type { TargetByKind, TargetKind } from '../config/schema.js';
import type { JournalUndo } from '../control/journal-undo.js';
import type { ErrorKind } from '../errors.js';
import type { Journal } from '../journal.js';
import type { PlatformFactsByKind } from '../results/platform-facts.js';
import type { Problem } from './problems.js';

/** DNS / TCP / TLS / first byte / total of one request, integer microseconds; null = phase did not happen. */
export interface TimingSplit {
  dnsUs: number | null;
  connectUs: number | null;
  tlsUs: number | null;
  ttfbUs: number | null;
  totalUs: number;
}

/** One timed call: the flat record every phase produces (as vegeta's Result). */
export interface Invocation {
  /** Start of the call, epoch milliseconds (for started_at). */
  startedAtMs: number;
  /** Measured latency in integer microseconds. */
  latencyUs: number;
  /** HTTP status (or the platform's, e.g. Lambda's StatusCode); null when no response came. */
  status: number | null;
  /** Error category when the call failed; null on success. */
  error: ErrorKind | null;
  /** Short human-readable error detail (never contains secrets). */
  errorMessage?: string;
  /** Value of `instanceHeader` (or the platform's instance id), if known. */
  instance?: string | null;
  /** The platform's own word on coldness (Lambda: Init/Restore Duration present). undefined = no
   *  word; null = nothing here can tell (the sample stays unverified, even with a new instance id). */
  platformCold?: boolean | null;
  /** How long the serving instance had been up when it handled the call (`cold.instanceUptimeHeader`), µs. */
  instanceUptimeUs?: number | null;
  /** Platform-reported initialisation time (Lambda Init Duration / Restore Duration), microseconds. */
  initUs?: number | null;
  /** Timing split for requests made on a fresh connection. */
  timing?: TimingSplit;
  /** Platform-specific numbers (e.g. billedDurationMs, memorySizeMb, readyUs); become extra CSV columns. */
  extra?: Record<string, number | string | null>;
}

/** What forceCold did: control-plane time and notes, recorded beside the sample, never inside it. */
export interface ColdPreparation {
  controlPlaneUs?: number;
  note?: string;
}

/** TLS settings of an https:// request beyond the system's trust store: a cluster's CA and client
 *  certificate from a kubeconfig (requests through the API server's service proxy). */
export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** false: do not verify the server's certificate (kubeconfig insecure-skip-tls-verify). */
  rejectUnauthorized?: boolean;
  /** Name to verify the certificate against (kubeconfig tls-server-name). */
  servername?: string;
}

/** A plain HTTP request the warm engines (autocannon, open model) can send over and over. */
export interface HttpRequestSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  tls?: TlsOptions;
  /** Fresh headers for short-lived credentials (ID tokens, SigV4 signatures): called before a warm
   *  engine's clock starts and then every `refreshEveryMs` while it runs. */
  refreshHeaders?: () => Promise<Record<string, string>>;
  /** How often to call refreshHeaders (default: every 10 minutes, for hour-long ID tokens). */
  refreshEveryMs?: number;
}

/** Options of one data-plane call. */
export interface InvokeOptions {
  /** Over a new connection (cold samples). */
  fresh: boolean;
  /** Ask for the platform's word on coldness where that costs something extra (Lambda: the log
   *  tail), so that the warm phase can count cold starts inside it. */
  observeCold?: boolean;
}

export type WarmLoad =
  | { type: 'http'; request: HttpRequestSpec }
  | { type: 'invoke' };

/** Context an adapter gets from the runner. */
export interface AdapterContext {
  /** Directory of the target file (for @file payloads and relative commands). */
  baseDir: string;
  /** Aborted on Ctrl-C / SIGTERM: stop waiting, return promptly. restore() must still work after it. */
  signal: AbortSignal;
  /** Report progress lines (waiting for scale-down, updating config...). */
  log: (message: string) => void;
  /** A finding that makes the numbers mislead (kept in the target's results and shown); defaults to log. */
  warn?: (message: string) => void;
  /** Write-ahead journal of platform changes, so `coldbench restore` can undo a killed run. */
  journal: Journal;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
}

/** Where a target lives, as far as its credentials and configuration say. */
export interface TargetWhere {
  account?: string;
  project?: string;
  region?: string;
  server?: string;
  context?: string;
  namespace?: string;
}

/** What inspect() found out, read-only (CHECKS-SEAM.md): shared by `run` (prepare() enforces the
 *  problems before any change) and `plan` (which prints them and touches nothing). */
export interface Inspection<K extends TargetKind = TargetKind> {
  /** What was read (the same facts describe() returns afterwards). */
  facts: PlatformFactsByKind[K];
  /** Further settings read for the checks that results.json does not keep (log settings,
   *  reserved and provisioned concurrency...), for `plan` to show. */
  details?: Record<string, string | number | boolean | null>;
  /** error: the run would fail or do harm; warning: the numbers would mislead. Each names the fix. */
  problems: Problem[];
  /** What the run will change and how many times, e.g. "3 configuration updates of $LATEST, restored at the end". */
  changes: string[];
  where?: TargetWhere;
  /** Where the data plane is reached (the network baseline's host); null when unknown. */
  dataPlane?: string | null;
  /** The adapter's own prediction of the control-plane wait before each cold sample, when it can
   *  tell better than the strategy's allowance (Knative: the time to scale to zero). */
  coldWaitMs?: number;
}

export interface Adapter<K extends TargetKind = TargetKind> {
  readonly kind: K;
  /** Read-only: reads (Get / List / GET), Lambda's DryRun invoke; no mutating call and no data-plane
   *  request. prepare() calls it first. Throws TargetFailure when the target cannot be read at all
   *  (not found, no credentials): `plan` shows that message as the target's error. */
  inspect(): Promise<Inspection<K>>;
  /** Resolve URLs, fetch tokens, read the original configuration. Throws TargetFailure on failure. */
  prepare(): Promise<void>;
  /** Make the next call cold (untimed). */
  forceCold(seq: number): Promise<ColdPreparation>;
  /** One cold sample. Usually invoke({ fresh: true }); Kubernetes scale-from-zero times scale-up -> first 200. */
  sampleCold(seq: number): Promise<Invocation>;
  /** One warm invocation (data plane only). */
  invoke(options: InvokeOptions): Promise<Invocation>;
  /** How the warm phase should drive load. */
  warmLoad(): WarmLoad;
  /** Undo every platform change (idempotent; called at the end, on error and on Ctrl-C). */
  restore(): Promise<void>;
  /** Where the data plane is reached, for the network baseline, when warmLoad() does not say it
   *  (Lambda without a url: the Invoke API endpoint). Absent: warmLoad()'s URL. */
  dataPlaneUrl?(): string | null;
  /** Platform facts for reports and cost estimates (memory, CPU, architecture, instance counts). */
  describe(): PlatformFactsByKind[K];
  /** Release sockets, clients, timers. */
  close?(): Promise<void>;
}

/** Builds the adapter of one kind from a target of that kind. */
export type AdapterFactory<K extends TargetKind> = (target: TargetByKind[K], ctx: AdapterContext) => Promise<Adapter<K>>;

/** What each kind's adapter file exports (one line per kind in registry.ts). */
export interface AdapterModule<K extends TargetKind> {
  create: AdapterFactory<K>;
  /** Undo one journalled platform change (`coldbench restore`); absent for kinds that change nothing. */
  journal?: JournalUndo;
}
