// Local AWS Lambda emulator: the Lambda REST API (Invoke, GetFunction, GetFunctionConfiguration,
// UpdateFunctionConfiguration, ListFunctions) on 127.0.0.1, with every execution environment a real
// child process that imports the handler module, so Init Duration is a real process start + module init.
// Each function also answers HTTP at <endpoint>/lambda-url/<name>/ like a Function URL (payload 2.0),
// for targets with `url:` whose warm phase is plain HTTP load.
//
// Options (target file `emulators: { lambda: {...} }`, or startLocalLambda() in tests):
//   port: 18090            TCP port; 0 (default) = random
//   region: us-east-1      region in ARNs (default us-east-1); accountId: "123456789012" likewise
//   functionsDir: ./fns    folder of handler modules, relative to the target file
//                          (default: the demo functions in platforms/lambda/functions)
//   idleTimeout: 60s       an environment idle this long is reaped (default 60s)
//   updateDuration: 300ms  how long an update stays InProgress, old configuration serving (default 300ms)
//   createDelay: 1s        how long a function made by CreateFunction stays Pending (default 1s)
//   roleVisibilityDelay: 1s  how long a role made through IAM (POST / on the same port) is not yet
//                          assumable by Lambda (default 1s; IAM is eventually consistent)
//   functions:             one entry per function:
//     - name: hello                  function name (required)
//       handler: hello.handler       <module file without extension>.<export> (required; .mjs or .js)
//       memorySize: 128              MB, reported in REPORT lines (default 128)
//       timeout: 3                   seconds (default 3); a timed-out environment is killed
//       reservedConcurrency: 10      more concurrent invocations get 429 TooManyRequestsException
//       environment: { KEY: value }  the function's environment variables
//       logFormat: Text              Text (default) or JSON (platform.report records)
//       aliases: [live]              qualifiers accepted besides $LATEST (all point at $LATEST)
//       architecture: x86_64         reported in the configuration (x86_64 or arm64)
//       description: "..."
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { durationToMs } from '../duration.js';
import { durationInput, portOption } from '../options.js';
import type { EmulatorStarter, RunningEmulator } from '../types.js';
import { EmulatedFunction, type EmulatorSettings, type FunctionSpec } from './function.js';
import { createLambdaApiServer } from './server.js';
import { createFunctionsExtension, type FunctionsExtension } from './create-function.js';
import { IamStore } from '../iam/store.js';

export const DEMO_FUNCTIONS_DIR = fileURLToPath(new URL('./functions/', import.meta.url));

const duration = durationInput;

const functionSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, { error: 'expected a function name of letters, digits, - and _' }),
  handler: z.string().regex(/^[\w./-]+\.[A-Za-z_$][\w$]*$/, { error: 'expected <module>.<export>, e.g. hello.handler' }),
  memorySize: z.int().min(128).max(10240).optional(),
  timeout: z.int().min(1).max(900).optional(),
  reservedConcurrency: z.int().nonnegative().optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  logFormat: z.enum(['Text', 'JSON']).optional(),
  aliases: z.array(z.string().regex(/^[a-zA-Z0-9-_]+$/)).optional(),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
  description: z.string().optional(),
});

const optionsSchema = z.strictObject({
  port: portOption.optional(),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region like us-east-1' }).optional(),
  accountId: z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit account id' }).optional(),
  functionsDir: z.string().min(1).optional(),
  idleTimeout: duration.optional(),
  updateDuration: duration.optional(),
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
): { settings: EmulatorSettings; port: number; idleTimeoutMs: number; createDelayMs: number; roleVisibilityDelayMs: number; specs: FunctionSpec[] } {
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
    return {
      name: f.name,
      handler: f.handler,
      file,
      memorySize: f.memorySize ?? 128,
      timeout: f.timeout ?? 3,
      reservedConcurrency: f.reservedConcurrency,
      environment: Object.fromEntries(Object.entries(f.environment ?? {}).map(([k, v]) => [k, String(v)])),
      description: f.description ?? '',
      logFormat: f.logFormat ?? 'Text',
      architecture: f.architecture ?? 'x86_64',
      aliases: f.aliases ?? [],
    };
  });
  return {
    settings: {
      region: o.region ?? 'us-east-1',
      accountId: o.accountId ?? '123456789012',
      updateDurationMs: o.updateDuration !== undefined ? durationToMs(o.updateDuration) : 300,
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
  const { settings, port, idleTimeoutMs, createDelayMs, roleVisibilityDelayMs, specs } = parseLambdaEmulatorOptions(options, baseDir);
  const functions = new Map(specs.map((spec) => [spec.name, new EmulatedFunction(spec, settings)]));
  const iam = new IamStore(settings.accountId, roleVisibilityDelayMs);
  const extension = createFunctionsExtension(functions, settings, iam, createDelayMs);
  const server = createLambdaApiServer(functions, settings, extension.route);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `emulators.lambda.port: port ${port} is already in use` : `lambda emulator could not listen: ${err.message}`)),
    );
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
