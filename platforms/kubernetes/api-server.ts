// A small Kubernetes API server over HTTP: the subset the adapters use, with the real paths, JSON
// shapes, patch content types and error Status bodies, behind a bearer token (401 without it).
//   GET    /api/v1/namespaces/{ns}/pods[?labelSelector=]      GET /api/v1/namespaces/{ns}/pods/{name}
//   GET    /apis/apps/v1/namespaces/{ns}/deployments[/{name}]  PATCH .../deployments/{name}
//   GET|PATCH|PUT /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale
//   GET    /apis/serving.knative.dev/v1/namespaces/{ns}/services[/{name}]
// Jobs, ConfigMaps, Secrets, ServiceAccounts, RBAC and pod logs come from an extension (api-batch.ts).
// With the `throttle` option every Nth request is refused with 429 TooManyRequests and a
// Retry-After header, as API Priority and Fairness refuses requests under load (docs/platforms.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cluster, DeploymentRecord } from './cluster.js';
import type { ThrottleOptions } from './options.js';
import type { ApiExtension } from './api-batch.js';
import { deploymentJson, knativeServiceJson, listJson, podJson, scaleJson, statusJson } from './objects.js';

export interface ApiRequestRecord {
  method: string;
  path: string;
  contentType: string | null;
  status: number;
  /** When the answer was sent (Date.now()). */
  at: number;
}

/** A failure the tests inject: the next `times` matching requests get `status` with a Status body. */
export interface InjectedFault {
  method?: string;
  pathIncludes?: string;
  status: number;
  times: number;
}

export interface ApiServer {
  url: string;
  port: number;
  /** Every request seen (newest last, bounded), for tests: method, path, Content-Type, status. */
  requests: ApiRequestRecord[];
  injectFault(fault: InjectedFault): void;
  close(): Promise<void>;
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;
const MAX_BODY = 1 << 20;
const MAX_LOG = 2000;

class HttpProblem extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** Equality-based label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated (AND). */
export function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((raw) => {
    const term = raw.trim();
    if (!term) return true;
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term))) return labels[m[1]!] !== m[2];
    if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term))) return labels[m[1]!] === m[2];
    if ((m = /^!\s*(\S+)$/.exec(term))) return !(m[1]! in labels);
    if (/^\S+$/.test(term)) return term in labels;
    throw new HttpProblem(400, 'BadRequest', `unable to parse requirement: ${JSON.stringify(term)}`);
  });
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6902 JSON patch (add / replace / remove / test) on a JSON document. */
function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new HttpProblem(400, 'BadRequest', 'json patch body must be a JSON array of operations');
  const root = structuredClone(doc) as Record<string, unknown>;
  for (const op of ops as { op?: string; path?: string; value?: unknown }[]) {
    if (typeof op?.path !== 'string' || !op.path.startsWith('/')) throw new HttpProblem(400, 'BadRequest', `json patch operation has an invalid path: ${JSON.stringify(op?.path)}`);
    const parts = op.path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent: Record<string, unknown> = root;
    for (const part of parts) {
      const next = parent[part];
      if (next === null || typeof next !== 'object') throw new HttpProblem(422, 'Invalid', `json patch: path ${op.path} does not exist`);
      parent = next as Record<string, unknown>;
    }
    switch (op.op) {
      case 'add':
      case 'replace':
        if (op.op === 'replace' && !(last in parent)) throw new HttpProblem(422, 'Invalid', `json patch: replace operation does not apply: doc is missing key: ${op.path}`);
        parent[last] = op.value;
        break;
      case 'remove':
        delete parent[last];
        break;
      case 'test':
        if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new HttpProblem(422, 'Invalid', `json patch: test operation failed at ${op.path}`);
        break;
      default:
        throw new HttpProblem(400, 'BadRequest', `json patch: unsupported operation ${JSON.stringify(op.op)}`);
    }
  }
  return root;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new HttpProblem(413, 'RequestEntityTooLarge', 'request entity too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpProblem(400, 'BadRequest', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Apply a PATCH body to `current` according to its Content-Type, as the API server does. */
function applyPatch(current: unknown, contentType: string | null, text: string): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(PATCH_TYPES as readonly string[]).includes(type)) {
    throw new HttpProblem(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}, application/apply-patch+yaml`,
    );
  }
  const body = parseJson(text);
  return type === 'application/json-patch+json' ? jsonPatch(current, body) : mergePatch(current, body);
}

function replicasOf(doc: unknown, what: string, name: string): number {
  const replicas = (doc as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new HttpProblem(422, 'Invalid', `${what} "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
      name,
      group: what.includes('.') ? what.split('.').slice(1).join('.') : '',
      kind: what.split('.')[0],
    });
  }
  return replicas;
}

