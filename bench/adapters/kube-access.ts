// The Kubernetes permissions a kubernetes / knative target's run needs, from what the adapters call
// for its strategy, `service:`, its sweep and experiments (kubernetes-scale.ts, kube-watch.ts,
// kube-proxy.ts, knative.ts, experiments/sweep-kube.ts), and the judging of the answers of
// SelfSubjectAccessReviews: a permission the run needs to change, restore or measure at all is an
// error, one that only weakens a check a warning, and an API that cannot answer a warning.
// Reads inspect() has already made (the Deployment, the Knative Service, the Service, HPAs,
// ScaledObjects) are not asked again: their failure is already a finding of its own.
import type { KnativeTarget, KubernetesTarget } from '../config/schema.js';
import { problemError, problemWarning, type Problem } from './problems.js';

export interface AccessNeed {
  verb: string;
  /** API group ('' for the core group). */
  group: string;
  resource: string;
  subresource?: string;
  namespace: string;
  name?: string;
  /** false: without it the run still works, a check is weaker. */
  required: boolean;
  /** What the run does with it ("scale the Deployment to 0 and back"). */
  purpose: string;
}

/** The answer of one review: allowed or not, or why the API could not say. */
export type AccessAnswer = { allowed: boolean } | { unavailable: string };

const PODS = { group: '', resource: 'pods' } as const;

/** The service proxy's verb is the HTTP method's (Kubernetes docs, "Authorization": request verbs). */
export function proxyVerb(method: string): string {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return 'get';
  if (m === 'POST') return 'create';
  if (m === 'PUT') return 'update';
  return m.toLowerCase();
}

function podWaitNeeds(namespace: string, waitFor: string): AccessNeed[] {
  return [
    { verb: 'list', ...PODS, namespace, required: true, purpose: `list the pods while waiting for ${waitFor}` },
    { verb: 'watch', ...PODS, namespace, required: false, purpose: 'watch the pods; without it they are polled: more API requests, changes seen later' },
  ];
}

export function kubernetesNeeds(target: KubernetesTarget, namespace: string): AccessNeed[] {
  const needs: AccessNeed[] = [];
  const scale = { group: 'apps', resource: 'deployments', subresource: 'scale', namespace, name: target.deployment } as const;
  if (target.cold?.strategy === 'scale-from-zero') {
    needs.push({ verb: 'patch', ...scale, required: true, purpose: 'scale the Deployment to 0 and back, and restore its replica count' });
    needs.push({ verb: 'get', ...scale, required: true, purpose: 'read the replica count when restoring it' });
    needs.push(...podWaitNeeds(namespace, 'the scale to zero and the scale-up'));
  }
  if (target.service) {
    needs.push({ verb: proxyVerb(target.method), group: '', resource: 'services', subresource: 'proxy', namespace, required: true, purpose: "send every request through the API server's service proxy" });
  }
  if (target.sweep) {
    needs.push({ verb: 'patch', group: 'apps', resource: 'deployments', namespace, name: target.deployment, required: true, purpose: "set each sweep variant's resources and restore the original ones" });
  }
  return needs;
}

export function knativeNeeds(target: KnativeTarget, namespace: string): AccessNeed[] {
  const needs: AccessNeed[] = [];
  const strategy = target.cold?.strategy;
  if (strategy === 'scale-to-zero') needs.push(...podWaitNeeds(namespace, 'the service to scale to zero'));
  if (strategy === 'scale-to-zero' || strategy === 'idle') {
    needs.push({ verb: 'get', group: '', resource: 'configmaps', namespace: 'knative-serving', name: 'config-autoscaler', required: false, purpose: "read knative-serving/config-autoscaler; without it Knative's defaults are assumed for the scale-to-zero checks" });
  }
  if (target.sweep) {
    needs.push({ verb: 'patch', group: 'serving.knative.dev', resource: 'services', namespace, name: target.service, required: true, purpose: "set each sweep variant's resources and restore the original ones" });
  }
  return needs;
}

/** "patch deployments.apps/scale" (kubectl's resource.group/subresource spelling). */
export function permissionName(need: Pick<AccessNeed, 'verb' | 'group' | 'resource' | 'subresource'>): string {
  return `${need.verb} ${need.resource}${need.group ? `.${need.group}` : ''}${need.subresource ? `/${need.subresource}` : ''}`;
}

/** The Role rules that grant `needs`, one per API group and resource, verbs merged. */
export function roleRules(needs: readonly AccessNeed[]): string {
  const rules = new Map<string, { group: string; resource: string; verbs: string[] }>();
  for (const n of needs) {
    const resource = n.subresource ? `${n.resource}/${n.subresource}` : n.resource;
    const key = `${n.namespace}|${n.group}|${resource}`;
    const rule = rules.get(key) ?? { group: n.group, resource, verbs: [] };
    if (!rule.verbs.includes(n.verb)) rule.verbs.push(n.verb);
    rules.set(key, rule);
  }
  return [...rules.values()].map((r) => `{apiGroups: ["${r.group}"], resources: ["${r.resource}"], verbs: [${r.verbs.map((v) => `"${v}"`).join(', ')}]}`).join(', ');
}

function missing(needs: readonly AccessNeed[], who: string): string {
  const what = needs.map((n) => `${permissionName(n)} (to ${n.purpose})`).join('; ');
  const namespaces = [...new Set(needs.map((n) => n.namespace))];
  const grants = namespaces.map((ns, i) => `${i === 0 ? 'a Role' : 'one'} in namespace ${JSON.stringify(ns)} with the rules ${roleRules(needs.filter((n) => n.namespace === ns))}`).join(', and ');
  const binding = namespaces.length === 1 ? 'bound to these credentials by a RoleBinding' : 'each bound to these credentials by a RoleBinding';
  return `${who} may not ${what}; grant ${needs.length === 1 ? 'it' : 'them'} with ${grants}, ${binding}`;
}

/** One error naming every missing permission the run needs, one warning for those that only weaken
 *  a check, and one warning if some reviews could not be answered. `who` names the credentials. */
export function judgeAccess(needs: readonly AccessNeed[], answers: readonly AccessAnswer[], who: string): Problem[] {
  const denied = needs.filter((_, i) => {
    const answer = answers[i];
    return answer !== undefined && 'allowed' in answer && !answer.allowed;
  });
  const unavailable = answers.flatMap((a) => ('unavailable' in a ? [a.unavailable] : []));
  const problems: Problem[] = [];
  const required = denied.filter((n) => n.required);
  const optional = denied.filter((n) => !n.required);
  if (required.length > 0) problems.push(problemError(`missing permission${required.length === 1 ? '' : 's'}: ${missing(required, who)}`));
  if (optional.length > 0) problems.push(problemWarning(`missing permission${optional.length === 1 ? '' : 's'} (the run works, a check is weaker): ${missing(optional, who)}`));
  if (unavailable.length > 0) {
    const reasons = [...new Set(unavailable)].join('; ');
    problems.push(problemWarning(`could not check permissions (${reasons}): SelfSubjectAccessReview did not answer; the run may fail on a refused call (check with kubectl auth can-i)`));
  }
  return problems;
}
