// Local Google Cloud Functions (2nd gen) emulator for the demo and the tests. Three loopback
// servers, as Google has three endpoints:
// - the v2 REST API (get/list/update functions, operations), for @google-cloud/functions;
// - a metadata server, so google-auth-library's Application Default Credentials and ID tokens
//   work offline (env: GCE_METADATA_HOST, METADATA_SERVER_DETECTION=assume-present);
// - the function front (`http://127.0.0.1:<functionsPort>/<function>`): checks ID tokens and runs
//   each function in real Functions Framework processes, started on demand, reaped when idle,
//   replaced when an update deploys a new revision.
//
// Options (target file `emulators: { cloud-functions: {...} }`):
//   port (API, 0 = random), metadataPort, functionsPort, project (default coldbench-local),
//   tokenTtl (default 1h), startTimeout (default 15s),
//   functions: [{ name, region, entryPoint (default hello), source (default: the demo function;
//     relative to the target file), idle (2s), deployDelay (300ms), allowUnauthenticated (false),
//     environment {}, availableMemory (256M), availableCpu ("0.1666"), timeoutSeconds (60),
//     maxInstanceCount (100), maxInstanceRequestConcurrency (1) }]
// Test hooks (tests start the emulator in their own process): injectUpdateFailures,
// holdOperations (operations stay pending until released), pendingOperation, updateRequests.
import http from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { durationMs, portOption } from '../options.js';
import type { EmulatorContext, EmulatorStarter, RunningEmulator } from '../types.js';
import { withApiKeepAlive } from '../keep-alive.js';
import { createApiServer } from './api-server.js';
import { FunctionFront, type FunctionStats } from './front.js';
import { createMetadataServer } from './metadata-server.js';
import { FunctionStore, revisionName, type FunctionRecord, type UpdateRequestRecord } from './model.js';
import { TokenAuthority } from './tokens.js';

export const DEMO_FUNCTION_SOURCE = fileURLToPath(new URL('./functions/hello.mjs', import.meta.url));

const duration = durationMs;
const port = portOption;

const functionSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { error: 'expected a function id (lower-case letters, digits, hyphens)' }),
  region: z.string().min(1).default('us-central1'),
  entryPoint: z.string().min(1).default('hello'),
  source: z.string().min(1).optional(),
  idle: duration.default(2000),
  deployDelay: duration.default(300),
  allowUnauthenticated: z.boolean().default(false),
  environment: z.record(z.string(), z.string()).default({}),
  availableMemory: z.string().default('256M'),
  availableCpu: z.string().default('0.1666'),
  timeoutSeconds: z.int().positive().default(60),
  maxInstanceCount: z.int().positive().default(100),
  maxInstanceRequestConcurrency: z.int().positive().default(1),
});

const optionsSchema = z.strictObject({
  port: port.default(0),
  metadataPort: port.default(0),
  functionsPort: port.default(0),
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'expected a project id like my-project-123' }).default('coldbench-local'),
  tokenTtl: duration.default(3_600_000),
  startTimeout: duration.default(15_000),
  functions: z.array(functionSchema).min(1, { error: 'expected at least one function' }),
});

export type CloudFunctionsEmulatorOptions = z.input<typeof optionsSchema>;

export interface CloudFunctionsEmulator extends RunningEmulator {
  project: string;
  /** `http://127.0.0.1:<port>`: the target's `apiEndpoint`. */
  apiEndpoint: string;
  /** `127.0.0.1:<port>`: GCE_METADATA_HOST. */
  metadataHost: string;
  env: Record<string, string>;
  /** The URL (serviceConfig.uri) of a function. */
  functionUrl(functionId: string): string;
  /** Current environment variables of a function, as the API has them. */
  environmentOf(functionId: string): Record<string, string>;
  revisionOf(functionId: string): string;
  stats(functionId: string): FunctionStats;
  liveInstances(functionId: string): number;
  /** The next `count` updates of the function fail (the operation ends with an error). */
  injectUpdateFailures(functionId: string, count: number): void;
  /** Operations on the function started from now on stay pending until release() is called. */
  holdOperations(functionId: string): () => void;
  /** Name of the function's operation in progress, or null. */
  pendingOperation(functionId: string): string | null;
  /** Every update request for the function so far, oldest first: what it set and whether it started an operation. */
  updateRequests(functionId: string): UpdateRequestRecord[];
  /** Audiences of every ID token the metadata server issued. */
  issuedAudiences(): readonly string[];
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

/** Validate options: an Error names the bad option (`emulators.cloud-functions.functions[0].idle: ...`). */
export function parseCloudFunctionsOptions(raw: unknown) {
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new Error(`emulators.cloud-functions${where}: ${issue?.message ?? 'invalid options'}`);
  }
  return parsed.data;
}

