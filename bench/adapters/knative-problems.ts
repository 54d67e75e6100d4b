// Up-front, read-only findings about a knative target (bench/adapters/problems.ts): what keeps the
// service from zero (min-scale, enable-scale-to-zero, the HPA class), what makes a wait for zero
// longer than cold.waitTimeout (stable window, scale-down delay, pod retention, grace period: the
// predicted wait per sample), and whether status.url can be reached from here. readKnativePlan makes
// only reads; knativeProblems judges them; prepare() enforces them and a read-only plan can reuse them.
// Keys and defaults: Knative docs, *Configuring scale bounds* and *Configuring scale to zero*.
import type { KnativeTarget } from '../config/schema.js';
import { apiErrorReason, kubeCall, type KubeClients } from './kube-client.js';
import { autoscalingAnnotation, goDurationMs, type KnativeServiceObject } from './knative-service.js';
import { problemError, problemWarning, type Problem } from './problems.js';

type Unreadable = { unreadable: string };

export interface KnativePlan {
  target: KnativeTarget;
  namespace: string;
  service: KnativeServiceObject;
  /** Data of knative-serving/config-autoscaler, or why it could not be read. */
  autoscaler: Record<string, string> | Unreadable;
  /** Running in a pod (cluster DNS resolves *.svc.cluster.local). */
  inCluster: boolean;
}

/** Knative's defaults when config-autoscaler says nothing. */
const DEFAULTS = { stableWindowMs: 60_000, gracePeriodMs: 30_000, retentionMs: 0, scaleDownDelayMs: 0 };

export async function readKnativePlan(clients: KubeClients, target: KnativeTarget, service: KnativeServiceObject, signal?: AbortSignal): Promise<KnativePlan> {
  const autoscaler = await kubeCall(() => clients.core.readNamespacedConfigMap({ name: 'config-autoscaler', namespace: 'knative-serving' }), 'read knative-serving/config-autoscaler', { signal }).then(
    (map) => map.data ?? {},
    (err: unknown): Unreadable => ({ unreadable: apiErrorReason(err) }),
  );
  return { target, namespace: clients.location.namespace, service, autoscaler, inCluster: Boolean(process.env.KUBERNETES_SERVICE_HOST) };
}

const config = (plan: KnativePlan): Record<string, string> => ('unreadable' in plan.autoscaler ? {} : plan.autoscaler);
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export interface ZeroWait {
  /** Least time from the last request to no pod left: the stable window (plus scale-down delay), or the pod retention if longer. */
  minMs: number;
  /** Plus the grace period the last pod may be kept for while the activator takes over. */
  maxMs: number;
  /** "stable window 60s, scale-down delay 0s, pod retention 0s, grace period up to 30s". */
  because: string;
}

/** How long one wait for zero takes on this service, from its annotations and config-autoscaler. */
export function predictZeroWait(plan: KnativePlan): ZeroWait {
  const global = config(plan);
  const pick = (annotation: string | undefined, key: string, fallback: number) => goDurationMs(annotation) ?? goDurationMs(global[key]) ?? fallback;
  const window = pick(autoscalingAnnotation(plan.service, 'window'), 'stable-window', DEFAULTS.stableWindowMs);
  const delay = pick(autoscalingAnnotation(plan.service, 'scale-down-delay'), 'scale-down-delay', DEFAULTS.scaleDownDelayMs);
  const retention = pick(autoscalingAnnotation(plan.service, 'scale-to-zero-pod-retention-period', 'scaleToZeroPodRetentionPeriod'), 'scale-to-zero-pod-retention-period', DEFAULTS.retentionMs);
  const grace = pick(undefined, 'scale-to-zero-grace-period', DEFAULTS.gracePeriodMs);
  const minMs = Math.max(window + delay, retention);
  return {
    minMs,
    maxMs: minMs + grace,
    because: `stable window ${seconds(window)}, scale-down delay ${seconds(delay)}, pod retention ${seconds(retention)}, grace period up to ${seconds(grace)}`,
  };
}

/** The Host header to send: the target's `host`, else the host of status.url when `url` is another
 *  address (an ingress routes by Host; its own address is not the service's name). */
export function ingressHost(target: Pick<KnativeTarget, 'url' | 'host'>, statusUrl: string | undefined): string | undefined {
  if (target.host) return target.host;
  if (!target.url || !statusUrl) return undefined;
  const status = new URL(statusUrl);
  return new URL(target.url).host === status.host ? undefined : status.host;
}

