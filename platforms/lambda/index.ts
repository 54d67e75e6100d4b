// Local AWS Lambda emulator: the Lambda REST API (Invoke, GetFunction, GetFunctionConfiguration,
// UpdateFunctionConfiguration, PublishVersion, ListVersionsByFunction, DeleteFunction of a version,
// GetFunctionUrlConfig, ListFunctionUrlConfigs, ListFunctions) on 127.0.0.1, with every execution
// environment a real child process that imports the handler module, so Init Duration is a real
// process start + module init (and a SnapStart version's Restore Duration a real start from a V8
// snapshot). Each function also answers HTTP at <endpoint>/lambda-url/<name>/ like a Function URL
// (payload 2.0), SigV4-checked when its AuthType is AWS_IAM. Server behaviour is in server.ts.
//
// Options (target file `emulators: { lambda: {...} }`, or startLocalLambda() in tests):
//   port: 18090            TCP port; 0 (default) = random
//   region: us-east-1      region in ARNs (default us-east-1); accountId: "123456789012" likewise
//   functionsDir: ./fns    folder of handler modules, relative to the target file
//                          (default: the demo functions in platforms/lambda/functions)
//   idleTimeout: 60s       an environment idle this long is reaped (default 60s)
//   updateDuration: 300ms  how long an update stays InProgress, old configuration serving (default 300ms)
//   snapStartDelay: 1s     how long a published SnapStart version stays Pending after its snapshot is built
//   credentials: [{ accessKeyId, secretAccessKey, sessionToken? }]   identities whose SigV4 signatures
//                          the Function URL front accepts (default: coldbench-local / coldbench-local,
//                          the placeholder identity the harness signs with against a local endpoint)
//   signatureWindow: 5m    how far a signature's X-Amz-Date may be from now (AWS: five minutes)
//   createDelay: 1s        how long a function made by CreateFunction stays Pending (default 1s)
//   roleVisibilityDelay: 1s  how long a role made through IAM (POST / on the same port) is not yet
//                          assumable by Lambda (default 1s; IAM is eventually consistent)
//   functions:             one entry per function:
//     - name: hello                  function name (required)
//       handler: hello.handler       <module file without extension>.<export> (required; .mjs or .js)
//       memorySize: 128              MB, reported in REPORT lines (default 128)
//       cpuByMemory: true            init runs with a CPU share proportional to memory (1,769 MB = one
//                                    vCPU, as Lambda allocates it): the init's CPU time is stretched by
//                                    1769/memory, so Init Duration falls as memory rises (default false)
//       timeout: 3                   seconds (default 3); a timed-out environment is killed
//       reservedConcurrency: 10      more concurrent invocations get 429 TooManyRequestsException
//       environment: { KEY: value }  the function's environment variables
//       logFormat: Text              Text (default) or JSON (platform.report records)
//       systemLogLevel: INFO         JSON only: DEBUG, INFO (default) or WARN (hides start and report)
//       applicationLogLevel: INFO    JSON only: TRACE ... FATAL (default INFO)
//       aliases: [live]              qualifiers accepted besides $LATEST (all point at $LATEST)
//       architecture: x86_64         reported in the configuration (x86_64 or arm64)
//       description: "..."
//       snapStart: true              SnapStart ApplyOn PublishedVersions (handler: one .cjs file, built-ins only)
//       kmsKey: { arn, callerAccess: denied }   environment encrypted with a key the caller may not
//                                    use: reads return Environment.Error instead of the variables
//       url: { authType: AWS_IAM, qualifier: live }   the function URL's auth type (default NONE) and alias
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { durationToMs } from '../duration.js';
import { durationInput, portOption } from '../options.js';
import type { EmulatorStarter, RunningEmulator } from '../types.js';
import { withApiKeepAlive } from '../keep-alive.js';
import { EmulatedFunction } from './function.js';
import { APPLICATION_LOG_LEVELS, SYSTEM_LOG_LEVELS } from './logs.js';
import type { EmulatorSettings, FunctionSpec } from './model.js';
import { createLambdaApiServer, isDataPlane, MUTATING_OPERATIONS, type EmulatorStats, type RequestRecord } from './server.js';
import type { SigningCredential } from './sigv4.js';
import { createFunctionsExtension, type FunctionsExtension } from './create-function.js';
import { IamStore } from '../iam/store.js';

