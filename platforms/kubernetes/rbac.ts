// RBAC for the service accounts of the emulated cluster's pods: a request made with a pod's token is
// allowed only when a RoleBinding in the request's namespace binds that ServiceAccount to a Role
// whose rules cover the request's API group, resource (with subresource) and verb, as the RBAC
// authorizer decides (ClusterRoles are not emulated). The admin token of the kubeconfig is not
// subject to RBAC. Denials carry the API server's message.
import { ROLE_BINDINGS, ROLES, type ObjectStore } from './api-objects.js';

export interface ServiceAccountIdentity {
  namespace: string;
  name: string;
}

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The request as RBAC sees it; null for a non-resource URL (/version, /api, /apis: allowed). */
export function requestAttributes(method: string, url: URL): RequestAttributes | null {
  const parts = url.pathname.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, rest] = [parts[1]!, parts.slice(3)];
  else return null;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces') {
    // The namespace object itself (GET /api/v1/namespaces/{name}).
    return { verb: method === 'GET' ? (rest[1] ? 'get' : 'list') : method.toLowerCase(), group, resource: 'namespaces', ...(rest[1] ? { name: rest[1] } : {}) };
  }
  const [resource, name, subresource] = rest;
  if (!resource) return null;
  const watching = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  const verb =
    method === 'GET' ? (name ? 'get' : watching ? 'watch' : 'list')
    : method === 'POST' ? 'create'
    : method === 'PUT' ? 'update'
    : method === 'PATCH' ? 'patch'
    : method === 'DELETE' ? (name ? 'delete' : 'deletecollection')
    : method.toLowerCase();
  return { verb, group, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

const covers = (list: string[] | undefined, value: string) => Array.isArray(list) && (list.includes('*') || list.includes(value));

function ruleAllows(rule: Rule, a: RequestAttributes): boolean {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!covers(rule.apiGroups, a.group) || !covers(rule.verbs, a.verb) || !covers(rule.resources, resource)) return false;
  return !rule.resourceNames?.length || (a.name !== undefined && rule.resourceNames.includes(a.name));
}

/** What every authenticated identity may do, from the default ClusterRoleBinding system:basic-user
 *  (Group system:authenticated): ask the API what it itself may do. */
const BASIC_USER = 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"';
function basicUserAllows(a: RequestAttributes): boolean {
  if (a.verb !== 'create' || a.subresource) return false;
  if (a.group === 'authorization.k8s.io') return a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews';
  return a.group === 'authentication.k8s.io' && a.resource === 'selfsubjectreviews';
}

export const userName = (who: ServiceAccountIdentity) => `system:serviceaccount:${who.namespace}:${who.name}`;

/** The RBAC authorizer's decision with its reason (as a SubjectAccessReview reports it; RBAC has
 *  no opinion when nothing allows, so a refusal carries no reason). */
export function authorize(store: ObjectStore, who: ServiceAccountIdentity, a: RequestAttributes): { allowed: true; reason: string } | { allowed: false } {
  if (basicUserAllows(a)) return { allowed: true, reason: BASIC_USER };
  if (!a.namespace) return { allowed: false };
  for (const binding of store.list(ROLE_BINDINGS, a.namespace)) {
    const subjects = (binding.subjects ?? []) as Array<{ kind?: string; name?: string; namespace?: string }>;
    const bound = subjects.some((s) => s.kind === 'ServiceAccount' && s.name === who.name && (s.namespace ?? a.namespace) === who.namespace);
    const ref = (binding.roleRef ?? {}) as { kind?: string; name?: string };
    if (!bound || ref.kind !== 'Role' || !ref.name) continue;
    const role = store.get(ROLES, a.namespace, ref.name);
    const rules = (role?.rules ?? []) as Rule[];
    if (rules.some((rule) => ruleAllows(rule, a))) {
      const name = (binding.metadata as { name?: string } | undefined)?.name ?? '';
      return { allowed: true, reason: `RBAC: allowed by RoleBinding "${name}/${a.namespace}" of Role "${ref.name}" to ServiceAccount "${who.name}/${who.namespace}"` };
    }
  }
  return { allowed: false };
}

/** The API server's 403 message for a refused request. */
export function deniedMessage(who: ServiceAccountIdentity, a: RequestAttributes): string {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const object = a.name ? `${a.group ? `${a.resource}.${a.group}` : a.resource} "${a.name}" is forbidden` : `${a.group ? `${a.resource}.${a.group}` : a.resource} is forbidden`;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${object}: User "${userName(who)}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`;
}

/** Null when allowed; otherwise the API server's 403 message. */
export function forbiddenMessage(store: ObjectStore, who: ServiceAccountIdentity, method: string, url: URL): string | null {
  const a = requestAttributes(method, url);
  if (!a || authorize(store, who, a).allowed) return null;
  return deniedMessage(who, a);
}
