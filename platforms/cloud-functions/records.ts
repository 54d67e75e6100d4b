// The emulated resources as they exist before any update: a function with the Cloud Run service
// Cloud Functions created for it (its revision named in the template, as Cloud Functions names
// them), and plain Cloud Run services (revision names generated).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionRecord } from './model.js';
import type { FunctionOptions, ServiceOptions } from './options.js';
import { canonical, newRevisionName, type Runtime, type ServiceRecord, type Template } from './run-model.js';

const DEMO_FUNCTION_SOURCE = fileURLToPath(new URL('./functions/hello.mjs', import.meta.url));
const DEMO_CONTAINER_SCRIPT = fileURLToPath(new URL('./containers/hello-service.mjs', import.meta.url));

const COMPUTE_SA = '100000000000-compute@developer.gserviceaccount.com';

function baseService(project: string, o: FunctionOptions | ServiceOptions, runtime: Runtime, template: Template, managedByFunctions: boolean): ServiceRecord {
  const now = new Date().toISOString();
  const service: ServiceRecord = {
    project,
    location: o.region,
    id: o.name,
    name: `projects/${project}/locations/${o.region}/services/${o.name}`,
    uid: `${o.name}-${Date.now().toString(36)}`,
    uri: '', // set once its front listens
    description: '',
    labels: managedByFunctions ? { 'goog-managed-by': 'cloudfunctions' } : {},
    annotations: {},
    customAudiences: 'customAudiences' in o ? [...o.customAudiences] : [],
    allowUnauthenticated: o.allowUnauthenticated,
    template,
    generation: 1,
    observedGeneration: 1,
    revisions: new Map(),
    revisionCounter: 0,
    latestCreated: '',
    latestReady: '',
    terminal: { state: 'CONDITION_SUCCEEDED', lastTransitionTime: now },
    reconciling: false,
    pendingOperation: null,
    createTime: now,
    updateTime: now,
    runtime,
    idleMs: o.idle,
    deployDelayMs: o.deployDelay,
    deploymentInstanceIdleMs: o.deploymentInstanceIdle ?? o.idle,
    managedByFunctions,
  };
  const first = newRevisionName(service);
  if (managedByFunctions) service.template = canonical({ ...template, revision: first }) as Template;
  service.revisions.set(first, { name: first, template: service.template, createTime: now });
  service.latestCreated = first;
  service.latestReady = first;
  return service;
}

const envList = (env: Record<string, string>) => Object.entries(env).map(([name, value]) => ({ name, value }));

/** The service Cloud Functions created for a function. */
export function functionService(project: string, fn: FunctionOptions, baseDir: string): ServiceRecord {
  const template = canonical({
    serviceAccount: COMPUTE_SA,
    timeout: `${fn.timeoutSeconds}s`,
    maxInstanceRequestConcurrency: fn.maxInstanceRequestConcurrency,
    scaling: { minInstanceCount: fn.minInstanceCount, maxInstanceCount: fn.maxInstanceCount },
    containers: [
      {
        image: `${fn.region}-docker.pkg.dev/${project}/gcf-artifacts/${fn.name}:version_1`,
        env: envList(fn.environment),
        resources: { limits: { cpu: fn.availableCpu, memory: fn.availableMemory }, cpuIdle: true },
      },
    ],
  }) as Template;
  const runtime: Runtime = { kind: 'function', entryPoint: fn.entryPoint, source: fn.source ? path.resolve(baseDir, fn.source) : DEMO_FUNCTION_SOURCE };
  return baseService(project, fn, runtime, template, true);
}

/** A plain Cloud Run service. */
export function plainService(project: string, s: ServiceOptions, baseDir: string): ServiceRecord {
  const template = canonical({
    serviceAccount: COMPUTE_SA,
    timeout: `${s.timeoutSeconds}s`,
    maxInstanceRequestConcurrency: s.maxInstanceRequestConcurrency,
    scaling: { minInstanceCount: s.minInstanceCount, maxInstanceCount: s.maxInstanceCount },
    containers: [
      {
        image: 'us-docker.pkg.dev/cloudrun/container/hello:latest',
        env: envList(s.environment),
        resources: { limits: { cpu: s.cpu, memory: s.memory }, cpuIdle: s.cpuIdle },
        ports: [{ name: 'http1', containerPort: 8080 }],
      },
    ],
  }) as Template;
  const runtime: Runtime = { kind: 'container', script: s.source ? path.resolve(baseDir, s.source) : DEMO_CONTAINER_SCRIPT };
  return baseService(project, s, runtime, template, false);
}

export function functionRecord(project: string, fn: FunctionOptions, service: ServiceRecord): FunctionRecord {
  const now = new Date().toISOString();
  return {
    project,
    location: fn.region,
    id: fn.name,
    name: `projects/${project}/locations/${fn.region}/functions/${fn.name}`,
    service,
    entryPoint: fn.entryPoint,
    eventTrigger: fn.trigger === 'event',
    description: '',
    labels: { 'deployment-tool': 'coldbench-emulator' },
    buildDelayMs: fn.buildDelay,
    builds: 0,
    state: 'ACTIVE',
    createTime: now,
    updateTime: now,
    pendingOperation: null,
  };
}
