// The permissions a kubernetes / knative run needs, derived from its strategy, service:, method and
// sweep, and their judging: required ones missing -> one error naming all of them with the Role
// rules that grant them; optional ones -> one warning; reviews that could not answer -> one
// "could not check permissions" warning; everything allowed -> nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAccess, knativeNeeds, kubernetesNeeds, permissionName, proxyVerb, roleRules, type AccessNeed } from '../bench/adapters/kube-access.js';
import type { SweepAxis } from '../bench/experiments/sweep-types.js';
import { knativeTarget, kubernetesTarget } from './helpers/servers.js';

const names = (needs: AccessNeed[]) => needs.map((n) => `${n.required ? 'required' : 'optional'} ${permissionName(n)} in ${n.namespace}${n.name ? ` (${n.name})` : ''}`);
const sweep: SweepAxis[] = [{ key: 'cpu', values: ['250m', '500m'] }];

test('kubernetes: scale-from-zero, service: with POST and a sweep ask for exactly what they call', () => {
  assert.deepEqual(names(kubernetesNeeds(kubernetesTarget({ deployment: 'api' }), 'team')), [
    'required patch deployments.apps/scale in team (api)',
    'required get deployments.apps/scale in team (api)',
    'required list pods in team',
    'optional watch pods in team',
  ]);
  assert.deepEqual(names(kubernetesNeeds(kubernetesTarget({ deployment: 'api', service: 'web', method: 'POST', cold: { samples: 1, strategy: 'none', idleMs: 0, waitTimeoutMs: 1000, pollIntervalMs: 0 }, sweep }), 'team')), [
    'required create services/proxy in team',
    'required patch deployments.apps in team (api)',
  ]);
  assert.deepEqual(kubernetesNeeds(kubernetesTarget({ deployment: 'api', url: 'http://x/', cold: { samples: 1, strategy: 'idle', idleMs: 10, waitTimeoutMs: 1000, pollIntervalMs: 0 } }), 'team'), [], 'idle against a url changes nothing');
  assert.deepEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map(proxyVerb), ['get', 'get', 'create', 'update', 'patch', 'delete']);
});

test('knative: scale-to-zero lists and watches pods and reads config-autoscaler; a sweep patches the Service', () => {
  assert.deepEqual(names(knativeNeeds(knativeTarget({ service: 'hello' }), 'team')), [
    'required list pods in team',
    'optional watch pods in team',
    'optional get configmaps in knative-serving (config-autoscaler)',
  ]);
  assert.deepEqual(names(knativeNeeds(knativeTarget({ service: 'hello', cold: { samples: 1, strategy: 'none', idleMs: 0, waitTimeoutMs: 1000, pollIntervalMs: 0 }, sweep }), 'team')), [
    'required patch services.serving.knative.dev in team (hello)',
  ]);
});

test('judging: one error naming every missing required permission and its Role rules, one warning for the rest, one for unanswered reviews', () => {
  const needs = kubernetesNeeds(kubernetesTarget({ deployment: 'api' }), 'team');
  const problems = judgeAccess(needs, [{ allowed: false }, { allowed: true }, { allowed: false }, { allowed: false }], 'the credentials of context c');
  assert.deepEqual(problems, [
    {
      severity: 'error',
      message:
        'missing permissions: the credentials of context c may not patch deployments.apps/scale (to scale the Deployment to 0 and back, and restore its replica count); list pods (to list the pods while waiting for the scale to zero and the scale-up); grant them with a Role in namespace "team" with the rules {apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}, {apiGroups: [""], resources: ["pods"], verbs: ["list"]}, bound to these credentials by a RoleBinding',
    },
    {
      severity: 'warning',
      message:
        'missing permission (the run works, a check is weaker): the credentials of context c may not watch pods (to watch the pods; without it they are polled: more API requests, changes seen later); grant it with a Role in namespace "team" with the rules {apiGroups: [""], resources: ["pods"], verbs: ["watch"]}, bound to these credentials by a RoleBinding',
    },
  ]);
  assert.deepEqual(judgeAccess(needs, needs.map(() => ({ allowed: true })), 'c'), []);
  const unknown = judgeAccess(needs, needs.map(() => ({ unavailable: 'HTTP 404 NotFound' })), 'c');
  assert.deepEqual(unknown.map((p) => p.severity), ['warning']);
  assert.match(unknown[0]?.message ?? '', /^could not check permissions \(HTTP 404 NotFound\)/);
  const kn = judgeAccess(knativeNeeds(knativeTarget({ service: 'hello' }), 'team'), [{ allowed: true }, { allowed: false }, { allowed: false }], 'c');
  assert.match(kn[0]?.message ?? '', /grant them with a Role in namespace "team" with the rules \{apiGroups: \[""\], resources: \["pods"\], verbs: \["watch"\]\}, and one in namespace "knative-serving" with the rules \{apiGroups: \[""\], resources: \["configmaps"\], verbs: \["get"\]\}, each bound to these credentials by a RoleBinding$/);
  assert.equal(roleRules([...needs, { ...needs[1]!, verb: 'update' }]), '{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch", "get", "update"]}, {apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"]}');
});
