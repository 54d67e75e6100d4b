// results.json read back (report, compare, merge) and checkpoint records (rebuild after a crash),
// checked against the shape the harness writes. Objects are loose: keys a newer coldbench adds are
// kept, not refused. Each platform's facts are checked by kind (a new kind is a compile error here).
import { z } from '../zod.js';
import { TARGET_KINDS, type ByKind, type TargetKind } from '../config/schema.js';
import { ERROR_KINDS } from '../errors.js';
import { SCHEMA_VERSION } from './types.js';
import { experimentsSchema, stagesSchema } from './experiment-schema.js';

const num = z.number();
const nullableNum = z.number().nullable();
const optionalText = z.string().nullable().optional();
const optionalNum = z.number().nullable().optional();

const errorsByKind = z.partialRecord(z.enum(ERROR_KINDS), num);

const summary = z.looseObject({
  count: num, errors: num, minUs: num, p50Us: num, p90Us: num, p95Us: num, p99Us: num, p999Us: num, maxUs: num, meanUs: num, stddevUs: num,
});

export const coldSampleSchema = z.looseObject({
  seq: num,
  startedAt: z.string(),
  latencyUs: num,
  status: nullableNum,
  error: z.enum(ERROR_KINDS).nullable(),
  errorMessage: z.string().optional(),
  cold: z.boolean().nullable(),
  initUs: nullableNum,
  instance: z.string().nullable(),
  strategy: z.string(),
  controlPlaneUs: nullableNum,
  dnsUs: nullableNum,
  connectUs: nullableNum,
  tlsUs: nullableNum,
  ttfbUs: nullableNum,
  extra: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});

const histogram = z.string({ error: 'expected an encoded histogram string' });

const coldPhase = z.looseObject({
  summary,
  histogram,
  strategy: z.string(),
  verified: num,
  notCold: num,
  unverified: num,
  samples: z.array(coldSampleSchema),
  errorsByKind,
});

export const warmPhaseSchema = z.looseObject({
  summary,
  histogram,
  model: z.enum(['closed', 'open', 'invoke']),
  requests: num,
  durationUs: num,
  throughputRps: num,
  errorsByKind,
  billedDurationMsMean: num.optional(),
  connections: num.optional(),
  rate: num.optional(),
  scheduled: num.optional(),
  sent: num.optional(),
  late: num.optional(),
  dropped: num.optional(),
  prewarm: num.optional(),
  coldInWarm: optionalNum,
  instances: optionalNum,
  stages: stagesSchema.optional(),
});

const network = z.looseObject({
  rttUs: nullableNum,
  host: z.string().optional(),
  port: num.optional(),
  tls: z.boolean().optional(),
  samples: num.optional(),
  connectUs: z.array(num).optional(),
  tlsUs: z.array(num).nullable().optional(),
  errors: num.optional(),
});

const kubeWorkload = {
  namespace: z.string().optional(),
  context: z.string().optional(),
  cpuRequestCores: optionalNum,
  memoryRequestMiB: optionalNum,
  containerRequests: optionalText,
};

/** Every fact may be missing (a target that failed before describe()); present ones are typed. */
const factsSchemas = {
  http: z.looseObject({ kind: z.literal('http') }),
  lambda: z.looseObject({
    kind: z.literal('lambda'),
    function: z.string().optional(),
    functionArn: optionalText,
    version: optionalText,
    qualifier: optionalText,
    runtime: optionalText,
    memorySizeMb: optionalNum,
    architecture: z.string().optional(),
    timeoutS: optionalNum,
    packageType: optionalText,
    snapStart: optionalText,
    coldStrategy: z.string().optional(),
    urlAuthType: optionalText,
  }),
  'cloud-function': z.looseObject({
    kind: z.literal('cloud-function'),
    function: z.string().optional(),
    url: optionalText,
    auth: z.enum(['id-token', 'none']).optional(),
    revision: optionalText,
    state: optionalText,
    runtime: optionalText,
    availableMemory: optionalText,
    memoryMb: optionalNum,
    availableCpu: optionalText,
    cpu: optionalNum,
    timeoutSeconds: optionalNum,
    minInstanceCount: num.optional(),
    maxInstanceCount: optionalNum,
    maxInstanceRequestConcurrency: optionalNum,
  }),
  'cloud-run': z.looseObject({
    kind: z.literal('cloud-run'),
    service: z.string().optional(),
    url: optionalText,
    auth: z.enum(['id-token', 'none']).optional(),
    revision: optionalText,
    ready: optionalText,
    availableMemory: optionalText,
    memoryMb: optionalNum,
    availableCpu: optionalText,
    cpu: optionalNum,
    cpuIdle: z.boolean().nullable().optional(),
    startupCpuBoost: z.boolean().nullable().optional(),
    timeoutSeconds: optionalNum,
    minInstanceCount: num.optional(),
    maxInstanceCount: optionalNum,
    maxInstanceRequestConcurrency: optionalNum,
  }),
  knative: z.looseObject({
    kind: z.literal('knative'),
    ...kubeWorkload,
    service: z.string().optional(),
    url: z.string().optional(),
    revision: optionalText,
    ready: optionalText,
    scaleToZeroWindow: optionalText,
    containerConcurrency: optionalNum,
    minScale: optionalNum,
  }),
  kubernetes: z.looseObject({ kind: z.literal('kubernetes'), ...kubeWorkload, deployment: z.string().optional(), replicas: num.optional(), readyReplicas: num.optional() }),
} satisfies ByKind<Record<TargetKind, z.ZodType>>;

