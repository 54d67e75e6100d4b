// Who may do what, asked of the API itself (docs/platforms.md, "Kubernetes: access reviews and
// service-account tokens"):
//   POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token      a TokenRequest: a bearer token
//        for the ServiceAccount, valid expirationSeconds (default 3600, at least 600), as `kubectl
//        create token` gets it; RBAC decides its requests.
//   POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews      the caller's own permission:
//        201 with the review and status { allowed, reason? }, decided by the same RBAC authorizer
//        that guards the caller's requests (the kubeconfig's admin token may do anything); nothing
//        is stored. Every authenticated identity may ask (ClusterRole system:basic-user).
import { randomBytes } from 'node:crypto';
import { ApiFailure, SERVICE_ACCOUNTS, type ObjectStore } from './api-objects.js';
import { authorize, type RequestAttributes, type ServiceAccountIdentity } from './rbac.js';

type Json = Record<string, unknown>;
export type Answer = { status: number; body: unknown };

const DEFAULT_EXPIRATION_S = 3600;
const MIN_EXPIRATION_S = 600;
const ADMIN_REASON = 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';
/** Non-resource paths every identity may get (ClusterRoles system:discovery, system:public-info-viewer). */
const PUBLIC_PATHS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/readyz', '/version', '/version/', '/openapi', '/openapi/*'];

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function invalid(kind: string, field: string, value: unknown, why: string): ApiFailure {
  return new ApiFailure(422, 'Invalid', `${kind} "" is invalid: ${field}: Invalid value: ${JSON.stringify(value ?? null)}: ${why}`, { group: kind.split('.').slice(1).join('.'), kind: kind.split('.')[0] });
}

export function createAccessApi(store: ObjectStore) {
  const tokens = new Map<string, ServiceAccountIdentity & { expiresAt: number }>();

  function tokenRequest(ns: string, name: string, body: unknown): Answer {
    store.requireNamespace(ns);
    if (!store.get(SERVICE_ACCOUNTS, ns, name) && name !== 'default') {
      throw new ApiFailure(404, 'NotFound', `serviceaccounts "${name}" not found`, { name, kind: 'serviceaccounts' });
    }
    const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
    const requested = spec.expirationSeconds ?? DEFAULT_EXPIRATION_S;
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < MIN_EXPIRATION_S) {
      throw invalid('TokenRequest.authentication.k8s.io', 'spec.expirationSeconds', requested, 'may not specify a duration less than 10 minutes');
    }
    const token = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + requested * 1000;
    tokens.set(token, { namespace: ns, name, expiresAt });
    return {
      status: 201,
      body: {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name, namespace: ns, creationTimestamp: new Date().toISOString() },
        spec: { audiences: Array.isArray(spec.audiences) ? spec.audiences : [], expirationSeconds: requested, boundObjectRef: null },
        status: { token, expirationTimestamp: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z') },
      },
    };
  }

  function review(body: unknown, who: ServiceAccountIdentity | null): Answer {
    const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
    const resource = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
    const nonResource = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
    if ((resource === undefined) === (nonResource === undefined)) {
      throw invalid('SelfSubjectAccessReview.authorization.k8s.io', 'spec.resourceAttributes', resource ?? null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
    }
    let status: Json;
    if (!who) status = { allowed: true, reason: ADMIN_REASON };
    else if (resource) {
      const a: RequestAttributes = {
        verb: text(resource.verb),
        group: text(resource.group),
        resource: text(resource.resource),
        ...(text(resource.subresource) ? { subresource: text(resource.subresource) } : {}),
        ...(text(resource.namespace) ? { namespace: text(resource.namespace) } : {}),
        ...(text(resource.name) ? { name: text(resource.name) } : {}),
      };
      status = authorize(store, who, a);
    } else {
      const path = text(nonResource?.path);
      const allowed = text(nonResource?.verb) === 'get' && PUBLIC_PATHS.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
      status = allowed ? { allowed, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' } : { allowed };
    }
    const meta = isObject(body) && isObject(body.metadata) ? body.metadata : {};
    return { status: 201, body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { ...meta, creationTimestamp: null }, spec, status } };
  }

  return {
    /** The ServiceAccount a requested token stands for, until it expires. */
    identify(token: string): ServiceAccountIdentity | null {
      const found = tokens.get(token);
      if (!found) return null;
      if (Date.now() >= found.expiresAt) {
        tokens.delete(token);
        return null;
      }
      return { namespace: found.namespace, name: found.name };
    },
    /** Answer a token request or an access review; null for any other request. `who` null: the admin. */
    async route(method: string, path: string, readBody: () => Promise<unknown>, who: ServiceAccountIdentity | null): Promise<Answer | null> {
      let m: RegExpExecArray | null;
      if (method === 'POST' && (m = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)\/token$/.exec(path))) return tokenRequest(m[1]!, m[2]!, await readBody());
      if (method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return review(await readBody(), who);
      return null;
    },
  };
}
