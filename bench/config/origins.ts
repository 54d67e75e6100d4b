// `origins:` of a target file: the places the same targets are measured from. Each origin names one
// engine: a Kubernetes Job in a cluster (`kubernetes:`) or a temporary AWS Lambda function
// (`lambda:`). Validated here with the file's own line and field-path problems; the checks that
// span origins and targets (what an engine can measure, Lambda's 900 s limit) are here too, so
// `coldbench validate` reports them before anything is created.
import { z } from '../zod.js';
import { predictRunMs } from '../origins/predict.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { expandUnions, problemOf, type ConfigProblem, type FieldPath } from './problems.js';
import { httpUrl, type TargetConfig, type TargetKind } from './schema.js';
import type { OriginConfig } from './origin-types.js';

export type { KubernetesOrigin, LambdaOrigin, OriginConfig, OriginEngine } from './origin-types.js';

/** Lambda's hard limit on one invocation. */
export const LAMBDA_MAX_TIMEOUT_S = 900;
/** Time a Lambda origin keeps for itself: start, restore after an early stop, return the results. */
export const LAMBDA_ORIGIN_MARGIN_S = 60;

const duration = z.union([z.string().regex(DURATION_PATTERN, { error: 'expected a duration like 30s, 10m or 1h' }), z.number().nonnegative()], {
  error: 'expected a duration like 30s, 10m or 1h',
});
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lower-case DNS label like "coldbench"' }).max(63);
const quantity = z.string().regex(/^\d+(\.\d+)?(m|k|M|G|Ki|Mi|Gi)?$/, { error: 'expected a Kubernetes quantity like 500m, 1, 512Mi' });

export const kubernetesOriginSchema = z.strictObject({
  context: z.string().min(1).optional().describe('kubeconfig context of the cluster (default: the current context)'),
  namespace: dnsLabel.optional().describe('Namespace of the Job, ConfigMap and ServiceAccount (default coldbench); it must exist'),
  image: z.string().min(1).describe('The coldbench image (deploy/Dockerfile), e.g. ghcr.io/acme/coldbench:0.1.0'),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  serviceAccount: dnsLabel.optional().describe('An existing ServiceAccount to run as; coldbench then creates no ServiceAccount or Role'),
  serviceAccountAnnotations: z.record(z.string(), z.string()).optional().describe('Annotations of the ServiceAccount coldbench creates (EKS IRSA, GKE Workload Identity)'),
  cpu: quantity.optional().describe('CPU of the pod (request = limit; default 1)'),
  memory: quantity.optional().describe('Memory of the pod (request = limit; default 512Mi)'),
  deadline: duration.optional().describe('activeDeadlineSeconds of the Job (default: twice the predicted run, plus 10 minutes)'),
  ttl: duration.optional().describe('ttlSecondsAfterFinished of the Job, a safety net if coldbench cannot delete it (default 1h)'),
});

export const lambdaOriginSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region like eu-central-1' }),
  memory: z.int({ error: 'expected megabytes between 128 and 10240' }).min(128).max(10240).optional().describe('MB of the temporary function (default 1769: one full vCPU)'),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
  roleArn: z
    .string()
    .regex(/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: 'expected an IAM role ARN like arn:aws:iam::123456789012:role/coldbench' })
    .optional()
    .describe('Execution role of the function; without it coldbench creates a least-privilege role and deletes it afterwards'),
  endpoint: httpUrl.optional().describe('Lambda API endpoint override (an emulator)'),
  iamEndpoint: httpUrl.optional().describe('IAM API endpoint override (an emulator)'),
});

export const originSchema = z.strictObject({
  name: z
    .string({ error: 'expected an origin name' })
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lower-case name of letters, digits and - (it names what is created for the origin)' })
    .max(30, { error: 'expected at most 30 characters (it names what is created for the origin)' }),
  kubernetes: kubernetesOriginSchema.optional(),
  lambda: lambdaOriginSchema.optional(),
});

/** Why an engine cannot measure a target of a kind (null: it can). */
const LAMBDA_CANNOT: Record<TargetKind, string | null> = {
  http: null,
  lambda: null,
  'cloud-function': 'it needs Google credentials, which a Lambda function does not have',
  'cloud-run': 'it needs Google credentials, which a Lambda function does not have',
  knative: 'it needs the cluster\'s API (kubeconfig credentials), which a Lambda function does not have',
  kubernetes: 'it needs the cluster\'s API (kubeconfig credentials), which a Lambda function does not have',
};

