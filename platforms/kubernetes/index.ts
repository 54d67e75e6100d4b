// Local Kubernetes control plane + data plane for the demo and the tests: an API server (token
// auth, generated kubeconfig, watches, the service proxy), Deployments and Knative Services whose
// pods are real child processes, a 503-while-starting front per Deployment, an activator per
// Knative Service and, optionally, one ingress that routes to them by Host.
// Jobs (batch.ts): their pods run the checked-out harness as real processes, with ConfigMaps,
// Secrets, ServiceAccounts and RBAC for them.
// Options (validated in options.ts): port, token, deployments, knativeServices, services, hpas,
// scaledObjects, knativeAutoscaler, ingress { port, domain }, contextNamespace, watchHistory,
// namespaces, jobImages, and throttle { every, retryAfter, pathIncludes }: every Nth API request
// answered 429 with Retry-After.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EmulatorStarter, RunningEmulator } from '../types.js';
import { startApiServer, type ApiRequestRecord, type ApiServer } from './api-server.js';
import { Cluster } from './cluster.js';
import { startActivator, startDeploymentFront, startIngress, type Front } from './fronts.js';
import { writeKubeconfig, EMULATOR_CONTEXT } from './kubeconfig.js';
import { parseKubeEmulatorOptions, type KubeEmulatorInput } from './options.js';
import { startBatch } from './batch.js';
import type { JobController } from './job-controller.js';
import type { ObjectStore } from './api-objects.js';

export { parseKubeEmulatorOptions, type KubeEmulatorInput } from './options.js';
export { EMULATOR_CONTEXT } from './kubeconfig.js';

export interface KubeEmulator {
  apiUrl: string;
  kubeconfigPath: string;
  context: string;
  /** Deployment name -> URL of its front (a Service). */
  deploymentUrls: Record<string, string>;
  /** Knative service name -> URL of its activator (also its status.url when there is no ingress). */
  knativeUrls: Record<string, string>;
  /** URL of the ingress, when the `ingress` option is set. */
  ingressUrl?: string;
  cluster: Cluster;
  api: ApiServer;
  /** Jobs and their pods (with the logs of finished pods in `jobs.history`). */
  jobs: JobController;
  /** ConfigMaps, Secrets, ServiceAccounts, Roles, RoleBindings and namespaces. */
  objects: ObjectStore;
  /** API requests that change something: any method but GET, less the service proxy (data plane)
   *  and the read-only reviews (SelfSubjectAccessReview, TokenReview...), oldest first. */
  mutatingCalls(): ApiRequestRecord[];
  /** Requests that reached a workload: the fronts, the activators, the ingress and the API server's service proxy. */
  dataPlaneRequests(): number;
  /** Stop fronts, API server and every pod process; idempotent. */
  stop(): Promise<void>;
}

const SERVICE_PROXY = /^\/api\/v1\/namespaces\/[^/]+\/services\/[^/]+\/proxy(\/|$)/;
const REVIEW = /\/(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews|tokenreviews|selfsubjectreviews)$/;

