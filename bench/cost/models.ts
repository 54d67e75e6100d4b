// Which cost model prices each target kind, and the facts each model reads. The models read the
// recorded platform facts by key name, not by kind, so a new kind whose describe() records the
// same keys (a Cloud Run service: availableMemory, availableCpu, maxInstanceRequestConcurrency)
// maps to an existing model with one line in COST_MODEL_OF_KIND.
import type { ByKind, TargetKind } from '../config/schema.js';
import type { CloudFunctionFacts, KnativeFacts, KubernetesFacts, LambdaFacts, RecordedFacts } from '../results/platform-facts.js';
import type { CostModel, TargetResult } from '../results/types.js';

/** A cost model that prices targets (results.json's `cost.model`, less 'none'). */
export type PricedModel = Exclude<CostModel, 'none'>;

/** null: no model of its own (a plain HTTP endpoint is priced from node hours only when
 *  pricing."node.hour" is given). */
export const COST_MODEL_OF_KIND = {
  http: null,
  lambda: 'lambda',
  'cloud-function': 'cloud-function',
  // A v2 function is a Cloud Run service: request-based billing has the same shape and rates.
  'cloud-run': 'cloud-function',
  knative: 'node-hours',
  kubernetes: 'node-hours',
} as const satisfies ByKind<Record<TargetKind, PricedModel | null>>;

/** The model pricing `target`, given its `pricing:` overrides; null when none applies. */
export function costModelOf(target: Pick<TargetResult, 'kind'>, overrides: Record<string, number | string>): PricedModel | null {
  return COST_MODEL_OF_KIND[target.kind] ?? ('node.hour' in overrides ? 'node-hours' : null);
}

/** One recorded fact by name, whatever the kind (undefined when absent). */
function fact(facts: RecordedFacts, key: string): unknown {
  for (const [k, v] of Object.entries(facts)) if (k === key) return v;
  return undefined;
}

function numberFact(facts: RecordedFacts, key: string): number | null {
  const v = fact(facts, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function textFact(facts: RecordedFacts, key: string): string | null {
  const v = fact(facts, key);
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

// Key names, checked against the facts interfaces they come from.
const LAMBDA_MEMORY: keyof LambdaFacts = 'memorySizeMb';
const LAMBDA_ARCH: keyof LambdaFacts = 'architecture';
const GOOGLE_MEMORY: keyof CloudFunctionFacts = 'availableMemory';
const GOOGLE_CPU: keyof CloudFunctionFacts = 'availableCpu';
const GOOGLE_CONCURRENCY: keyof CloudFunctionFacts = 'maxInstanceRequestConcurrency';
const POD_CPU: keyof KubernetesFacts = 'cpuRequestCores';
const POD_MEMORY: keyof KubernetesFacts = 'memoryRequestMiB';
const KNATIVE_CONCURRENCY: keyof KnativeFacts = 'containerConcurrency';
const KNATIVE_MIN_SCALE: keyof KnativeFacts = 'minScale';
const KNATIVE_WINDOW: keyof KnativeFacts = 'scaleToZeroWindow';

export interface LambdaInputs {
  memorySizeMb: number | null;
  architecture: string | null;
}

export function lambdaInputs(facts: RecordedFacts): LambdaInputs {
  return { memorySizeMb: numberFact(facts, LAMBDA_MEMORY), architecture: textFact(facts, LAMBDA_ARCH) };
}

export interface RequestBasedInputs {
  /** Kubernetes quantities as the API has them ("256M", "1Gi"; "1", "500m"). */
  memory: string | null;
  cpu: string | null;
  concurrency: number | null;
}

export function requestBasedInputs(facts: RecordedFacts): RequestBasedInputs {
  return { memory: textFact(facts, GOOGLE_MEMORY), cpu: textFact(facts, GOOGLE_CPU), concurrency: numberFact(facts, GOOGLE_CONCURRENCY) };
}

export interface PodInputs {
  cpuCores: number | null;
  memoryMiB: number | null;
  /** Knative min-scale; null when not set. */
  minScale: number | null;
  /** Knative's `autoscaling.knative.dev/window` (how long a pod stays after its last request). */
  idleWindow: string | null;
  /** Present only for Knative services: they scale to zero unless min-scale says otherwise. */
  scalesToZero: boolean;
}

export function podInputs(target: Pick<TargetResult, 'kind' | 'platform'>): PodInputs {
  const facts = target.platform;
  return {
    cpuCores: numberFact(facts, POD_CPU),
    memoryMiB: numberFact(facts, POD_MEMORY),
    minScale: numberFact(facts, KNATIVE_MIN_SCALE),
    idleWindow: textFact(facts, KNATIVE_WINDOW),
    scalesToZero: target.kind === 'knative',
  };
}

/** Requests one instance serves at once, as configured; null when nothing says (then replicas). */
export function concurrencyFacts(target: Pick<TargetResult, 'kind' | 'platform'>): { limit: number; source: string } | null {
  const model = COST_MODEL_OF_KIND[target.kind];
  if (model === 'lambda') return { limit: 1, source: 'Lambda: one request per execution environment' };
  if (model === 'cloud-function') {
    const c = numberFact(target.platform, GOOGLE_CONCURRENCY);
    return c !== null && c > 0 ? { limit: c, source: 'maxInstanceRequestConcurrency' } : { limit: 1, source: 'maxInstanceRequestConcurrency not reported; 1 assumed' };
  }
  const cc = numberFact(target.platform, KNATIVE_CONCURRENCY);
  return cc !== null && cc >= 0 ? { limit: cc, source: 'containerConcurrency' } : null;
}
