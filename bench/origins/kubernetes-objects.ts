// Creating and deleting the objects of a Kubernetes origin through client-node, by kind. Deleting
// is what both the run's end and `coldbench restore` do: a Job with propagationPolicy Background
// (the API's default for a Job orphans its pods, which would keep running), then, once the Job's
// pods are gone (they may still be restoring their targets, and need their Role for it), the rest;
// an object already gone counts as deleted.
import { BatchV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { apiStatusCode, kubeCall, type KubeClients } from '../adapters/kube-client.js';
import { KUBE_API_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { pollUntil } from '../control/poll.js';
import { messageOf } from '../errors.js';
import type { KubeObject, KubeObjectRef } from './kubernetes-manifests.js';

export interface OriginKubeClients extends KubeClients {
  batch: BatchV1Api;
  rbac: RbacAuthorizationV1Api;
}

export function withOriginApis(clients: KubeClients): OriginKubeClients {
  return { ...clients, batch: clients.config.makeApiClient(BatchV1Api), rbac: clients.config.makeApiClient(RbacAuthorizationV1Api) };
}

export function jobPodSelector(jobName: string): string {
  return `job-name=${jobName}`;
}

export async function createObject(clients: OriginKubeClients, object: KubeObject & { ref: KubeObjectRef }, signal?: AbortSignal): Promise<void> {
  const namespace = object.ref.namespace;
  const call = (): Promise<unknown> => {
    switch (object.kind) {
      case 'ConfigMap':
        return clients.core.createNamespacedConfigMap({ namespace, body: object.body });
      case 'Secret':
        return clients.core.createNamespacedSecret({ namespace, body: object.body });
      case 'ServiceAccount':
        return clients.core.createNamespacedServiceAccount({ namespace, body: object.body });
      case 'Role':
        return clients.rbac.createNamespacedRole({ namespace, body: object.body });
      case 'RoleBinding':
        return clients.rbac.createNamespacedRoleBinding({ namespace, body: object.body });
      case 'Job':
        return clients.batch.createNamespacedJob({ namespace, body: object.body });
    }
  };
  await kubeCall(call, `create ${object.kind.toLowerCase()} ${namespace}/${object.ref.name}`, { signal, mutation: true });
}

/** Delete one object; true when it was there. */
export async function deleteObject(clients: OriginKubeClients, ref: KubeObjectRef): Promise<boolean> {
  const { namespace, name } = ref;
  const call = (): Promise<unknown> => {
    switch (ref.kind) {
      case 'ConfigMap':
        return clients.core.deleteNamespacedConfigMap({ name, namespace });
      case 'Secret':
        return clients.core.deleteNamespacedSecret({ name, namespace });
      case 'ServiceAccount':
        return clients.core.deleteNamespacedServiceAccount({ name, namespace });
      case 'Role':
        return clients.rbac.deleteNamespacedRole({ name, namespace });
      case 'RoleBinding':
        return clients.rbac.deleteNamespacedRoleBinding({ name, namespace });
      case 'Job':
        return clients.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
    }
  };
  try {
    await kubeCall(call, `delete ${ref.kind.toLowerCase()} ${namespace}/${name}`, { mutation: true });
    return true;
  } catch (err) {
    if (apiStatusCode(err) === 404) return false;
    throw err;
  }
}

/** Delete everything an origin created: the Job first, its pods awaited, then the rest in reverse
 *  creation order. `graceMs` bounds the wait for the pods (their termination grace period). */
export async function deleteOriginObjects(clients: OriginKubeClients, refs: readonly KubeObjectRef[], graceMs: number): Promise<void> {
  const job = refs.find((r) => r.kind === 'Job');
  if (job) {
    await deleteObject(clients, job);
    const podClients = { ...clients, location: { ...clients.location, namespace: job.namespace } };
    await pollUntil(
      async () => {
        const selector = jobPodSelector(job.name);
        const list = await kubeCall(() => podClients.core.listNamespacedPod({ namespace: job.namespace, labelSelector: selector }), `list pods ${selector}`);
        const pods = list.items;
        return pods.length === 0
          ? { done: true, value: undefined }
          : { done: false, state: pods.map((p) => `${p.metadata?.name ?? '?'} ${p.metadata?.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Unknown')}`).join(', ') };
      },
      { what: `the pods of job ${job.namespace}/${job.name} to be gone`, timeoutMs: Math.max(MIN_RESTORE_WAIT_MS, graceMs + 30_000), intervalMs: Math.max(KUBE_API_POLL_MS, 200), backoff: 1.5 },
    );
  }
  const failures: string[] = [];
  for (const ref of [...refs].reverse()) {
    if (ref.kind === 'Job') continue;
    try {
      await deleteObject(clients, ref);
    } catch (err) {
      failures.push(`${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}: ${messageOf(err)}`);
    }
  }
  if (failures.length > 0) throw new Error(`could not delete ${failures.join('; ')}`);
}