/** Start the emulator directly (tests) with already-parsed or raw options. */
export async function startKubeEmulator(input: KubeEmulatorInput = {}, log: (message: string) => void = () => undefined): Promise<KubeEmulator> {
  const options = parseKubeEmulatorOptions(input);
  const token = options.token ?? randomBytes(24).toString('hex');
  const cluster = new Cluster(options.watchHistory);
  cluster.autoscalerConfig = { ...options.knativeAutoscaler };
  cluster.kedaInstalled = options.scaledObjects !== null;
  cluster.scalers.push(...options.hpas);
  for (const k of options.scaledObjects ?? []) {
    // KEDA drives a Deployment through an HPA of its own, named keda-hpa-<ScaledObject>.
    cluster.scalers.push(k, { ...k, kind: 'HorizontalPodAutoscaler', name: `keda-hpa-${k.name}`, minReplicas: Math.max(1, k.minReplicas), ownerScaledObject: k.name, paused: false });
  }
  const batch = startBatch(options, () => api?.url ?? '');
  const fronts: Front[] = [];
  let api: ApiServer | undefined;
  let kubeconfig: ReturnType<typeof writeKubeconfig> | undefined;
  let stopped: Promise<void> | undefined;

  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(fronts.map((f) => f.close()));
      await api?.close();
      await Promise.all([cluster.stop(), batch.jobs.stop()]);
      kubeconfig?.remove();
    })());

  try {
    const tls = options.tls ? { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) } : undefined;
    api = await startApiServer(cluster, { port: options.port, token, throttle: options.throttle, watchTimeoutMs: options.watchTimeoutMs, tls, extension: batch.api });
    kubeconfig = writeKubeconfig(api.url, token, options.contextNamespace, tls?.cert);
    for (const s of options.services) cluster.addService(s);
    const deploymentUrls: Record<string, string> = {};
    const knativeUrls: Record<string, string> = {};
    for (const d of options.deployments) {
      const record = cluster.addDeployment(d);
      const front = await startDeploymentFront(cluster, record, d.port);
      fronts.push(front);
      deploymentUrls[d.name] = front.url;
      log(`deployment ${d.namespace}/${d.name}: ${d.replicas} replica(s), front ${front.url}`);
    }
    const ingressRoutes = new Map<string, string>();
    for (const s of options.knativeServices) {
      const record = cluster.addKnativeService(s, '');
      const front = await startActivator(cluster, record, s.port);
      fronts.push(front);
      // Knative's status.url carries no trailing slash. Behind an ingress it names the service in
      // Knative's domain (*.example.com by default), which only the ingress routes; a cluster-local
      // service is *.svc.cluster.local, reachable from inside the cluster only.
      const host = s.clusterLocal ? `${s.name}.${s.namespace}.svc.cluster.local` : options.ingress ? `${s.name}.${s.namespace}.${options.ingress.domain}` : null;
      record.url = host ? `http://${host}` : front.url.replace(/\/$/, '');
      if (host && !s.clusterLocal) ingressRoutes.set(host, front.url);
      knativeUrls[s.name] = front.url;
      log(`knative service ${s.namespace}/${s.name}: idle window ${s.idleMs} ms, activator ${front.url}, status.url ${record.url}`);
    }
    let ingressUrl: string | undefined;
    if (options.ingress) {
      const ingress = await startIngress(ingressRoutes, options.ingress.port);
      fronts.push(ingress);
      ingressUrl = ingress.url;
      log(`ingress ${ingress.url}: ${[...ingressRoutes.keys()].join(', ') || 'no routes'}`);
    }
    const server = api;
    return {
      apiUrl: api.url,
      kubeconfigPath: kubeconfig.path,
      context: EMULATOR_CONTEXT,
      deploymentUrls,
      knativeUrls,
      ingressUrl,
      cluster,
      api,
      jobs: batch.jobs,
      objects: batch.objects,
      mutatingCalls: () => server.requests.filter((r) => r.method !== 'GET' && !SERVICE_PROXY.test(r.path) && !REVIEW.test(r.path)),
      dataPlaneRequests: () => fronts.reduce((sum, f) => sum + f.requests, 0) + server.requests.filter((r) => SERVICE_PROXY.test(r.path)).length,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The runner's entry point (`emulators: { kubernetes: {...} }`): env gives KUBECONFIG. */
export const startKubernetesEmulator: EmulatorStarter = async (options, ctx): Promise<RunningEmulator> => {
  const emulator = await startKubeEmulator(options as KubeEmulatorInput, ctx.log);
  const fronts = [...Object.entries(emulator.deploymentUrls), ...Object.entries(emulator.knativeUrls), ...(emulator.ingressUrl ? [['ingress', emulator.ingressUrl]] : [])].map(([n, u]) => `${n} ${u}`);
  return {
    name: 'kubernetes',
    env: { KUBECONFIG: emulator.kubeconfigPath },
    description: `kubernetes API ${emulator.apiUrl} (kubeconfig ${emulator.kubeconfigPath})${fronts.length ? `; ${fronts.join(', ')}` : ''}`,
    stop: emulator.stop,
  };
};