export function knativeProblems(plan: KnativePlan): Problem[] {
  const { target, service } = plan;
  const problems: Problem[] = [];
  const name = `knative service ${JSON.stringify(target.service)}`;
  const global = config(plan);
  const statusUrl = service.status?.url;
  const clusterLocal = service.metadata?.labels?.['networking.knative.dev/visibility'] === 'cluster-local' || (statusUrl !== undefined && new URL(statusUrl).hostname.endsWith('.svc.cluster.local'));

  if (!target.url && statusUrl) {
    const host = new URL(statusUrl).hostname;
    if (clusterLocal && !plan.inCluster) {
      problems.push(problemError(`${name} is cluster-local (status.url ${statusUrl}): only pods in the cluster can reach it; run coldbench as a Job in the cluster (deploy/kubernetes-job.yaml)`));
    } else if (host === 'example.com' || host.endsWith('.example.com')) {
      problems.push(
        problemError(
          `status.url ${statusUrl} of ${name} is in Knative's placeholder domain example.com, which does not resolve: set url: to your ingress address (coldbench then sends Host: ${new URL(statusUrl).host}), or give Knative a real domain (config-domain)`,
        ),
      );
    }
  } else if (target.url && clusterLocal && !target.host) {
    problems.push(problemWarning(`${name} is cluster-local (status.url ${statusUrl}): an external ingress does not route it (expect 404 from ${target.url}); run coldbench inside the cluster`));
  }

  const strategy = target.cold?.strategy;
  if (strategy !== 'scale-to-zero' && strategy !== 'idle') return problems;
  const refuse = strategy === 'scale-to-zero' ? problemError : problemWarning;
  const why = strategy === 'scale-to-zero' ? 'so waiting for zero would last until cold.waitTimeout' : 'so no idle wait brings a cold start';
  const klass = autoscalingAnnotation(service, 'class');
  const minScale = autoscalingAnnotation(service, 'min-scale', 'minScale');
  if (klass === 'hpa.autoscaling.knative.dev') {
    problems.push(refuse(`${name} uses autoscaling.knative.dev/class: hpa.autoscaling.knative.dev, which never scales to zero (only the KPA class does), ${why}; use the default KPA class for the run`));
  } else if (minScale !== undefined && Number(minScale) >= 1) {
    problems.push(refuse(`${name} has min-scale ${JSON.stringify(minScale)} (autoscaling.knative.dev/min-scale): it keeps ${minScale} pod(s) and never scales to zero, ${why}; set it to "0" for the run`));
  } else if (minScale === undefined && Number(global['min-scale'] ?? 0) >= 1) {
    problems.push(refuse(`the cluster's config-autoscaler sets min-scale ${JSON.stringify(global['min-scale'])}: ${name} never scales to zero, ${why}; annotate it autoscaling.knative.dev/min-scale: "0"`));
  } else if (global['enable-scale-to-zero'] === 'false') {
    problems.push(refuse(`the cluster's config-autoscaler sets enable-scale-to-zero: "false": no service scales to zero, ${why}`));
  }
  const initial = autoscalingAnnotation(service, 'initial-scale', 'initialScale') ?? global['initial-scale'];
  if (initial !== undefined && Number(initial) > 1) {
    problems.push(problemWarning(`${name} has initial-scale ${initial}: a new revision starts ${initial} pods, and the first wait for zero waits for all of them to go`));
  }
  const activation = autoscalingAnnotation(service, 'activation-scale');
  if (activation !== undefined && Number(activation) > 1) {
    problems.push(problemWarning(`${name} has activation-scale ${activation}: each cold start starts ${activation} pods; a sample measures the first answer`));
  }
  if (strategy === 'scale-to-zero' && target.cold) {
    const wait = predictZeroWait(plan);
    const timeout = target.cold.waitTimeoutMs;
    if (timeout < wait.minMs) {
      problems.push(problemError(`cold.waitTimeout ${seconds(timeout)} is shorter than the ${seconds(wait.minMs)} ${name} takes at least to scale to zero (${wait.because}): raise cold.waitTimeout to ${Math.ceil(wait.maxMs / 1000) + 10}s or shorten autoscaling.knative.dev/window`));
    } else if (timeout < wait.maxMs) {
      problems.push(problemWarning(`cold.waitTimeout ${seconds(timeout)} may be short: ${name} takes ${seconds(wait.minMs)} to ${seconds(wait.maxMs)} to scale to zero (${wait.because})`));
    }
  }
  return problems;
}