export const DEMO_FUNCTIONS_DIR = fileURLToPath(new URL('./functions/', import.meta.url));

const duration = durationInput;

const functionSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, { error: 'expected a function name of letters, digits, - and _' }),
  handler: z.string().regex(/^[\w./-]+\.[A-Za-z_$][\w$]*$/, { error: 'expected <module>.<export>, e.g. hello.handler' }),
  memorySize: z.int().min(128).max(10240).optional(),
  cpuByMemory: z.boolean().optional(),
  timeout: z.int().min(1).max(900).optional(),
  reservedConcurrency: z.int().nonnegative().optional(),
  /** Reported by GetProvisionedConcurrencyConfig for that alias (no environments are kept warm). */
  provisionedConcurrency: z.strictObject({ qualifier: z.string().regex(/^[a-zA-Z0-9-_]+$/), count: z.int().min(1) }).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  logFormat: z.enum(['Text', 'JSON']).optional(),
  aliases: z.array(z.string().regex(/^[a-zA-Z0-9-_]+$/)).optional(),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
  description: z.string().optional(),
  systemLogLevel: z.enum(SYSTEM_LOG_LEVELS).optional(),
  applicationLogLevel: z.enum(APPLICATION_LOG_LEVELS).optional(),
  snapStart: z.boolean().optional(),
  kmsKey: z.strictObject({ arn: z.string().regex(/^arn:aws[a-zA-Z-]*:kms:/, { error: 'expected a KMS key ARN' }).optional(), callerAccess: z.enum(['allowed', 'denied']) }).optional(),
  url: z.strictObject({ authType: z.enum(['AWS_IAM', 'NONE']), qualifier: z.string().regex(/^(\$LATEST|[a-zA-Z0-9-_]+)$/).optional() }).optional(),
});

