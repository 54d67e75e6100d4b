// Local Kubernetes control plane + data plane for the demo and the tests: an API server (token
// auth, generated kubeconfig), Deployments and Knative Services whose pods are real child
// processes, a 503-while-starting front per Deployment and an activator per Knative Service.
// Jobs (batch.ts): their pods run the checked-out harness as real processes, with ConfigMaps,
// Secrets, ServiceAccounts and RBAC for them.
// Options (validated in options.ts): port, token, deployments, knativeServices, namespaces,
// jobImages, and throttle
// { every, retryAfter, pathIncludes }: every Nth API request answered 429 with Retry-After.
import { randomBytes } from 'node:crypto';
import type { EmulatorStarter, RunningEmulator } from '../types.js';
import { startApiServer, type ApiServer } from './api-server.js';
import { Cluster } from './cluster.js';
import { startActivator, startDeploymentFront, type Front } from './fronts.js';
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
  /** Knative service name -> URL of its activator (also its status.url). */
  knativeUrls: Record<string, string>;
  cluster: Cluster;
  api: ApiServer;
  /** Jobs and their pods (with the logs of finished pods in `jobs.history`). */
  jobs: JobController;
  /** ConfigMaps, Secrets, ServiceAccounts, Roles, RoleBindings and namespaces. */
  objects: ObjectStore;
  /** Stop fronts, API server and every pod process; idempotent. */
  stop(): Promise<void>;
}

/** Start the emulator directly (tests) with already-parsed or raw options. */
export async function startKubeEmulator(input: KubeEmulatorInput = {}, log: (message: string) => void = () => undefined): Promise<KubeEmulator> {
  const options = parseKubeEmulatorOptions(input);
  const token = options.token ?? randomBytes(24).toString('hex');
  const cluster = new Cluster();
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
    api = await startApiServer(cluster, { port: options.port, token, throttle: options.throttle, extension: batch.api });
    kubeconfig = writeKubeconfig(api.url, token);
    const deploymentUrls: Record<string, string> = {};
    const knativeUrls: Record<string, string> = {};
    for (const d of options.deployments) {
      const record = cluster.addDeployment(d);
      const front = await startDeploymentFront(cluster, record, d.port);
      fronts.push(front);
      deploymentUrls[d.name] = front.url;
      log(`deployment ${d.namespace}/${d.name}: ${d.replicas} replica(s), front ${front.url}`);
    }
    for (const s of options.knativeServices) {
      const record = cluster.addKnativeService(s, '');
      const front = await startActivator(cluster, record, s.port);
      fronts.push(front);
      // Knative's status.url carries no trailing slash.
      record.url = front.url.replace(/\/$/, '');
      knativeUrls[s.name] = front.url;
      log(`knative service ${s.namespace}/${s.name}: idle window ${s.idleMs} ms, activator ${front.url}`);
    }
    return { apiUrl: api.url, kubeconfigPath: kubeconfig.path, context: EMULATOR_CONTEXT, deploymentUrls, knativeUrls, cluster, api, jobs: batch.jobs, objects: batch.objects, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The runner's entry point (`emulators: { kubernetes: {...} }`): env gives KUBECONFIG. */
export const startKubernetesEmulator: EmulatorStarter = async (options, ctx): Promise<RunningEmulator> => {
  const emulator = await startKubeEmulator(options as KubeEmulatorInput, ctx.log);
  const fronts = [...Object.entries(emulator.deploymentUrls), ...Object.entries(emulator.knativeUrls)].map(([n, u]) => `${n} ${u}`);
  return {
    name: 'kubernetes',
    env: { KUBECONFIG: emulator.kubeconfigPath },
    description: `kubernetes API ${emulator.apiUrl} (kubeconfig ${emulator.kubeconfigPath})${fronts.length ? `; ${fronts.join(', ')}` : ''}`,
    stop: emulator.stop,
  };
};
