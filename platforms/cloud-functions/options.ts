// Options of the Google emulator (`emulators: { cloud-functions: {...} }`), validated with an error
// naming the bad option (`emulators.cloud-functions.functions[0].idle: ...`).
import { z } from 'zod';
import { durationMs, portOption } from '../options.js';
import { unknownRole } from './grants.js';

const id = z.string().regex(/^[a-z][a-z0-9-]{0,48}$/, { error: 'expected a lower-case name (letters, digits, hyphens)' });
const env = z.record(z.string(), z.string()).default({});

const common = {
  name: id,
  region: z.string().min(1).default('us-central1'),
  /** Port of its own origin (`http://127.0.0.1:<port>`); 0 = random. */
  port: portOption.default(0),
  idle: durationMs.default(2000),
  deployDelay: durationMs.default(300),
  /** How long the instance a deployment starts waits for a request before it stops (default: idle). */
  deploymentInstanceIdle: durationMs.optional(),
  allowUnauthenticated: z.boolean().default(false),
  environment: env,
  minInstanceCount: z.int().nonnegative().default(0),
  maxInstanceCount: z.int().positive().default(100),
};

const functionSchema = z.strictObject({
  ...common,
  entryPoint: z.string().min(1).default('hello'),
  source: z.string().min(1).optional(),
  /** Every Functions-API update runs a Cloud Build this long before it deploys (minutes on Google). */
  buildDelay: durationMs.default(20_000),
  trigger: z.enum(['http', 'event']).default('http'),
  availableMemory: z.string().default('256M'),
  availableCpu: z.string().default('0.1666'),
  timeoutSeconds: z.int().positive().default(60),
  maxInstanceRequestConcurrency: z.int().positive().default(1),
});

const serviceSchema = z.strictObject({
  ...common,
  /** A Node script that listens on $PORT (default: the demo container). */
  source: z.string().min(1).optional(),
  memory: z.string().default('512Mi'),
  cpu: z.string().default('1'),
  /** CPU only while serving requests (request-based billing). */
  cpuIdle: z.boolean().default(true),
  timeoutSeconds: z.int().positive().default(300),
  maxInstanceRequestConcurrency: z.int().positive().max(1000).default(80),
  customAudiences: z.array(z.string().min(1)).default([]),
});

export const optionsSchema = z
  .strictObject({
    port: portOption.default(0),
    metadataPort: portOption.default(0),
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'expected a project id like my-project-123' }).default('coldbench-local'),
    tokenTtl: durationMs.default(3_600_000),
    /** Roles (roles/run.viewer) and permissions (run.services.get) the metadata server's service
     *  account holds on the project; absent: everything (a project owner). */
    permissions: z
      .array(z.string().min(1))
      .refine((granted) => unknownRole(granted) === undefined, { error: (issue) => `unknown role ${String(unknownRole(issue.input as string[]))} (known: roles/owner, roles/run.developer, roles/run.viewer, roles/run.invoker, roles/cloudfunctions.developer, roles/cloudfunctions.viewer, ...)` })
      .optional(),
    startTimeout: durationMs.default(15_000),
    functions: z.array(functionSchema).default([]),
    services: z.array(serviceSchema).default([]),
  })
  .refine((o) => o.functions.length + o.services.length > 0, { error: 'expected at least one function or service', path: ['functions'] });

export type CloudFunctionsEmulatorOptions = z.input<typeof optionsSchema>;
export type ParsedOptions = z.output<typeof optionsSchema>;
export type FunctionOptions = ParsedOptions['functions'][number];
export type ServiceOptions = ParsedOptions['services'][number];

/** Validate options: an Error names the bad option (`emulators.cloud-functions.functions[0].idle: ...`). */
export function parseCloudFunctionsOptions(raw: unknown): ParsedOptions {
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new Error(`emulators.cloud-functions${where}: ${issue?.message ?? 'invalid options'}`);
  }
  return parsed.data;
}