const credentialSchema = z.strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1).optional() });
/** What the harness signs with against a local endpoint when no AWS identity is configured. */
export const LOCAL_CREDENTIAL: SigningCredential = { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' };

const optionsSchema = z.strictObject({
  port: portOption.optional(),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region like us-east-1' }).optional(),
  accountId: z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit account id' }).optional(),
  functionsDir: z.string().min(1).optional(),
  idleTimeout: duration.optional(),
  updateDuration: duration.optional(),
  snapStartDelay: duration.optional(),
  credentials: z.array(credentialSchema).min(1).optional(),
  signatureWindow: duration.optional(),
  /** How long a function made by CreateFunction stays Pending (default 1s). */
  createDelay: duration.optional(),
  /** How long a role made through the IAM API stays invisible to Lambda (default 1s). */
  roleVisibilityDelay: duration.optional(),
  functions: z.array(functionSchema).min(1, { error: 'expected at least one function' }),
});

export type LambdaEmulatorOptions = z.input<typeof optionsSchema>;

export interface LocalLambda {
  /** http://127.0.0.1:<port>: the `endpoint` for Lambda targets. */
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  functions: Map<string, EmulatedFunction>;
  /** Connections accepted, requests (with their connection), Function URL signature verdicts. */
  stats: EmulatorStats;
  /** UpdateFunctionConfiguration / PublishVersion / DeleteFunction calls (of one function), oldest first. */
  mutatingCalls(functionName?: string): RequestRecord[];
  /** Invoke calls (DryRun excepted) and Function URL requests (of one function), oldest first. */
  dataPlaneRequests(functionName?: string): RequestRecord[];
  /** Roles made through the IAM API (served on the same endpoint). */
  iam: IamStore;
  /** Functions made by CreateFunction, those deleted, and their invocations. */
  extension: FunctionsExtension;
  /** Stop the server and every execution environment; idempotent. */
  stop(): Promise<void>;
}

/** Validate options; throws an Error naming the offending option. */
export function parseLambdaEmulatorOptions(
  options: unknown,
  baseDir: string,
): { settings: Omit<EmulatorSettings, 'snapshotsDir'>; port: number; idleTimeoutMs: number; createDelayMs: number; roleVisibilityDelayMs: number; specs: FunctionSpec[] } {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['emulators', 'lambda', ...(issue?.path ?? [])].map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').slice(1).replaceAll('.[', '[');
    throw new Error(`${where}: ${issue?.message ?? 'invalid option'}`);
  }
  const o = parsed.data;
  const functionsDir = o.functionsDir ? path.resolve(baseDir, o.functionsDir) : DEMO_FUNCTIONS_DIR;
  const names = new Set<string>();
  const specs = o.functions.map((f, i): FunctionSpec => {
    if (names.has(f.name)) throw new Error(`emulators.lambda.functions[${i}].name: duplicate function name ${JSON.stringify(f.name)}`);
    names.add(f.name);
    const moduleName = f.handler.slice(0, f.handler.lastIndexOf('.'));
    const file = ['.mjs', '.js', '.cjs'].map((ext) => path.join(functionsDir, moduleName + ext)).find((candidate) => existsSync(candidate));
    if (!file) throw new Error(`emulators.lambda.functions[${i}].handler: no module ${moduleName}.mjs or ${moduleName}.js in ${functionsDir}`);
    if (f.provisionedConcurrency && !(f.aliases ?? []).includes(f.provisionedConcurrency.qualifier)) {
      throw new Error(`emulators.lambda.functions[${i}].provisionedConcurrency.qualifier: ${JSON.stringify(f.provisionedConcurrency.qualifier)} is not one of the function's aliases`);
    }
    if (f.snapStart && !file.endsWith('.cjs')) {
      throw new Error(`emulators.lambda.functions[${i}].snapStart: the emulator snapshots one CommonJS file using built-in modules only; ${path.basename(file)} is not a .cjs module`);
    }
    const aliases = f.aliases ?? [];
    if (f.url?.qualifier !== undefined && f.url.qualifier !== '$LATEST' && !aliases.includes(f.url.qualifier)) {
      throw new Error(`emulators.lambda.functions[${i}].url.qualifier: ${JSON.stringify(f.url.qualifier)} is not one of the function's aliases`);
    }
    return {
      name: f.name,
      handler: f.handler,
      file,
      memorySize: f.memorySize ?? 128,
      cpuByMemory: f.cpuByMemory ?? false,
      timeout: f.timeout ?? 3,
      reservedConcurrency: f.reservedConcurrency,
      ...(f.provisionedConcurrency ? { provisionedConcurrency: f.provisionedConcurrency } : {}),
      environment: Object.fromEntries(Object.entries(f.environment ?? {}).map(([k, v]) => [k, String(v)])),
      description: f.description ?? '',
      logging: { format: f.logFormat ?? 'Text', systemLevel: f.systemLogLevel ?? 'INFO', applicationLevel: f.applicationLogLevel ?? 'INFO' },
      architecture: f.architecture ?? 'x86_64',
      aliases,
      snapStart: f.snapStart ?? false,
      ...(f.kmsKey?.arn !== undefined ? { kmsKeyArn: f.kmsKey.arn } : {}),
      kmsCallerDenied: f.kmsKey?.callerAccess === 'denied',
      url: { authType: f.url?.authType ?? 'NONE', ...(f.url?.qualifier !== undefined && f.url.qualifier !== '$LATEST' ? { qualifier: f.url.qualifier } : {}) },
    };
  });
  return {
    settings: {
      region: o.region ?? 'us-east-1',
      accountId: o.accountId ?? '123456789012',
      updateDurationMs: o.updateDuration !== undefined ? durationToMs(o.updateDuration) : 300,
      snapStartDelayMs: o.snapStartDelay !== undefined ? durationToMs(o.snapStartDelay) : 1000,
      credentials: new Map((o.credentials ?? [LOCAL_CREDENTIAL]).map((c) => [c.accessKeyId, c])),
      signatureWindowMs: o.signatureWindow !== undefined ? durationToMs(o.signatureWindow) : 5 * 60_000,
    },
    port: o.port ?? 0,
    idleTimeoutMs: o.idleTimeout !== undefined ? durationToMs(o.idleTimeout) : 60_000,
    createDelayMs: o.createDelay !== undefined ? durationToMs(o.createDelay) : 1_000,
    roleVisibilityDelayMs: o.roleVisibilityDelay !== undefined ? durationToMs(o.roleVisibilityDelay) : 1_000,
    specs,
  };
}

/** Start the emulator on 127.0.0.1 (tests call this directly). */
export async function startLocalLambda(options: LambdaEmulatorOptions, baseDir = process.cwd()): Promise<LocalLambda> {
  const parsed = parseLambdaEmulatorOptions(options, baseDir);
  const { port, idleTimeoutMs, createDelayMs, roleVisibilityDelayMs, specs } = parsed;
  const settings: EmulatorSettings = { ...parsed.settings, snapshotsDir: mkdtempSync(path.join(os.tmpdir(), 'coldbench-lambda-snapshots-')) };
  const functions = new Map(specs.map((spec) => [spec.name, new EmulatedFunction(spec, settings)]));
  const stats: EmulatorStats = { connectionsAccepted: 0, requests: [], urlSignatures: { accepted: 0, refused: 0 } };
  const iam = new IamStore(settings.accountId, roleVisibilityDelayMs);
  const extension = createFunctionsExtension(functions, settings, iam, createDelayMs);
  const server = withApiKeepAlive(createLambdaApiServer(functions, settings, stats, extension.route));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      rmSync(settings.snapshotsDir, { recursive: true, force: true });
      reject(new Error(err.code === 'EADDRINUSE' ? `emulators.lambda.port: port ${port} is already in use` : `lambda emulator could not listen: ${err.message}`));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const reaper = setInterval(() => {
    for (const fn of functions.values()) fn.reap(idleTimeoutMs);
  }, Math.max(50, Math.min(1000, idleTimeoutMs / 4)));
  reaper.unref();
  const actualPort = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    region: settings.region,
    accountId: settings.accountId,
    functions,
    stats,
    mutatingCalls: (name) => stats.requests.filter((r) => MUTATING_OPERATIONS.has(r.operation) && (name === undefined || r.function === name)),
    dataPlaneRequests: (name) => stats.requests.filter((r) => isDataPlane(r) && (name === undefined || r.function === name)),
    iam,
    extension,
    stop() {
      stopping ??= (async () => {
        clearInterval(reaper);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([...functions.values()].map((fn) => fn.stop()));
        await extension.stop();
        await closed;
        rmSync(settings.snapshotsDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Fake credentials and the SDK's Node-version warning switch, set only where the user set nothing. */
export function lambdaEmulatorEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
    out.AWS_ACCESS_KEY_ID = 'coldbench-local';
    out.AWS_SECRET_ACCESS_KEY = 'coldbench-local';
  }
  return out;
}

export const startLambdaEmulator: EmulatorStarter = async (options, ctx): Promise<RunningEmulator> => {
  const lambda = await startLocalLambda(options as LambdaEmulatorOptions, ctx.baseDir);
  return {
    name: 'lambda',
    env: lambdaEmulatorEnv(),
    description: `lambda emulator at ${lambda.endpoint} (${[...lambda.functions.keys()].join(', ')})`,
    stop: () => lambda.stop(),
  };
};
