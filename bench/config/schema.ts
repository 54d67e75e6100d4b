// The target file's shape: a union of target kinds keyed by `kind`, every object strict.
// The zod schema validates the *input* shape (durations as strings) and is exported as JSON Schema
// for editors; normalize.ts then turns the validated input into TargetConfig (durations in ms).
import { z } from '../zod.js';
import { DURATION_PATTERN } from './duration.js';
import { arrivalKeys, experimentKeys } from './experiment-schema.js';
import { sweepSchema } from './sweep-schema.js';
import { STRATEGIES_BY_KIND, type ByKind, type ColdStrategy, type TargetKind } from './kinds.js';

export * from './kinds.js';
export * from './target-types.js';

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
    idle: duration.optional().describe('idle strategy: how long to wait before each sample; update-config of cloud-function / cloud-run: how long to wait once the new revision is ready'),
    command: z.string().min(1).optional().describe('command strategy: shell command run before each sample'),
    instanceHeader: z.string().min(1).optional().describe('Response header naming the serving instance (cold verification)'),
    instanceUptimeHeader: z.string().min(1).optional()
      .describe("Response header with the serving instance's uptime in ms: a sample is verified cold only if its instance started after the request was sent"),
    waitTimeout: duration.optional().describe('Upper bound for control-plane waits (update, scale-down)'),
    pollInterval: duration.optional().describe('Interval for polling the control plane and the data plane while an instance starts'),
  });
}

const coldOff = z.literal(false);
const experiments = experimentKeys(duration);

const warmSchema = z.strictObject({
  duration: duration.optional(),
  requests: positiveInt.optional().describe('Stop after this many requests instead of a duration'),
  connections: positiveInt.optional().describe('Closed model: N connections as fast as the target answers'),
  rate: z.number({ error: 'expected a number of requests per second' }).positive({ error: 'expected a positive rate' }).optional()
    .describe('Open model: requests per second at fixed intervals, latency from the intended send time'),
  maxConnections: positiveInt.optional().describe('Open model: upper bound of connections opened to keep the schedule'),
  warmup: duration.optional().describe('Unrecorded warm-up before the measured warm phase'),
  prewarm: nonNegativeInt.optional()
    .describe('Untimed concurrent requests before the clock starts, so that many instances exist (default: the connections; open model: rate x expected latency); 0 turns it off'),
  ...arrivalKeys(duration),
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
    burst: experiments.burst.optional(),
    keepalive: experiments.keepalive.optional(),
  };
}

export const httpTargetSchema = z.strictObject({
  ...common('http'),
  url: httpUrl,
});

export const lambdaTargetSchema = z.strictObject({
  ...common('lambda'),
  sweep: sweepSchema('lambda').optional(),
  function: z.string().min(1),
  qualifier: z.string().min(1).optional(),
  region: z.string().min(1, { error: 'expected an AWS region' }),
  endpoint: httpUrl.optional(),
  payload: z.unknown().optional().describe('JSON value, or "@file.json" relative to the target file'),
  url: z
    .union([z.literal('auto'), httpUrl], { error: 'expected an http:// or https:// URL, or auto' })
    .optional()
    .describe('Function URL for HTTP warm load, or auto: looked up with GetFunctionUrlConfig (requests are SigV4-signed when its AuthType is AWS_IAM)'),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
});

export const cloudFunctionTargetSchema = z.strictObject({
  ...common('cloud-function'),
  sweep: sweepSchema('cloud-function').optional(),
  project: z.string().min(1),
  region: z.string().min(1),
  function: z.string().min(1),
  url: httpUrl.optional(),
  apiEndpoint: httpUrl.optional(),
  auth: z.enum(['id-token', 'none']).optional(),
});

export const cloudRunTargetSchema = z.strictObject({
  ...common('cloud-run'),
  sweep: sweepSchema('cloud-run').optional(),
  project: z.string().min(1),
  region: z.string().min(1),
  service: z.string().min(1),
  url: httpUrl.optional().describe("Default: the service's uri"),
  apiEndpoint: httpUrl.optional(),
  auth: z.enum(['id-token', 'none']).optional(),
});

const namespace = z.string().min(1).optional().describe("Namespace; default: the kubeconfig context's namespace, then default");

export const knativeTargetSchema = z.strictObject({
  ...common('knative'),
  sweep: sweepSchema('knative').optional(),
  url: httpUrl.optional().describe("Where to send requests, e.g. the ingress address; default: the Service's status.url"),
  service: z.string().min(1),
  namespace,
  context: z.string().min(1).optional(),
  host: z.string().min(1).optional().describe('Host header; default: the host of status.url when url is another address (an ingress)'),
});

export const kubernetesTargetSchema = z.strictObject({
  ...common('kubernetes'),
  sweep: sweepSchema('kubernetes').optional(),
  url: httpUrl.optional().describe('Where to send requests (an ingress, a load balancer); or leave it out and name service:'),
  service: z.string().min(1).optional().describe("A Service of the Deployment, reached through the API server's service proxy with the kubeconfig's credentials (instead of url)"),
  servicePort: z.union([z.int().min(1).max(65535), z.string().min(1)]).optional().describe('service: the Service port (number or name); default: its first port'),
  path: z.string().regex(/^\//, { error: 'expected a path starting with /' }).optional().describe('service: path and query to request; default /'),
  deployment: z.string().min(1),
  namespace,
  context: z.string().min(1).optional(),
});

/** One schema per kind (a missing kind is a compile error). */
export const targetSchemas = {
  http: httpTargetSchema,
  lambda: lambdaTargetSchema,
  'cloud-function': cloudFunctionTargetSchema,
  'cloud-run': cloudRunTargetSchema,
  knative: knativeTargetSchema,
  kubernetes: kubernetesTargetSchema,
} satisfies ByKind<Record<TargetKind, z.ZodObject>>;

export const targetSchema = z.discriminatedUnion('kind', [
  targetSchemas.http,
  targetSchemas.lambda,
  targetSchemas['cloud-function'],
  targetSchemas['cloud-run'],
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

