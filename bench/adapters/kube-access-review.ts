// Asks the API server, read-only, whether the kubeconfig's credentials may make the calls a run
// needs (kube-access.ts): one SelfSubjectAccessReview per permission, all at once (they are
// independent; the API server stores nothing). A review that fails (the API missing: 404; the
// review itself forbidden: 403; no answer) is "could not check", never a failure of the target.
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { apiErrorReason, kubeCall, type KubeClients } from './kube-client.js';
import { judgeAccess, permissionName, type AccessAnswer, type AccessNeed } from './kube-access.js';
import type { Problem } from './problems.js';

export async function reviewAccess(clients: KubeClients, needs: readonly AccessNeed[], signal?: AbortSignal): Promise<AccessAnswer[]> {
  if (needs.length === 0) return [];
  const api = clients.config.makeApiClient(AuthorizationV1Api);
  return Promise.all(
    needs.map((n) =>
      kubeCall(
        () =>
          api.createSelfSubjectAccessReview({
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { namespace: n.namespace, verb: n.verb, group: n.group, resource: n.resource, subresource: n.subresource, name: n.name } },
            },
          }),
        `review ${permissionName(n)}`,
        { signal },
      ).then(
        (review): AccessAnswer => ({ allowed: review.status?.allowed === true && review.status.denied !== true }),
        (err: unknown): AccessAnswer => {
          if (signal?.aborted) throw err;
          return { unavailable: apiErrorReason(err) };
        },
      ),
    ),
  );
}

/** The findings about the permissions `needs` names, for the kubeconfig's current context. */
export async function accessProblems(clients: KubeClients, needs: readonly AccessNeed[], signal?: AbortSignal): Promise<Problem[]> {
  const answers = await reviewAccess(clients, needs, signal);
  return judgeAccess(needs, answers, `the credentials of context ${clients.location.context}`);
}