/** The validated origin with its defaults; null unless exactly one engine is given. */
function normalizeOrigin(o: z.infer<typeof originSchema>, line: number | undefined): OriginConfig | null {
  if (o.kubernetes && !o.lambda) {
    const k = o.kubernetes;
    return {
      name: o.name,
      line,
      engine: 'kubernetes',
      kubernetes: {
        context: k.context,
        namespace: k.namespace ?? 'coldbench',
        image: k.image,
        imagePullPolicy: k.imagePullPolicy,
        serviceAccount: k.serviceAccount,
        serviceAccountAnnotations: k.serviceAccountAnnotations ?? {},
        cpu: k.cpu ?? '1',
        memory: k.memory ?? '512Mi',
        deadlineMs: k.deadline !== undefined ? parseDuration(k.deadline) : undefined,
        ttlMs: k.ttl !== undefined ? parseDuration(k.ttl) : 3_600_000,
      },
    };
  }
  if (o.lambda && !o.kubernetes) {
    const l = o.lambda;
    return {
      name: o.name,
      line,
      engine: 'lambda',
      lambda: { region: l.region, memoryMb: l.memory ?? 1769, architecture: l.architecture ?? 'x86_64', roleArn: l.roleArn, endpoint: l.endpoint, iamEndpoint: l.iamEndpoint },
    };
  }
  return null;
}

/** Validate `origins:`; problems are added to `problems` with their lines. */
export function parseOrigins(raw: unknown[], targets: TargetConfig[], lineOf: (path: FieldPath) => number | undefined, problems: ConfigProblem[]): OriginConfig[] {
  const origins: OriginConfig[] = [];
  const seen = new Map<string, number>();
  raw.forEach((input, index) => {
    const base: FieldPath = ['origins', index];
    const parsed = originSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      for (const issue of expandUnions(parsed.error.issues)) {
        const problem = problemOf(issue, base, lineOf);
        problems.push({ ...problem, message: problem.message.replace("this target's schema", "this origin's schema") });
      }
      return;
    }
    const o = parsed.data;
    const add = (rel: FieldPath, message: string) => problems.push({ path: [...base, ...rel], line: lineOf([...base, ...rel]), message });
    const origin = normalizeOrigin(o, lineOf(base));
    if (!origin) {
      add([], 'expected exactly one engine: `kubernetes: {...}` or `lambda: {...}`');
      return;
    }
    const previous = seen.get(o.name);
    if (previous !== undefined) {
      add(['name'], `duplicate origin name ${JSON.stringify(o.name)} (also origins[${previous}])`);
      return;
    }
    seen.set(o.name, index);
    for (const p of originTargetProblems(origin, targets)) add(p.path, p.message);
    origins.push(origin);
  });
  return origins;
}

/** What an origin cannot do with these targets, found from the file alone. */
export function originTargetProblems(origin: OriginConfig, targets: TargetConfig[]): Array<{ path: FieldPath; message: string }> {
  const out: Array<{ path: FieldPath; message: string }> = [];
  for (const target of targets) {
    if (target.kind === 'lambda' && typeof target.payload === 'string' && target.payload.startsWith('@')) {
      out.push({ path: [], message: `target ${target.name} reads its payload from a local file (${target.payload}); a remote origin gets the target file only: write the payload into the file` });
    }
    if (origin.engine === 'lambda') {
      const why = LAMBDA_CANNOT[target.kind];
      if (why) out.push({ path: ['lambda'], message: `origin ${origin.name} (lambda) cannot measure target ${target.name} (${target.kind}): ${why}; measure it from a kubernetes origin` });
    } else if ((target.kind === 'kubernetes' || target.kind === 'knative') && target.context !== undefined && target.context !== origin.kubernetes.context) {
      out.push({
        path: ['kubernetes', 'context'],
        message: `origin ${origin.name} runs in context ${origin.kubernetes.context ?? '(current)'} but target ${target.name} is in context ${target.context}: the pod can reach its own cluster's API only`,
      });
    }
  }
  if (origin.engine === 'lambda') {
    const predictedS = Math.ceil(predictRunMs(targets) / 1000);
    if (predictedS > LAMBDA_MAX_TIMEOUT_S - LAMBDA_ORIGIN_MARGIN_S) {
      out.push({
        path: ['lambda'],
        message: `origin ${origin.name}: the targets are predicted to take ${predictedS} s, more than a Lambda origin can run (${LAMBDA_MAX_TIMEOUT_S} s, Lambda's limit, less ${LAMBDA_ORIGIN_MARGIN_S} s for start-up and results): split the target file or use a kubernetes origin`,
      });
    }
  }
  return out;
}
