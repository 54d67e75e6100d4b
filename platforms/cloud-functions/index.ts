// Local Google Cloud emulator (Cloud Functions 2nd gen and Cloud Run) for the demo and the tests:
// - one API port serving the Cloud Functions v2 API and the Cloud Run Admin API v2 (a target's
//   `apiEndpoint` overrides both client libraries' endpoints), for @google-cloud/functions and
//   @google-cloud/run;
// - a metadata server, so google-auth-library's Application Default Credentials and ID tokens
//   work offline (env: GCE_METADATA_HOST, METADATA_SERVER_DETECTION=assume-present);
// - one origin per service (`http://127.0.0.1:<port>`): a v2 function is a Cloud Run service whose
//   instances are real Functions Framework processes; a plain service runs a container script.
//   Fronts check ID tokens (audience: the service URL's origin), start instances on demand, run
//   up to maxInstanceRequestConcurrency requests per instance, scale to zero when idle, and start
//   an instance when a revision is deployed (front.ts).
// A Functions-API update builds (buildDelay, counted) before it deploys; a Cloud Run API update
// deploys the same image at once.
//
// Options (target file `emulators: { cloud-functions: {...} }`, see options.ts):
//   port (API), metadataPort, project (coldbench-local), tokenTtl (1h), startTimeout (15s),
//   permissions (roles and permissions of the metadata server's service account; absent: all),
//   functions: [{ name, region, port, entryPoint (hello), source (the demo function), idle (2s),
//     deployDelay (300ms), buildDelay (20s), deploymentInstanceIdle (= idle), trigger (http | event),
//     allowUnauthenticated, environment, availableMemory (256M), availableCpu ("0.1666"),
//     timeoutSeconds (60), minInstanceCount (0), maxInstanceCount (100), maxInstanceRequestConcurrency (1) }]
//   services: [{ name, region, port, source (the demo container: a script listening on $PORT),
//     idle, deployDelay, deploymentInstanceIdle, allowUnauthenticated, environment, memory (512Mi),
//     cpu ("1"), cpuIdle (true), timeoutSeconds (300), minInstanceCount, maxInstanceCount,
//     maxInstanceRequestConcurrency (80), customAudiences ([]) }]
// Test hooks: see CloudFunctionsEmulator below.
import http from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { EmulatorContext, EmulatorStarter, RunningEmulator } from '../types.js';
import { withApiKeepAlive } from '../keep-alive.js';
import { createApiServer } from './api-server.js';
import type { ServiceStats } from './front.js';
import type { IamFault } from './grants.js';
import { createMetadataServer } from './metadata-server.js';
import type { ServiceUpdateRecord, UpdateRequestRecord } from './model.js';
import { parseCloudFunctionsOptions, type CloudFunctionsEmulatorOptions } from './options.js';
import { GooglePlatform } from './platform.js';
import { templateEnv, type ServiceRecord, type Template } from './run-model.js';
import { functionRecord, functionService, plainService } from './records.js';
import { SERVICE_ACCOUNT_EMAIL, TokenAuthority } from './tokens.js';

export { parseCloudFunctionsOptions, type CloudFunctionsEmulatorOptions };

export interface CloudFunctionsEmulator extends RunningEmulator {
  project: string;
  /** `http://127.0.0.1:<port>`: the target's `apiEndpoint` (both APIs). */
  apiEndpoint: string;
  /** `127.0.0.1:<port>`: GCE_METADATA_HOST. */
  metadataHost: string;
  env: Record<string, string>;
  /** The URL (serviceConfig.uri / service uri, an origin) of a function or service. */
  functionUrl(id: string): string;
  serviceUrl(id: string): string;
  /** Current environment variables of a function's or service's template. */
  environmentOf(id: string): Record<string, string>;
  /** The service template as the Cloud Run API holds it (a copy). */
  templateOf(id: string): Template;
  /** The latest ready revision (short name). */
  revisionOf(id: string): string;
  /** Revisions the service has (short names, oldest first). */
  revisionsOf(id: string): string[];
  /** Cloud Builds a function's updates started. */
  builds(id: string): number;
  stats(id: string): ServiceStats;
  /** API calls that change something (any method but GET, less the read-only testIamPermissions), oldest first. */
  mutatingCalls(): Array<{ method: string; path: string }>;
  /** Requests that reached any function's or service's URL (the data plane). */
  dataPlaneRequests(): number;
  liveInstances(id: string): number;
  /** The next `count` deployments of the function's / service's revisions fail to start. */
  injectUpdateFailures(id: string, count: number): void;
  /** Operations (either API) on the service started from now on stay pending until release(). */
  holdOperations(id: string): () => void;
  /** Name of the operation in progress on the function or its service, or null. */
  pendingOperation(id: string): string | null;
  /** Functions-API update requests for the function, oldest first. */
  updateRequests(id: string): UpdateRequestRecord[];
  /** Cloud Run API update requests for the service, oldest first. */
  serviceUpdates(id: string): ServiceUpdateRecord[];
  /** Audiences of every ID token the metadata server issued. */
  issuedAudiences(): readonly string[];
  /** What the metadata server's service account holds from now on (roles, permissions; null: all). */
  grantPermissions(granted: readonly string[] | null): void;
  /** From now on every testIamPermissions / getIamPolicy call fails with this (null: they work). */
  failIamChecks(fault: IamFault | null): void;
}

