// Google fixtures: the local emulator (Cloud Functions v2 and Cloud Run Admin v2 APIs on one port,
// real Functions Framework / container instances, metadata server) wired into process.env so
// google-auth-library's ADC finds it, plus targets and an adapter context for calling the adapters
// directly.
import { parseTargetFile } from '../../bench/config/load.js';
import type { CloudFunctionTarget, CloudRunTarget } from '../../bench/config/schema.js';
import type { AdapterContext } from '../../bench/adapters/types.js';
import type { Journal, JournalEntry } from '../../bench/journal.js';
import {
  startCloudFunctions,
  type CloudFunctionsEmulator,
  type CloudFunctionsEmulatorOptions,
} from '../../platforms/cloud-functions/index.js';

export { startCloudFunctions, type CloudFunctionsEmulator, type CloudFunctionsEmulatorOptions };

export const TEST_REGION = 'local-east1';

/** The instance a deployment starts stays this long without a request (then a request is cold). */
export const DEPLOYMENT_INSTANCE_IDLE = '300ms';
/** cold.idle of update-config targets: longer than DEPLOYMENT_INSTANCE_IDLE. */
export const SETTLE = '800ms';

/** Start the emulator with one function `hello` (unless `functions` is given) and export its env. */
export async function startCloudFunctionsForTest(options: Partial<CloudFunctionsEmulatorOptions> = {}): Promise<CloudFunctionsEmulator> {
  const emulator = await startCloudFunctions({
    functions: [
      { name: 'hello', region: TEST_REGION, idle: '30s', deployDelay: '100ms', buildDelay: '1s', deploymentInstanceIdle: DEPLOYMENT_INSTANCE_IDLE, environment: { GREETING: 'hi', API_KEY: 's3cret-value-123' } },
    ],
    ...options,
  });
  Object.assign(process.env, emulator.env);
  return emulator;
}

/** A cloud-function target, validated and normalised by the real target-file loader. */
export function cloudFunctionTarget(emulator: CloudFunctionsEmulator, extra: Record<string, unknown> = {}, fn = 'hello'): CloudFunctionTarget {
  const target = {
    name: `gcf-${fn}`,
    kind: 'cloud-function',
    project: emulator.project,
    region: TEST_REGION,
    function: fn,
    apiEndpoint: emulator.apiEndpoint,
    cold: { samples: 3, strategy: 'update-config', instanceHeader: 'x-instance-id', instanceUptimeHeader: 'x-instance-uptime-ms', idle: SETTLE, waitTimeout: '20s' },
    ...extra,
  };
  const config = parseTargetFile(JSON.stringify({ targets: [target] }), 'test.json', '/tmp/test.json');
  return config.targets[0] as CloudFunctionTarget;
}

/** A cloud-run target for a service of the emulator, validated and normalised by the real loader. */
export function cloudRunTarget(emulator: CloudFunctionsEmulator, service: string, extra: Record<string, unknown> = {}): CloudRunTarget {
  const target = {
    name: `run-${service}`,
    kind: 'cloud-run',
    project: emulator.project,
    region: TEST_REGION,
    service,
    apiEndpoint: emulator.apiEndpoint,
    cold: { samples: 3, strategy: 'update-config', instanceHeader: 'x-instance-id', instanceUptimeHeader: 'x-instance-uptime-ms', idle: SETTLE, waitTimeout: '20s' },
    ...extra,
  };
  const config = parseTargetFile(JSON.stringify({ targets: [target] }), 'test.json', '/tmp/test.json');
  return config.targets[0] as CloudRunTarget;
}

export interface TestContext extends AdapterContext {
  abort: AbortController;
  entries: JournalEntry[];
  restored: string[];
  lines: string[];
}

/** An adapter context with an in-memory journal and log. */
export function testContext(timeoutMs = 10_000): TestContext {
  const abort = new AbortController();
  const entries: JournalEntry[] = [];
  const restored: string[] = [];
  const lines: string[] = [];
  const journal: Journal = {
    begin: (entry) => void entries.push(structuredClone(entry)),
    done: (id) => void restored.push(id),
  };
  return { abort, entries, restored, lines, baseDir: process.cwd(), signal: abort.signal, log: (m) => void lines.push(m), journal, timeoutMs };
}


/** The pid inside the demo function's instance id (`<revision>.<pid>.<random>`). */
export function pidOfInstance(instance: string | null | undefined): number {
  const pid = Number(String(instance ?? '').split('.')[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a demo instance id: ${instance}`);
  return pid;
}
