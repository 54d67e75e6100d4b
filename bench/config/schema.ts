// The target file's shape: a union of target kinds keyed by `kind`, every object strict.
// The zod schema validates the *input* shape (durations as strings) and is exported as JSON Schema
// for editors; normalize.ts then turns the validated input into TargetConfig (durations in ms).
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';
import type { OriginConfig } from './origin-types.js';

export const TARGET_KINDS = ['http', 'lambda', 'cloud-function', 'knative', 'kubernetes'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export function isTargetKind(value: unknown): value is TargetKind {
  return TARGET_KINDS.some((kind) => kind === value);
}

/** A map with exactly one entry per target kind: a kind added to TARGET_KINDS and missing here,
 *  or a key that is not a kind, is a compile error. */
export type ByKind<T extends Record<TargetKind, unknown> & Record<Exclude<keyof T, TargetKind>, never>> = T;

export const COLD_STRATEGIES = ['none', 'idle', 'command', 'update-config', 'scale-to-zero', 'scale-from-zero'] as const;
export type ColdStrategy = (typeof COLD_STRATEGIES)[number];

/** Which cold strategies each kind supports (an unsupported one is a validation error). */
export const STRATEGIES_BY_KIND: Record<TargetKind, readonly ColdStrategy[]> = {
  http: ['none', 'idle', 'command'],
  lambda: ['update-config', 'idle', 'none'],
  'cloud-function': ['update-config', 'idle', 'none'],
  knative: ['scale-to-zero', 'idle', 'none', 'command'],
  kubernetes: ['scale-from-zero', 'none', 'idle', 'command'],
};

/** Default cold strategy per kind: the one that really forces a cold start. */
export const DEFAULT_STRATEGY: Record<TargetKind, ColdStrategy> = {
  http: 'none',
  lambda: 'update-config',
  'cloud-function': 'update-config',
  knative: 'scale-to-zero',
  kubernetes: 'scale-from-zero',
};

const duration = z
  .union([
    z.string().regex(DURATION_PATTERN, { error: 'expected a duration like 500ms, 30s, 2m or 1h' }),
    z.number().nonnegative({ error: 'expected a non-negative number of milliseconds' }),
  ], { error: 'expected a duration like 500ms, 30s, 2m or 1h' })
  .describe('A duration: "500ms", "30s", "2m", "1h", or a number of milliseconds');

const positiveInt = z.int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' });
const nonNegativeInt = z.int({ error: 'expected a non-negative integer' }).nonnegative({ error: 'expected a non-negative integer' });

export const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, { error: 'expected an http:// or https:// URL' })
  .describe('An http:// or https:// URL');

const headers = z.record(z.string(), z.string()).describe('Request headers; ${VAR} values are redacted in every output');