function listen(server: http.Server, requested: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cloud-functions emulator: cannot listen for the ${what} on 127.0.0.1:${requested}: ${err.message}`)));
    server.listen(requested, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : requested);
    });
  });
}

function close(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startCloudFunctions(raw: CloudFunctionsEmulatorOptions, ctx: Partial<EmulatorContext> = {}): Promise<CloudFunctionsEmulator> {
  const options = parseCloudFunctionsOptions(raw);
  const baseDir = ctx.baseDir ?? process.cwd();
  const seen = new Set<string>();
  const check = (list: 'functions' | 'services', entries: Array<{ name: string; source?: string | undefined }>) =>
    entries.forEach((entry, index) => {
      if (seen.has(entry.name)) throw new Error(`emulators.cloud-functions.${list}[${index}].name: ${JSON.stringify(entry.name)} is defined twice (a function is a service of the same name)`);
      seen.add(entry.name);
      if (entry.source && !existsSync(path.resolve(baseDir, entry.source))) {
        throw new Error(`emulators.cloud-functions.${list}[${index}].source: file not found: ${path.resolve(baseDir, entry.source)}`);
      }
    });
  check('functions', options.functions);
  check('services', options.services);

  const authority = new TokenAuthority(Math.max(1, Math.round(options.tokenTtl / 1000)));
  authority.grant(SERVICE_ACCOUNT_EMAIL, options.permissions ?? null);
  const metadata = withApiKeepAlive(createMetadataServer({ project: options.project, authority }));
  const servers: http.Server[] = [metadata];
  let platform: GooglePlatform | null = null;
  try {
    const metadataPort = await listen(metadata, options.metadataPort, 'metadata server');
    const metadataHost = `127.0.0.1:${metadataPort}`;
    const live = new GooglePlatform({
      authority,
      // Instances get a metadata server too, as on Google.
      platformEnv: { GCE_METADATA_HOST: metadataHost, METADATA_SERVER_DETECTION: 'assume-present', GOOGLE_CLOUD_PROJECT: options.project },
      startTimeoutMs: options.startTimeout,
    });
    platform = live;
    const api = withApiKeepAlive(createApiServer(live, authority));
    servers.push(api);
    const apiPort = await listen(api, options.port, 'Google APIs');
    const addService = async (service: ServiceRecord, port: number) => {
      const front = live.addService(service);
      const bound = await listen(front.server, port, `service ${service.id}`);
      service.uri = `http://127.0.0.1:${bound}`;
      return service;
    };
    for (const fn of options.functions) {
      const service = await addService(functionService(options.project, fn, baseDir), fn.port);
      live.addFunction(functionRecord(options.project, fn, service));
    }
    for (const s of options.services) await addService(plainService(options.project, s, baseDir), s.port);
    const service = (id: string): ServiceRecord => {
      const s = live.serviceById(id);
      if (!s) throw new Error(`no function or service ${id} in the cloud-functions emulator`);
      return s;
    };
    const apiEndpoint = `http://127.0.0.1:${apiPort}`;
    let stopped = false;
    return {
      name: 'cloud-functions',
      project: options.project,
      apiEndpoint,
      metadataHost,
      env: { GCE_METADATA_HOST: metadataHost, METADATA_SERVER_DETECTION: 'assume-present', GOOGLE_CLOUD_PROJECT: options.project },
      description: `Cloud Functions v2 and Cloud Run Admin v2 APIs on ${apiEndpoint}, metadata server on ${metadataHost}, ${[...live.services.values()]
        .map((s) => `${s.id} on ${s.uri}`)
        .join(', ')}`,
      functionUrl: (id) => service(id).uri,
      serviceUrl: (id) => service(id).uri,
      environmentOf: (id) => templateEnv(service(id).template),
      templateOf: (id) => structuredClone(service(id).template),
      revisionOf: (id) => service(id).latestReady,
      revisionsOf: (id) => [...service(id).revisions.keys()],
      builds: (id) => live.functionById(id)?.builds ?? 0,
      stats: (id) => live.front(service(id)).stats,
      mutatingCalls: () => live.apiCalls.filter((c) => c.method !== 'GET' && !c.path.endsWith(':testIamPermissions')).map((c) => ({ ...c })),
      dataPlaneRequests: () => live.allFronts().reduce((sum, f) => sum + f.stats.received, 0),
      liveInstances: (id) => live.front(service(id)).liveInstances,
      injectUpdateFailures: (id, count) => live.injectDeploymentFailures(service(id), count),
      holdOperations: (id) => live.holdOperations(service(id)),
      pendingOperation: (id) => live.functionById(id)?.pendingOperation ?? service(id).pendingOperation,
      updateRequests: (id) => live.functionUpdates.filter((u) => u.function === live.functionById(id)?.name).map((u) => ({ ...u })),
      serviceUpdates: (id) => live.serviceUpdates.filter((u) => u.service === service(id).name).map((u) => structuredClone(u)),
      issuedAudiences: () => authority.issuedAudiences,
      grantPermissions: (granted) => authority.grant(SERVICE_ACCOUNT_EMAIL, granted),
      failIamChecks: (fault) => {
        live.iamFault = fault;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await live.stop();
        await Promise.all(servers.map(close));
      },
    };
  } catch (err) {
    await platform?.stop();
    await Promise.all(servers.map(close));
    throw err;
  }
}

export const startCloudFunctionsEmulator: EmulatorStarter = (options, ctx) => startCloudFunctions(options as CloudFunctionsEmulatorOptions, ctx);
