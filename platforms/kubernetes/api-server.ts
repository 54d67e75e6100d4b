// A small Kubernetes API server over HTTP: the subset the adapters use, with the real paths, JSON
// shapes, patch content types and error Status bodies, behind a bearer token (401 without it).
//   GET    /api/v1/namespaces/{ns}/pods[?labelSelector=][&watch=1&resourceVersion=]   (api-watch.ts)
//   GET    /api/v1/namespaces/{ns}/pods/{name}
//   GET    /api/v1/namespaces/{ns}/services[/{name}]      ANY .../services/{id}/proxy/... (api-proxy.ts)
//   GET    /api/v1/namespaces/knative-serving/configmaps/config-autoscaler
//   GET    /apis/apps/v1/namespaces/{ns}/deployments[/{name}]  PATCH .../deployments/{name}
//   GET|PATCH|PUT /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale
//   GET    /apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers[/{name}]
//   GET    /apis/keda.sh/v1alpha1/namespaces/{ns}/scaledobjects[/{name}]   (404 unless KEDA is installed)
//   GET    /apis/serving.knative.dev/v1/namespaces/{ns}/services[/{name}]   PATCH .../services/{name}
//   (a PATCH of a Deployment's or Service's first container's resources rolls out new pods / a new revision)
// Jobs, ConfigMaps, Secrets, ServiceAccounts, RBAC, pod logs, service-account tokens and access
// reviews come from an extension (api-batch.ts, api-access.ts).
// With the `throttle` option every Nth request is refused with 429 TooManyRequests and a
// Retry-After header, as API Priority and Fairness refuses requests under load (docs/platforms.md).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { withApiKeepAlive } from '../keep-alive.js';
import type { Cluster, DeploymentRecord } from './cluster.js';
import type { ScalerOptions, ThrottleOptions } from './options.js';
import type { ApiExtension } from './api-batch.js';
import { HttpProblem, REASON_BY_CODE, matchesSelector } from './api-problem.js';
import { applyPatch, parseJson, readBody, replicasOf } from './api-patch.js';
import { proxyToService } from './api-proxy.js';
import { isWatch, servePodWatch, watchRequest } from './api-watch.js';
import { configMapJson, containerResources, deploymentJson, knativeServiceJson, listJson, podJson, scaleJson, scalerJson, serviceJson, statusJson } from './objects.js';

export { matchesSelector } from './api-problem.js';

export interface ApiRequestRecord {
  method: string;
  path: string;
  /** The query string ("?watch=true&resourceVersion=12"), or "". */
  query: string;
  contentType: string | null;
  status: number;
  /** When the answer was sent (Date.now()); for a watch, when its stream began. */
  at: number;
  /** A watch (a long-lived streaming request) rather than a single answer. */
  watch?: boolean;
}