export function startApiServer(cluster: Cluster, options: { port: number; token: string; throttle?: ThrottleOptions; extension?: ApiExtension }): Promise<ApiServer> {
  const requests: ApiRequestRecord[] = [];
  const faults: InjectedFault[] = [];
  /** Requests counted towards `throttle.every`. */
  let throttleCount = 0;

  const notFound = (resource: string, group: string, name: string) =>
    new HttpProblem(404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`, { name, group, kind: resource });

  const deploymentOrThrow = (ns: string, name: string): DeploymentRecord => {
    const d = cluster.getDeployment(ns, name);
    if (!d) throw notFound('deployments', 'apps', name);
    return d;
  };

  async function route(req: http.IncomingMessage, url: URL): Promise<{ status: number; body: unknown }> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '');
    const rv = cluster.resourceVersion;
    let m: RegExpExecArray | null;

    if (path === '/version' && method === 'GET') return { status: 200, body: { major: '1', minor: '31', gitVersion: 'v1.31.0-coldbench-emulator', platform: 'linux/amd64' } };

    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(path))) {
      if (method !== 'GET') throw new HttpProblem(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (name) {
        const pod = cluster.pods.get(`${ns}/${name}`);
        if (!pod) throw notFound('pods', '', name);
        return { status: 200, body: podJson(pod, rv) };
      }
      const selector = url.searchParams.get('labelSelector');
      const items = [...cluster.pods.values()].filter((p) => p.namespace === ns && matchesSelector(p.labels, selector)).map((p) => podJson(p, rv));
      return { status: 200, body: listJson('PodList', 'v1', rv, items) };
    }

    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+)(\/scale)?)?$/.exec(path))) {
      const [, ns, name, scale] = m as unknown as [string, string, string | undefined, string | undefined];
      if (!name) {
        if (method !== 'GET') throw new HttpProblem(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const items = [...cluster.deployments.values()].filter((d) => d.namespace === ns).map((d) => deploymentJson(cluster, d));
        return { status: 200, body: listJson('DeploymentList', 'apps/v1', rv, items) };
      }
      const d = deploymentOrThrow(ns, name);
      const render = () => (scale ? scaleJson(cluster, d) : deploymentJson(cluster, d));
      if (method === 'GET') return { status: 200, body: render() };
      if (method === 'PATCH' || (method === 'PUT' && scale)) {
        const text = await readBody(req);
        const next = method === 'PATCH' ? applyPatch(render(), req.headers['content-type'] ?? null, text) : parseJson(text);
        const replicas = replicasOf(next, scale ? 'Scale.autoscaling' : 'Deployment.apps', name);
        cluster.setDeploymentReplicas(d, replicas);
        return { status: 200, body: render() };
      }
      throw new HttpProblem(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }

    if ((m = /^\/apis\/serving\.knative\.dev\/v1\/namespaces\/([^/]+)\/services(?:\/([^/]+))?$/.exec(path))) {
      if (method !== 'GET') throw new HttpProblem(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (name) {
        const s = cluster.getKnativeService(ns, name);
        if (!s) throw notFound('services', 'serving.knative.dev', name);
        return { status: 200, body: knativeServiceJson(cluster, s) };
      }
      const items = [...cluster.knativeServices.values()].filter((s) => s.namespace === ns).map((s) => knativeServiceJson(cluster, s));
      return { status: 200, body: listJson('ServiceList', 'serving.knative.dev/v1', rv, items) };
    }

    throw new HttpProblem(404, 'NotFound', 'the server could not find the requested resource');
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private', ...headers });
      res.end(text);
      requests.push({ method: req.method ?? 'GET', path: url.pathname, contentType: req.headers['content-type'] ?? null, status, at: Date.now() });
      if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
    };
    try {
      // The kubeconfig's token is the cluster admin; an extension may know other tokens (a pod's
      // service account), whose requests RBAC decides.
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const serviceAccount = bearer !== undefined && bearer !== options.token ? options.extension?.identify(bearer) : undefined;
      if (bearer !== options.token && !serviceAccount) {
        req.resume();
        throw new HttpProblem(401, 'Unauthorized', 'Unauthorized');
      }
      const forbidden = serviceAccount ? options.extension?.forbidden(serviceAccount, req.method ?? 'GET', url) : null;
      if (forbidden) {
        req.resume();
        throw new HttpProblem(403, 'Forbidden', forbidden);
      }
      const throttle = options.throttle;
      if (throttle && (!throttle.pathIncludes || url.pathname.includes(throttle.pathIncludes)) && ++throttleCount % throttle.every === 0) {
        req.resume();
        // Retry-After is whole seconds (RFC 9110); the API server sends 1.
        const retryAfter = String(Math.max(0, Math.round(throttle.retryAfterMs / 1000)));
        send(429, statusJson(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: Number(retryAfter) }), { 'retry-after': retryAfter });
        return;
      }
      const fault = faults.find((f) => f.times > 0 && (!f.method || f.method === req.method) && (!f.pathIncludes || url.pathname.includes(f.pathIncludes)));
      if (fault) {
        fault.times -= 1;
        req.resume();
        throw new HttpProblem(fault.status, REASON_BY_CODE[fault.status] ?? 'InternalError', `injected failure (HTTP ${fault.status}) for ${req.method} ${url.pathname}`);
      }
      const served = await options.extension?.serve(req, res, url);
      if (served !== undefined && served !== null) {
        requests.push({ method: req.method ?? 'GET', path: url.pathname, contentType: req.headers['content-type'] ?? null, status: served, at: Date.now() });
        return;
      }
      const { status, body } = await route(req, url);
      send(status, body);
    } catch (err) {
      const problem = err instanceof HttpProblem ? err : new HttpProblem(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
      req.resume();
      send(problem.code, statusJson(problem.code, problem.reason, problem.message, problem.details));
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        injectFault: (fault) => faults.push({ ...fault }),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
