// Types shared by the emulated function, its published versions, its URL and the API server.
import type { LoggingSettings } from './logs.js';
import type { SigningCredential } from './sigv4.js';

export interface FunctionUrlSpec {
  authType: 'AWS_IAM' | 'NONE';
  /** The alias the URL invokes; absent = $LATEST. */
  qualifier?: string;
}

export interface FunctionSpec {
  name: string;
  /** `file.export`, as Lambda's Handler setting. */
  handler: string;
  /** Absolute path of the handler module. */
  file: string;
  memorySize: number;
  /** Init gets a CPU share proportional to memory (MEMORY_PER_VCPU_MB = one vCPU). */
  cpuByMemory: boolean;
  /** Seconds, as Lambda's Timeout setting. */
  timeout: number;
  reservedConcurrency?: number;
  /** Provisioned concurrency configured on an alias (reported only). */
  provisionedConcurrency?: { qualifier: string; count: number };
  environment: Record<string, string>;
  description: string;
  logging: LoggingSettings;
  architecture: 'x86_64' | 'arm64';
  /** Aliases accepted as qualifiers; all point at $LATEST. */
  aliases: string[];
  /** SnapStart ApplyOn PublishedVersions: every published version is snapshotted. */
  snapStart: boolean;
  /** The environment is encrypted with this customer-managed KMS key. */
  kmsKeyArn?: string;
  /** The caller may not use the KMS key: reads show Environment.Error instead of the variables. */
  kmsCallerDenied: boolean;
  url: FunctionUrlSpec;
}

export interface EmulatorSettings {
  region: string;
  accountId: string;
  /** How long an update stays InProgress before it applies. */
  updateDurationMs: number;
  /** SnapStart: time a published version stays Pending after its snapshot is built (caching it). */
  snapStartDelayMs: number;
  /** Where snapshot blobs of published SnapStart versions are kept (removed at stop). */
  snapshotsDir: string;
  /** Identities the Function URL front accepts signatures from. */
  credentials: ReadonlyMap<string, SigningCredential>;
  /** How old (or early) a signature's X-Amz-Date may be. */
  signatureWindowMs: number;
}

/** What an update changes and a version freezes. */
export interface MutableConfig {
  environment: Record<string, string>;
  memorySize: number;
  timeout: number;
  description: string;
  revisionId: string;
  lastModified: string;
}

export interface InvokeRequest {
  qualifier?: string;
  invocationType: string;
  logType: string;
  payload: Buffer;
  clientContext?: string;
}

export interface InvokeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Lambda: "At 1,769 MB, a function has the equivalent of one vCPU" (Configuring Lambda function memory). */
export const MEMORY_PER_VCPU_MB = 1769;

/** The CPU share an environment's init gets: memory / 1,769 MB, at most one vCPU (init is one thread). */
export const initCpuShare = (spec: Pick<FunctionSpec, 'cpuByMemory'>, memorySize: number): number =>
  spec.cpuByMemory ? Math.min(1, memorySize / MEMORY_PER_VCPU_MB) : 1;

export const lambdaTimestamp = (date = new Date()) => date.toISOString().replace('Z', '+0000');