export async function startCloudFunctions(raw: CloudFunctionsEmulatorOptions, ctx: Partial<EmulatorContext> = {}): Promise<CloudFunctionsEmulator> {
  const options = parseCloudFunctionsOptions(raw);
  const baseDir = ctx.baseDir ?? process.cwd();
  const seen = new Set<string>();
  options.functions.forEach((fn, index) => {
    if (seen.has(fn.name)) throw new Error(`emulators.cloud-functions.functions[${index}].name: function ${JSON.stringify(fn.name)} is defined twice`);
    seen.add(fn.name);
    if (fn.source && !existsSync(path.resolve(baseDir, fn.source))) {
      throw new Error(`emulators.cloud-functions.functions[${index}].source: file not found: ${path.resolve(baseDir, fn.source)}`);
    }
  });

  const authority = new TokenAuthority(Math.max(1, Math.round(options.tokenTtl / 1000)));
  const store = new FunctionStore();
  const api = withApiKeepAlive(createApiServer(store, authority));
  const metadata = withApiKeepAlive(createMetadataServer({ project: options.project, authority }));
  const servers: http.Server[] = [api, metadata];
  let front: FunctionFront | null = null;
  try {
    const apiPort = await listen(api, options.port, 'v2 API');
    const metadataPort = await listen(metadata, options.metadataPort, 'metadata server');
    const metadataHost = `127.0.0.1:${metadataPort}`;
    front = new FunctionFront({
      store,
      authority,
      // Instances get a metadata server too, as on Google.
      platformEnv: { GCE_METADATA_HOST: metadataHost, METADATA_SERVER_DETECTION: 'assume-present', GOOGLE_CLOUD_PROJECT: options.project },
      startTimeoutMs: options.startTimeout,
    });
    servers.push(front.server);
    // Listening first: the function URLs need the front's port.
    const functionsPort = await listen(front.server, options.functionsPort, 'function front');

    const now = new Date().toISOString();
    for (const fn of options.functions) {
      const record: FunctionRecord = {
        project: options.project,
        location: fn.region,
        id: fn.name,
        name: `projects/${options.project}/locations/${fn.region}/functions/${fn.name}`,
        entryPoint: fn.entryPoint,
        source: fn.source ? path.resolve(baseDir, fn.source) : DEMO_FUNCTION_SOURCE,
        uri: `http://127.0.0.1:${functionsPort}/${fn.name}`,
        allowUnauthenticated: fn.allowUnauthenticated,
        idleMs: fn.idle,
        deployDelayMs: fn.deployDelay,
        config: {
          description: '',
          labels: { 'deployment-tool': 'coldbench-emulator' },
          environmentVariables: { ...fn.environment },
          availableMemory: fn.availableMemory,
          availableCpu: fn.availableCpu,
          timeoutSeconds: fn.timeoutSeconds,
          minInstanceCount: 0,
          maxInstanceCount: fn.maxInstanceCount,
          maxInstanceRequestConcurrency: fn.maxInstanceRequestConcurrency,
        },
        state: 'ACTIVE',
        revisionNumber: 1,
        revision: revisionName(fn.name, 1),
        createTime: now,
        updateTime: now,
        pendingOperation: null,
      };
      store.add(record);
    }

    const functionsUrl = `http://127.0.0.1:${functionsPort}/`;
    const apiEndpoint = `http://127.0.0.1:${apiPort}`;
    const frontRef = front;
    const record = (id: string): FunctionRecord => {
      const fn = store.byId(id);
      if (!fn) throw new Error(`no function ${id} in the cloud-functions emulator`);
      return fn;
    };
    let stopped = false;
    return {
      name: 'cloud-functions',
      project: options.project,
      apiEndpoint,
      metadataHost,
      env: {
        GCE_METADATA_HOST: metadataHost,
        METADATA_SERVER_DETECTION: 'assume-present',
        GOOGLE_CLOUD_PROJECT: options.project,
      },
      description: `Cloud Functions v2 API on ${apiEndpoint}, metadata server on ${metadataHost}, functions on ${functionsUrl} (${options.functions.map((f) => f.name).join(', ')})`,
      functionUrl: (id) => record(id).uri,
      environmentOf: (id) => ({ ...record(id).config.environmentVariables }),
      revisionOf: (id) => record(id).revision,
      stats: (id) => frontRef.stats(id),
      liveInstances: (id) => frontRef.liveInstances(id),
      injectUpdateFailures: (id, count) => store.injectUpdateFailures(record(id).name, count),
      holdOperations: (id) => store.holdOperations(record(id).name),
      pendingOperation: (id) => record(id).pendingOperation,
      updateRequests: (id) => store.updateRequests.filter((u) => u.function === record(id).name).map((u) => ({ ...u })),
      issuedAudiences: () => authority.issuedAudiences,
      async stop() {
        if (stopped) return;
        stopped = true;
        await frontRef.stop();
        await Promise.all([close(api), close(metadata)]);
      },
    };
  } catch (err) {
    await front?.stop();
    await Promise.all(servers.map(close));
    throw err;
  }
}

export const startCloudFunctionsEmulator: EmulatorStarter = (options, ctx) => startCloudFunctions(options as CloudFunctionsEmulatorOptions, ctx);
