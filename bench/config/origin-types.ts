// The validated `origins:` of a target file (config/origins.ts builds them), in a file of its own
// so that the run configuration can name them without importing the validator.

export interface KubernetesOrigin {
  context?: string;
  namespace: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  serviceAccount?: string;
  serviceAccountAnnotations: Record<string, string>;
  cpu: string;
  memory: string;
  deadlineMs?: number;
  ttlMs: number;
}

export interface LambdaOrigin {
  region: string;
  memoryMb: number;
  architecture: 'x86_64' | 'arm64';
  roleArn?: string;
  endpoint?: string;
  iamEndpoint?: string;
}

interface OriginCommon {
  name: string;
  /** 1-based line of the origin in the target file. */
  line?: number;
}
export type OriginConfig = OriginCommon & ({ engine: 'kubernetes'; kubernetes: KubernetesOrigin } | { engine: 'lambda'; lambda: LambdaOrigin });
export type OriginEngine = OriginConfig['engine'];
