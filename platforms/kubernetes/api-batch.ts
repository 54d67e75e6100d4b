// The API routes of Jobs and what a Job needs, served before the API server's own routes (an
// extension: `serve` answers what it knows and leaves the rest):
//   GET           /api/v1/namespaces/{name}
//   POST          /api/v1/namespaces/{ns}/{configmaps|secrets|serviceaccounts}   GET|DELETE .../{name}
//   POST          /apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/{roles|rolebindings}   GET|DELETE .../{name}
//   POST|GET      /apis/batch/v1/namespaces/{ns}/jobs   GET|DELETE .../jobs/{name} (propagationPolicy)
//   GET           /api/v1/namespaces/{ns}/pods/{name}[/log?follow=&container=]   (pods of Jobs)
//   GET           /api/v1/namespaces/{ns}/pods?labelSelector=job-name=... (or controller-uid)
//   POST          .../serviceaccounts/{name}/token, /apis/authorization.k8s.io/v1/selfsubjectaccessreviews (api-access.ts)
// Pods of Jobs are listed only by selectors on the labels the Job controller sets (job-name,
// controller-uid): a Deployment's pods never carry those labels, so such a list is complete.
import type http from 'node:http';
import { ApiFailure, CONFIGMAPS, ROLE_BINDINGS, ROLES, SECRETS, SERVICE_ACCOUNTS, type ObjectStore, type Resource } from './api-objects.js';
import type { JobController, PropagationPolicy } from './job-controller.js';
import type { JobPod } from './job-pod.js';
import { createAccessApi } from './api-access.js';
import { forbiddenMessage, type ServiceAccountIdentity } from './rbac.js';
import { listJson, statusJson } from './objects.js';

type Json = Record<string, unknown>;
const MAX_BODY = 3 << 20;
const JOB_LABELS = ['job-name', 'batch.kubernetes.io/job-name', 'controller-uid', 'batch.kubernetes.io/controller-uid'];
const CORE: Record<string, Resource> = { configmaps: CONFIGMAPS, secrets: SECRETS, serviceaccounts: SERVICE_ACCOUNTS };
const RBAC: Record<string, Resource> = { roles: ROLES, rolebindings: ROLE_BINDINGS };