const platformFacts = z.discriminatedUnion('kind', [factsSchemas.http, factsSchemas.lambda, factsSchemas['cloud-function'], factsSchemas['cloud-run'], factsSchemas.knative, factsSchemas.kubernetes]);

/** Compile-time check that the union above lists every kind. */
type UnreadKind = Exclude<TargetKind, z.infer<typeof platformFacts>['kind']>;
export const EVERY_KIND_READ: [UnreadKind] extends [never] ? true : UnreadKind = true;

const costEstimate = z.looseObject({
  label: z.literal('estimate'),
  model: z.enum(['lambda', 'cloud-function', 'node-hours', 'none']),
  currency: z.string(),
  pricesDate: z.string(),
  per1MRequests: nullableNum,
  perColdStart: nullableNum,
  basis: z.array(z.string()),
  overrides: z.record(z.string(), z.union([z.number(), z.string()])),
});

const capacity = z.looseObject({
  rpsPerInstance: num,
  instances: num,
  basis: z.enum(['distinct-instances', 'configured-concurrency', 'replicas']),
  note: z.string(),
});

const targetKind = z.enum(TARGET_KINDS, { error: (issue) => `expected one of ${TARGET_KINDS.join(', ')}, got ${JSON.stringify(issue.input)}` });
/** Who a target is: in results.json and in each checkpoint's target-start record. */
const targetIdentity = {
  name: z.string(),
  kind: targetKind,
  region: z.string(),
  origin: z.string(),
  variant: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  variantOf: z.string().optional(),
};

/** Results written before platform facts carried their kind: the facts belong to the target's kind. */
function withFactsKind(target: unknown): unknown {
  if (target === null || typeof target !== 'object' || !('platform' in target) || !('kind' in target)) return target;
  const { platform, kind } = target;
  if (platform === null || typeof platform !== 'object' || 'kind' in platform) return target;
  return { ...target, platform: { ...platform, kind } };
}

export const targetResultSchema = z.preprocess(
  withFactsKind,
  z
    .looseObject({
      ...targetIdentity,
      status: z.enum(['ok', 'failed', 'partial']),
      failure: z.string().optional(),
      warnings: z.array(z.string()).optional(),
      config: z.record(z.string(), z.unknown()),
      platform: platformFacts,
      phases: z.looseObject({ cold: coldPhase.optional(), warm: warmPhaseSchema.optional() }),
      cost: costEstimate.optional(),
      network: network.optional(),
      coldPenaltyUs: optionalNum,
      capacity: capacity.optional(),
      experiments: experimentsSchema.optional(),
    })
    .refine((t) => t.platform.kind === t.kind, { error: 'platform facts of another kind than the target', path: ['platform', 'kind'] }),
);

const thresholdResult = z.looseObject({
  expression: z.string(),
  target: z.string(),
  origin: z.string().optional(),
  phase: z.string().optional(),
  passed: z.boolean(),
  actualUs: nullableNum.optional(),
  actual: nullableNum.optional(),
  message: z.string().optional(),
});

export const runResultsSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.looseObject({ name: z.literal('coldbench'), version: z.string() }),
  run: z.looseObject({
    id: z.string(),
    origin: z.string(),
    origins: z.array(z.string()).optional(),
    startedAt: z.string(),
    endedAt: z.string(),
    partial: z.boolean(),
    targetFile: z.string().optional(),
    host: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    mergedFrom: z.array(z.string()).optional(),
    cost: z.looseObject({ traffic: nullableNum, freeTier: z.boolean() }).optional(),
    parallelOrigins: z.boolean().optional(),
  }),
  targets: z.array(targetResultSchema),
  thresholds: z.array(thresholdResult).default([]),
});

/** The records of checkpoint.ndjson. */
export const checkpointRecordSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('run'), id: z.string(), origin: z.string(), startedAt: z.string(), targetFile: z.string() }),
  z.looseObject({
    type: z.literal('target-start'),
    target: z.looseObject({
      ...targetIdentity,
      config: z.record(z.string(), z.unknown()),
    }),
  }),
  z.looseObject({ type: z.literal('cold-sample'), target: z.string(), sample: coldSampleSchema }),
  z.looseObject({ type: z.literal('warm'), target: z.string(), phase: warmPhaseSchema }),
  z.looseObject({ type: z.literal('experiments'), target: z.string(), experiments: experimentsSchema }),
  z.looseObject({ type: z.literal('target'), result: targetResultSchema }),
]);
