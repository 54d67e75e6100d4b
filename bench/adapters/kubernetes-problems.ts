// Up-front, read-only findings about a kubernetes target (bench/adapters/problems.ts): what would
// fail the run, fight the harness over the replica count or mislead, found before the first change.
// readKubernetesPlan makes only reads; kubernetesProblems judges what they found. prepare() enforces
// the findings; a read-only `plan` can call the same two functions.
import type { V1Deployment, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { KubernetesTarget } from '../config/schema.js';
import { fieldOf } from '../fields.js';
import { apiErrorReason, apiStatusCode, kubeCall, type KubeClients } from './kube-client.js';
import { proxyPort } from './kube-proxy.js';
import { problemError, problemWarning, type Problem } from './problems.js';

/** A KEDA ScaledObject, as far as it matters here. */
export interface ScaledObjectView {
  name: string;
  target: string;
  minReplicaCount: number | null;
  paused: boolean;
}

/** What a list could not read: the reason, to name in a warning. */
type Unreadable = { unreadable: string };

export interface KubernetesPlan {
  target: KubernetesTarget;
  namespace: string;
  deployment: V1Deployment;
  /** The Service named by `service:` (null: not found). */
  service: V1Service | null | undefined;
  hpas: V2HorizontalPodAutoscaler[] | Unreadable;
  /** null: KEDA is not installed (its API group does not exist). */
  scaledObjects: ScaledObjectView[] | null | Unreadable;
}

const isUnreadable = (value: unknown): value is Unreadable => typeof fieldOf(value, 'unreadable') === 'string';

function scaledObjectView(item: unknown): ScaledObjectView | null {
  const metadata = fieldOf(item, 'metadata');
  const spec = fieldOf(item, 'spec');
  const name = fieldOf(metadata, 'name');
  const target = fieldOf(fieldOf(spec, 'scaleTargetRef'), 'name');
  const kind = fieldOf(fieldOf(spec, 'scaleTargetRef'), 'kind');
  if (typeof name !== 'string' || typeof target !== 'string' || (kind !== undefined && kind !== 'Deployment')) return null;
  const min = fieldOf(spec, 'minReplicaCount');
  const annotations = fieldOf(metadata, 'annotations');
  // KEDA stops scaling a ScaledObject annotated autoscaling.keda.sh/paused or .../paused-replicas.
  const paused = fieldOf(annotations, 'autoscaling.keda.sh/paused') === 'true' || typeof fieldOf(annotations, 'autoscaling.keda.sh/paused-replicas') === 'string';
  return { name, target, minReplicaCount: typeof min === 'number' ? min : null, paused };
}

/** The reads behind the checks (the Deployment itself is read by the caller). */
export async function readKubernetesPlan(clients: KubeClients, target: KubernetesTarget, deployment: V1Deployment, signal?: AbortSignal): Promise<KubernetesPlan> {
  const namespace = clients.location.namespace;
  let service: V1Service | null | undefined;
  if (target.service) {
    const name = target.service;
    service = await kubeCall(() => clients.core.readNamespacedService({ name, namespace }), `read service ${name}`, { signal }).catch((err: unknown) => {
      if (apiStatusCode(err) === 404) return null;
      throw err;
    });
  }
  const scaling = target.cold?.strategy === 'scale-from-zero';
  const hpas = scaling
    ? await kubeCall(() => clients.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }), 'list horizontalpodautoscalers', { signal }).then(
        (list) => list.items,
        (err: unknown): Unreadable => ({ unreadable: apiErrorReason(err) }),
      )
    : [];
  const scaledObjects = scaling
    ? await kubeCall(() => clients.custom.listNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace, plural: 'scaledobjects' }), 'list scaledobjects', { signal }).then(
        (list: unknown) => {
          const items = fieldOf(list, 'items');
          return Array.isArray(items) ? items.map(scaledObjectView).filter((s): s is ScaledObjectView => s !== null) : [];
        },
        (err: unknown): ScaledObjectView[] | null | Unreadable => (apiStatusCode(err) === 404 ? null : { unreadable: apiErrorReason(err) }),
      )
    : null;
  return { target, namespace, deployment, service, hpas, scaledObjects };
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function kubernetesProblems(plan: KubernetesPlan): Problem[] {
  const { target, namespace } = plan;
  const problems: Problem[] = [];
  const scaling = target.cold?.strategy === 'scale-from-zero';
  const deployment = JSON.stringify(target.deployment);

  if (target.url && scaling && isLoopback(target.url)) {
    problems.push(
      problemWarning(
        `url ${target.url} is a loopback address: if it is \`kubectl port-forward\`, that is bound to one pod, and after the scale to zero every request is reset until the sample times out; name service: (requests then go through the API server's service proxy, which follows the pods) or use an ingress or load balancer address`,
      ),
    );
  }

  if (target.service) {
    const name = JSON.stringify(target.service);
    if (plan.service === null) problems.push(problemError(`service ${name} not found in namespace ${JSON.stringify(namespace)}: name the Service in front of deployment ${deployment} (kubectl get services -n ${namespace})`));
    else if (plan.service) {
      const port = proxyPort(plan.service, target.servicePort);
      if ('problem' in port) problems.push(problemError(`${port.problem}: set servicePort: to one of them`));
      const selector = plan.service.spec?.selector ?? {};
      const labels = plan.deployment.spec?.template?.metadata?.labels ?? {};
      const show = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',') || 'nothing';
      if (Object.keys(selector).length === 0) {
        problems.push(problemError(`service ${name} has no selector, so its endpoints are not the pods of deployment ${deployment}: name a Service that selects them`));
      } else if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
        problems.push(problemError(`service ${name} selects ${show(selector)}, which the pods of deployment ${deployment} (labels ${show(labels)}) do not match: the proxy would answer 503 "no endpoints available" to every sample; name the Service that selects them`));
      }
    }
    if (target.warm) {
      problems.push(
        problemWarning(
          `warm requests to service ${name} go through the API server's proxy: its hop and its rate limits (API Priority and Fairness, 429) are part of every warm number; for the service's own warm latency, run coldbench inside the cluster (deploy/kubernetes-job.yaml) with url: http://${target.service}.${namespace}.svc.cluster.local/`,
        ),
      );
    }
  }

  if (!scaling) return problems;
  if (isUnreadable(plan.hpas)) {
    problems.push(problemWarning(`could not check for a HorizontalPodAutoscaler of deployment ${deployment} (${plan.hpas.unreadable}); allow list on horizontalpodautoscalers.autoscaling`));
  } else {
    for (const hpa of plan.hpas) {
      const ref = hpa.spec?.scaleTargetRef;
      const ownedByKeda = hpa.metadata?.ownerReferences?.some((o) => o.kind === 'ScaledObject');
      if (ref?.kind !== 'Deployment' || ref.name !== target.deployment || ownedByKeda) continue;
      problems.push(
        problemWarning(
          `HorizontalPodAutoscaler ${JSON.stringify(hpa.metadata?.name)} (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas}) targets deployment ${deployment}: it stands aside while the Deployment is at 0, but from each scale-up on it sets the replica count by its metrics, so samples and the warm phase may run on another count than ${plan.deployment.spec?.replicas ?? 1}; for a fixed count, delete it for the run or pin minReplicas = maxReplicas`,
        ),
      );
    }
  }
  if (isUnreadable(plan.scaledObjects)) {
    problems.push(problemWarning(`could not check for a KEDA ScaledObject of deployment ${deployment} (${plan.scaledObjects.unreadable}); allow list on scaledobjects.keda.sh`));
  } else {
    for (const so of plan.scaledObjects ?? []) {
      if (so.target !== target.deployment || so.paused) continue;
      problems.push(
        problemError(
          `KEDA ScaledObject ${JSON.stringify(so.name)} (minReplicaCount ${so.minReplicaCount ?? 0}) scales deployment ${deployment} itself: it would undo the scale to zero or the scale-up between samples; pause it for the run (annotate it autoscaling.keda.sh/paused: "true") or use strategy: none / idle`,
        ),
      );
    }
  }
  return problems;
}