function coldSchema(kind: TargetKind) {
  const strategies = STRATEGIES_BY_KIND[kind] as [ColdStrategy, ...ColdStrategy[]];
  return z.strictObject({
    samples: nonNegativeInt.optional().describe('Number of cold samples; 0 skips the phase'),
    strategy: z
      .enum(strategies, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not a cold strategy of kind ${kind} (supported: ${strategies.join(', ')})`,
      })
      .optional(),
    idle: duration.optional().describe('idle strategy: how long to wait before each sample'),
    command: z.string().min(1).optional().describe('command strategy: shell command run before each sample'),
    instanceHeader: z.string().min(1).optional().describe('Response header naming the serving instance (cold verification)'),
    waitTimeout: duration.optional().describe('Upper bound for control-plane waits (update, scale-down)'),
    pollInterval: duration.optional().describe('Interval for polling the control plane and the data plane while an instance starts'),
  });
}

const coldOff = z.literal(false);

const warmSchema = z.strictObject({
  duration: duration.optional(),
  requests: positiveInt.optional().describe('Stop after this many requests instead of a duration'),
  connections: positiveInt.optional().describe('Closed model: N connections as fast as the target answers'),
  rate: z.number({ error: 'expected a number of requests per second' }).positive({ error: 'expected a positive rate' }).optional()
    .describe('Open model: requests per second at fixed intervals, latency from the intended send time'),
  maxConnections: positiveInt.optional().describe('Open model: upper bound of connections opened to keep the schedule'),
  warmup: duration.optional().describe('Unrecorded warm-up before the measured warm phase'),
});

const pricingSchema = z.record(z.string(), z.union([z.number(), z.string()])).describe('Price overrides for cost estimates');
const thresholdList = z.array(z.string()).describe('Threshold expressions, e.g. "cold.p95 < 1500ms", "errors.rate < 1%"');

function common<K extends TargetKind>(kind: K) {
  return {
    name: z.string({ error: 'expected a target name' }).min(1, { error: 'expected a non-empty name' }),
    kind: z.literal(kind),
    region: z.string().optional().describe('Label of where the target runs'),
    method: z.string().regex(/^[A-Za-z]+$/, { error: 'expected an HTTP method like GET or POST' }).optional(),
    headers: headers.optional(),
    body: z.string().optional(),
    timeout: duration.optional().describe('Per-request timeout (default 30s)'),
    cold: z.union([coldOff, coldSchema(kind)]).optional(),
    warm: z.union([z.literal(false), warmSchema]).optional(),
    thresholds: thresholdList.optional(),
    pricing: pricingSchema.optional(),
  };
}

export const httpTargetSchema = z.strictObject({
  ...common('http'),
  url: httpUrl,
});

export const lambdaTargetSchema = z.strictObject({
  ...common('lambda'),
  function: z.string().min(1),
  qualifier: z.string().min(1).optional(),
  region: z.string().min(1, { error: 'expected an AWS region' }),
  endpoint: httpUrl.optional(),
  payload: z.unknown().optional().describe('JSON value, or "@file.json" relative to the target file'),
  url: httpUrl.optional().describe('Function URL for HTTP warm load'),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
});

export const cloudFunctionTargetSchema = z.strictObject({
  ...common('cloud-function'),
  project: z.string().min(1),
  region: z.string().min(1),
  function: z.string().min(1),
  url: httpUrl.optional(),
  apiEndpoint: httpUrl.optional(),
  auth: z.enum(['id-token', 'none']).optional(),
});

export const knativeTargetSchema = z.strictObject({
  ...common('knative'),
  url: httpUrl.optional(),
  service: z.string().min(1),
  namespace: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
});

export const kubernetesTargetSchema = z.strictObject({
  ...common('kubernetes'),
  url: httpUrl,
  deployment: z.string().min(1),
  namespace: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
});

/** One schema per kind (a missing kind is a compile error). */
export const targetSchemas = {
  http: httpTargetSchema,
  lambda: lambdaTargetSchema,
  'cloud-function': cloudFunctionTargetSchema,
  knative: knativeTargetSchema,
  kubernetes: kubernetesTargetSchema,
} satisfies ByKind<Record<TargetKind, z.ZodObject>>;

export const targetSchema = z.discriminatedUnion('kind', [
  targetSchemas.http,
  targetSchemas.lambda,
  targetSchemas['cloud-function'],
  targetSchemas.knative,
  targetSchemas.kubernetes,
]);

export const targetFileSchema = z.strictObject({
  $schema: z.string().optional(),
  origin: z.string().min(1).optional(),
  defaults: z.record(z.string(), z.unknown()).optional().describe('Deep-merged into every target'),
  thresholds: thresholdList.optional(),
  pricing: pricingSchema.optional(),
  timeout: duration.optional(),
  emulators: z
    .partialRecord(z.enum(['http', 'lambda', 'cloud-functions', 'kubernetes']), z.record(z.string(), z.unknown()))
    .optional()
    .describe('Local platform emulators the harness starts before the run and stops after it (the demo and tests)'),
  targets: z.array(z.unknown(), { error: 'expected a list of targets' }).min(1, { error: 'expected at least one target' }),
  /** Where the targets are measured from (config/origins.ts validates each). */
  origins: z.array(z.unknown(), { error: 'expected a list of origins' }).min(1, { error: 'expected at least one origin' }).optional(),
});

/** Schema as published for editors: targets typed by kind. */
export const publishedSchema = targetFileSchema.extend({
  targets: z.array(targetSchema).min(1),
});

export type TargetInput = z.infer<typeof targetSchema>;

/** Compile-time check that the union above lists every kind. */
type UnparsedKind = Exclude<TargetKind, TargetInput['kind']>;
export const EVERY_KIND_PARSED: [UnparsedKind] extends [never] ? true : UnparsedKind = true;

/** A validated, normalised target: durations in milliseconds, defaults applied. */
export interface ColdConfig {
  samples: number;
  strategy: ColdStrategy;
  idleMs: number;
  command?: string;
  instanceHeader?: string;
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
export type KnativeTarget = CommonTarget & {
  kind: 'knative';
  url?: string;
  service: string;
  namespace: string;
  context?: string;
  host?: string;
};
export type KubernetesTarget = CommonTarget & {
  kind: 'kubernetes';
  url: string;
  deployment: string;
  namespace: string;
  context?: string;
};

export type TargetByKind = ByKind<{
  http: HttpTarget;
  lambda: LambdaTarget;
  'cloud-function': CloudFunctionTarget;
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
