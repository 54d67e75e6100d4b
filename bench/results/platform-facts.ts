// Platform facts: what each adapter's describe() reports about its target (memory, CPU,
// architecture, replicas...), tagged with the kind so readers (cost estimates, results.json read
// back) know which keys exist. results.json stores them under each target's `platform`.
import type { ByKind, TargetKind } from '../config/schema.js';

export interface HttpFacts {
  kind: 'http';
}

export interface LambdaFacts {
  kind: 'lambda';
  function: string;
  functionArn: string | null;
  version: string | null;
  qualifier: string | null;
  runtime: string | null;
  memorySizeMb: number | null;
  architecture: string;
  timeoutS: number | null;
  packageType: string | null;
  /** SnapStart for what is invoked: 'On' (published SnapStart versions), 'Off' ($LATEST, or no SnapStart), null unknown. */
  snapStart: string | null;
  coldStrategy: string;
  /** AuthType of the Function URL the warm phase loads (AWS_IAM: every request SigV4-signed), null without one. */
  urlAuthType: string | null;
}

export interface CloudFunctionFacts {
  kind: 'cloud-function';
  function: string;
  url: string | null;
  auth: 'id-token' | 'none';
  revision: string | null;
  state: string | null;
  runtime: string | null;
  /** As the API has it: a Kubernetes quantity ("256M", "1Gi"). */
  availableMemory: string | null;
  memoryMb: number | null;
  availableCpu: string | null;
  /** availableCpu, or Google's default for the memory size. */
  cpu: number | null;
  timeoutSeconds: number | null;
  minInstanceCount: number;
  maxInstanceCount: number | null;
  maxInstanceRequestConcurrency: number | null;
}

/** A Cloud Run service, read through the Cloud Run Admin API v2. Memory and CPU keep the names
 *  of the Cloud Functions facts (the same billing model reads them). */
export interface CloudRunFacts {
  kind: 'cloud-run';
  /** projects/{p}/locations/{region}/services/{s} */
  service: string;
  url: string | null;
  auth: 'id-token' | 'none';
  /** The latest ready revision (the one the cold samples ran on). */
  revision: string | null;
  /** State of the service's terminal (Ready) condition. */
  ready: string | null;
  /** The container's memory limit as the API has it ("512Mi"). */
  availableMemory: string | null;
  memoryMb: number | null;
  /** The container's CPU limit ("1", "1000m"). */
  availableCpu: string | null;
  cpu: number | null;
  /** true: CPU only while serving requests (request-based billing). */
  cpuIdle: boolean | null;
  startupCpuBoost: boolean | null;
  timeoutSeconds: number | null;
  minInstanceCount: number;
  maxInstanceCount: number | null;
  maxInstanceRequestConcurrency: number | null;
}

/** Read from the cluster; any of it may be missing when the API could not be read. */
interface KubeWorkloadFacts {
  namespace?: string;
  context?: string;
  cpuRequestCores?: number | null;
  memoryRequestMiB?: number | null;
  containerRequests?: string | null;
}

export interface KnativeFacts extends KubeWorkloadFacts {
  kind: 'knative';
  service?: string;
  url?: string;
  revision?: string | null;
  ready?: string | null;
  scaleToZeroWindow?: string | null;
  containerConcurrency?: number | null;
  /** `autoscaling.knative.dev/min-scale` of the revision template (null: not set, scales to zero). */
  minScale?: number | null;
}

export interface KubernetesFacts extends KubeWorkloadFacts {
  kind: 'kubernetes';
  deployment?: string;
  replicas?: number;
  readyReplicas?: number;
}

export type PlatformFactsByKind = ByKind<{
  http: HttpFacts;
  lambda: LambdaFacts;
  'cloud-function': CloudFunctionFacts;
  'cloud-run': CloudRunFacts;
  knative: KnativeFacts;
  kubernetes: KubernetesFacts;
}>;

/** What describe() returns: the facts of one kind. */
export type PlatformFacts = PlatformFactsByKind[TargetKind];

/** What results.json holds: a kind's facts, any of them possibly missing (a target that failed
 *  before describe(), a run rebuilt from its checkpoint, a merge of several runs). */
export type RecordedFactsByKind = { [K in TargetKind]: Pick<PlatformFactsByKind[K], 'kind'> & Partial<PlatformFactsByKind[K]> };
export type RecordedFacts = RecordedFactsByKind[TargetKind];

/** The recorded facts of a target of kind `kind` (nothing when they belong to another kind). */
export function factsOf<K extends TargetKind>(facts: RecordedFacts, kind: K): Partial<PlatformFactsByKind[K]> {
  return isFactsOf(facts, kind) ? facts : {};
}

function isFactsOf<K extends TargetKind>(facts: RecordedFacts, kind: K): facts is RecordedFactsByKind[K] {
  return facts.kind === kind;
}