/** What the API server asks of an extension (the hooks in api-server.ts). */
export interface ApiExtension {
  /** The identity of a bearer token other than the kubeconfig's (null: unknown, 401). */
  identify(token: string): ServiceAccountIdentity | null;
  /** Null when the identity may make this request; else the 403 message. */
  forbidden(who: ServiceAccountIdentity, method: string, url: URL): string | null;
  /** Answer the request and return its status, or null to leave it to the built-in routes.
   *  `who`: the caller's service account; null for the kubeconfig's admin. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL, who: ServiceAccountIdentity | null): Promise<number | null>;
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new ApiFailure(413, 'RequestEntityTooLarge', 'request entity too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() ? JSON.parse(text) : {});
      } catch (err) {
        reject(new ApiFailure(400, 'BadRequest', `the request body is not valid JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
  return status;
}

/** DeleteOptions' propagationPolicy, from the query or the body. */
async function propagationOf(req: http.IncomingMessage, url: URL): Promise<PropagationPolicy | undefined> {
  const body = (await readJson(req)) as Json;
  const value = url.searchParams.get('propagationPolicy') ?? (typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined);
  if (value === undefined) return undefined;
  if (value !== 'Orphan' && value !== 'Background' && value !== 'Foreground') throw new ApiFailure(400, 'BadRequest', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${value}": supported values: "Foreground", "Background", "Orphan"`);
  return value;
}

/** The job-label terms of a selector (`job-name=x,...`), or null when it names none. */
function jobSelector(selector: string | null): Array<[string, string]> | null {
  if (!selector) return null;
  const terms = selector.split(',').map((t) => t.trim().split(/==?/) as [string, string?]);
  const jobTerms = terms.filter(([k, v]) => v !== undefined && JOB_LABELS.includes(k.trim())).map(([k, v]) => [k.trim(), v!.trim()] as [string, string]);
  if (jobTerms.length === 0) return null;
  return terms.every(([, v]) => v !== undefined) ? terms.map(([k, v]) => [k.trim(), v!.trim()] as [string, string]) : jobTerms;
}

export function createBatchApi(store: ObjectStore, jobs: JobController): ApiExtension {
  const version = () => store.nextVersion();
  const podOf = (ns: string, name: string): JobPod | undefined => jobs.pods.get(`${ns}/${name}`);
  const access = createAccessApi(store);

  function serveLog(res: http.ServerResponse, pod: JobPod, url: URL): number {
    const container = url.searchParams.get('container');
    if (container && container !== pod.spec.containerName) throw new ApiFailure(400, 'BadRequest', `container ${container} is not valid for pod ${pod.spec.name}`);
    if (!pod.startedAt) {
      throw new ApiFailure(400, 'BadRequest', `container "${pod.spec.containerName}" in pod "${pod.spec.name}" is waiting to start: ${pod.waiting?.reason ?? 'ContainerCreating'}`);
    }
    const follow = url.searchParams.get('follow') === 'true';
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    if (!follow) {
      res.end(pod.logText);
      return 200;
    }
    const stop = pod.follow((chunk) => (chunk === null ? res.end() : res.write(chunk)));
    res.on('close', stop);
    return 200;
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, who: ServiceAccountIdentity | null): Promise<number | null> {
    const method = req.method ?? 'GET';
    const p = url.pathname.replace(/\/+$/, '');
    const answer = await access.route(method, p, () => readJson(req), who);
    if (answer) return send(res, answer.status, answer.body);
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p)) && method === 'GET') {
      const name = m[1]!;
      if (!store.namespaces.has(name)) throw new ApiFailure(404, 'NotFound', `namespaces "${name}" not found`, { name, kind: 'namespaces' });
      return send(res, 200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+)(\/log)?)?$/.exec(p)) && method === 'GET') {
      const [, ns, name, log] = m as unknown as [string, string, string | undefined, string | undefined];
      if (name) {
        const pod = podOf(ns, name);
        if (!pod) return null;
        return log ? serveLog(res, pod, url) : send(res, 200, pod.json(version()));
      }
      const terms = jobSelector(url.searchParams.get('labelSelector'));
      if (!terms || url.searchParams.has('watch')) return null;
      const items = [...jobs.pods.values()].filter((pod) => pod.spec.namespace === ns && terms.every(([k, v]) => pod.spec.labels[k] === v)).map((pod) => pod.json(version()));
      return send(res, 200, listJson('PodList', 'v1', version(), items));
    }
    if ((m = /^\/(?:api\/v1|apis\/rbac\.authorization\.k8s\.io\/v1)\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/.exec(p))) {
      const [, ns, plural, name] = m as unknown as [string, string, string, string | undefined];
      const resource = p.startsWith('/api/v1/') ? CORE[plural] : RBAC[plural];
      if (!resource) return null;
      if (!name && method === 'POST') return send(res, 201, store.create(resource, ns, await readJson(req)));
      if (name && method === 'GET') {
        // The autoscaler ConfigMap (and anything else not created here) is the built-in routes' business.
        const found = store.get(resource, ns, name);
        return found ? send(res, 200, found) : resource === CONFIGMAPS ? null : send(res, 404, statusOf(new ApiFailure(404, 'NotFound', `${resource.group ? `${plural}.${resource.group}` : plural} "${name}" not found`, { name, group: resource.group, kind: plural })));
      }
      if (name && method === 'DELETE') {
        await readJson(req);
        store.delete(resource, ns, name);
        return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: resource.group, kind: plural } });
      }
      return null;
    }
    if ((m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/.exec(p))) {
      const [, ns, name] = m as unknown as [string, string, string | undefined];
      if (!name && method === 'POST') return send(res, 201, jobs.jobJson(jobs.create(ns, (await readJson(req)) as Json), version()));
      if (!name && method === 'GET') return send(res, 200, listJson('JobList', 'batch/v1', version(), [...jobs.jobs.values()].filter((j) => j.namespace === ns).map((j) => jobs.jobJson(j, version()))));
      if (name && method === 'GET') {
        const job = jobs.get(ns, name);
        if (!job) throw new ApiFailure(404, 'NotFound', `jobs.batch "${name}" not found`, { name, group: 'batch', kind: 'jobs' });
        return send(res, 200, jobs.jobJson(job, version()));
      }
      if (name && method === 'DELETE') return send(res, 200, jobs.jobJson(await jobs.delete(ns, name, await propagationOf(req, url)), version()));
      throw new ApiFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    return null;
  }

  const statusOf = (f: ApiFailure) => statusJson(f.code, f.reason, f.message, f.details);

  return {
    identify: (token) => jobs.identify(token) ?? access.identify(token),
    forbidden: (who, method, url) => forbiddenMessage(store, who, method, url),
    async serve(req, res, url, who) {
      try {
        return await route(req, res, url, who);
      } catch (err) {
        if (!(err instanceof ApiFailure)) throw err;
        req.resume();
        if (res.headersSent) {
          res.destroy();
          return err.code;
        }
        return send(res, err.code, statusOf(err));
      }
    },
  };
}