/** A failure the tests inject: the next `times` matching requests get `status` with a Status body. */
export interface InjectedFault {
  method?: string;
  pathIncludes?: string;
  /** Matched against the query string (e.g. "watch=" for watch requests only). */
  queryIncludes?: string;
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

const MAX_LOG = 5000;
const PROXY_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;
const AUTOSCALER_CONFIG = 'knative-serving/config-autoscaler';

type Routed = { status: number; body: unknown } | { handled: 'watch' };

export interface ApiServerOptions {
  port: number;
  token: string;
  throttle?: ThrottleOptions;
  watchTimeoutMs?: number;
  /** PEM certificate and key: serve https. */
  tls?: { cert: Buffer; key: Buffer };
  /** More API groups (batch Jobs, ConfigMaps, Secrets, RBAC: api-batch.ts) and their identities. */
  extension?: ApiExtension;
}

export function startApiServer(cluster: Cluster, options: ApiServerOptions): Promise<ApiServer> {
  const requests: ApiRequestRecord[] = [];
  const faults: InjectedFault[] = [];
  /** Requests counted towards `throttle.every`. */
  let throttleCount = 0;

  const notFound = (resource: string, group: string, name: string) =>
    new HttpProblem(404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`, { name, group, kind: resource });
  const notAllowed = () => new HttpProblem(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

  const deploymentOrThrow = (ns: string, name: string): DeploymentRecord => {
    const d = cluster.getDeployment(ns, name);
    if (!d) throw notFound('deployments', 'apps', name);
    return d;
  };

  /** HPAs or ScaledObjects of a namespace (one by name, or the list). */
  function scalers(kind: ScalerOptions['kind'], ns: string, name: string | undefined): { status: number; body: unknown } {
    const items = cluster.scalers.filter((s) => s.kind === kind && s.namespace === ns);
    const [resource, group, listKind, apiVersion] =
      kind === 'ScaledObject' ? ['scaledobjects', 'keda.sh', 'ScaledObjectList', 'keda.sh/v1alpha1'] : ['horizontalpodautoscalers', 'autoscaling', 'HorizontalPodAutoscalerList', 'autoscaling/v2'];
    if (name) {
      const one = items.find((s) => s.name === name);
      if (!one) throw notFound(resource, group, name);
      return { status: 200, body: scalerJson(cluster, one) };
    }
    return { status: 200, body: listJson(listKind, apiVersion, cluster.resourceVersion, items.map((s) => scalerJson(cluster, s))) };
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<Routed> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '');
    const rv = cluster.resourceVersion;
    let m: RegExpExecArray | null;

    if (path === '/version' && method === 'GET') return { status: 200, body: { major: '1', minor: '31', gitVersion: 'v1.31.0-coldbench-emulator', platform: 'linux/amd64' } };

    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(path))) {
      if (method !== 'GET') throw notAllowed();
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (name) {
        const pod = cluster.pods.get(`${ns}/${name}`);
        if (!pod) throw notFound('pods', '', name);
        return { status: 200, body: podJson(pod) };
      }
      if (isWatch(url.searchParams)) {
        servePodWatch(cluster, res, watchRequest(ns, url.searchParams), options.watchTimeoutMs);
        return { handled: 'watch' };
      }
      const selector = url.searchParams.get('labelSelector');
      const items = [...cluster.pods.values()].filter((p) => p.namespace === ns && matchesSelector(p.labels, selector)).map((p) => podJson(p));
      return { status: 200, body: listJson('PodList', 'v1', rv, items) };
    }

    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/services(?:\/([^/]+))?$/.exec(path))) {
      if (method !== 'GET') throw notAllowed();
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (name) {
        const s = cluster.getService(ns, name);
        if (!s) throw notFound('services', '', name);
        return { status: 200, body: serviceJson(cluster, s) };
      }
      const items = [...cluster.services.values()].filter((s) => s.namespace === ns).map((s) => serviceJson(cluster, s));
      return { status: 200, body: listJson('ServiceList', 'v1', rv, items) };
    }

    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/.exec(path))) {
      if (method !== 'GET') throw notAllowed();
      const [, ns, name] = m as unknown as [string, string, string];
      if (`${ns}/${name}` !== AUTOSCALER_CONFIG) throw notFound('configmaps', '', name);
      return { status: 200, body: configMapJson(cluster, ns, name, cluster.autoscalerConfig) };
    }

    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+)(\/scale)?)?$/.exec(path))) {
      const [, ns, name, scale] = m as unknown as [string, string, string | undefined, string | undefined];
      if (!name) {
        if (method !== 'GET') throw notAllowed();
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
        // A changed pod template (container resources) rolls the Deployment out.
        const resources = scale ? null : containerResources(next);
        if (resources) cluster.setDeploymentResources(d, resources);
        return { status: 200, body: render() };
      }
      throw notAllowed();
    }

    if ((m = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers(?:\/([^/]+))?$/.exec(path))) {
      if (method !== 'GET') throw notAllowed();
      return scalers('HorizontalPodAutoscaler', m[1]!, m[2]);
    }

    if ((m = /^\/apis\/keda\.sh\/v1alpha1\/namespaces\/([^/]+)\/scaledobjects(?:\/([^/]+))?$/.exec(path))) {
      // Without KEDA's CRD the group does not exist: the API's plain 404.
      if (!cluster.kedaInstalled) throw new HttpProblem(404, 'NotFound', 'the server could not find the requested resource');
      if (method !== 'GET') throw notAllowed();
      return scalers('ScaledObject', m[1]!, m[2]);
    }

    if ((m = /^\/apis\/serving\.knative\.dev\/v1\/namespaces\/([^/]+)\/services(?:\/([^/]+))?$/.exec(path))) {
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (method !== 'GET' && !(method === 'PATCH' && name)) throw notAllowed();
      if (name) {
        const s = cluster.getKnativeService(ns, name);
        if (!s) throw notFound('services', 'serving.knative.dev', name);
        if (method === 'PATCH') {
          // A changed container template makes a new revision (only resources are modelled).
          const next = applyPatch(knativeServiceJson(cluster, s), req.headers['content-type'] ?? null, await readBody(req));
          const resources = containerResources(next);
          if (resources) cluster.setKnativeResources(s, resources);
        }
        return { status: 200, body: knativeServiceJson(cluster, s) };
      }
      const items = [...cluster.knativeServices.values()].filter((s) => s.namespace === ns).map((s) => knativeServiceJson(cluster, s));
      return { status: 200, body: listJson('ServiceList', 'serving.knative.dev/v1', rv, items) };
    }

    throw new HttpProblem(404, 'NotFound', 'the server could not find the requested resource');
  }

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const log = (status: number, extra: Partial<ApiRequestRecord> = {}) => {
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, contentType: req.headers['content-type'] ?? null, status, at: Date.now(), ...extra });
      if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
    };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private', ...headers });
      res.end(text);
      log(status);
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
      const fault = faults.find(
        (f) => f.times > 0 && (!f.method || f.method === req.method) && (!f.pathIncludes || url.pathname.includes(f.pathIncludes)) && (!f.queryIncludes || url.search.includes(f.queryIncludes)),
      );
      if (fault) {
        fault.times -= 1;
        req.resume();
        throw new HttpProblem(fault.status, REASON_BY_CODE[fault.status] ?? 'InternalError', `injected failure (HTTP ${fault.status}) for ${req.method} ${url.pathname}`);
      }
      const served = await options.extension?.serve(req, res, url, serviceAccount ?? null);
      if (served !== undefined && served !== null) {
        log(served);
        return;
      }
      const proxy = PROXY_PATH.exec(url.pathname);
      if (proxy) {
        const status = await proxyToService(cluster, req, res, { namespace: proxy[1]!, id: decodeURIComponent(proxy[2]!), path: `${proxy[3] ?? '/'}${url.search}` });
        log(status);
        return;
      }
      const routed = await route(req, res, url);
      if ('handled' in routed) log(200, { watch: true });
      else send(routed.status, routed.body);
    } catch (err) {
      const problem = err instanceof HttpProblem ? err : new HttpProblem(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
      req.resume();
      if (res.headersSent) res.destroy();
      else send(problem.code, statusJson(problem.code, problem.reason, problem.message, problem.details));
    }
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);

  return new Promise((resolve, reject) => {
    withApiKeepAlive(server);
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
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
