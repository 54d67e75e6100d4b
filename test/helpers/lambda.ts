// The local Lambda emulator for tests: random port, demo functions, and a target builder for the
// adapter. Callers stop the emulator in an after() hook.
import { startLocalLambda, type LambdaEmulatorOptions, type LocalLambda } from '../../platforms/lambda/index.js';
import type { AdapterContext } from '../../bench/adapters/types.js';
import type { LambdaTarget } from '../../bench/config/schema.js';
import type { Journal, JournalEntry } from '../../bench/journal.js';

export { startLocalLambda, type LambdaEmulatorOptions, type LocalLambda };

/** Emulator with `hello` (environment GREETING=hi) and `heavy` (heavy-init) unless functions are given. */
export function startLambdaForTest(options: Partial<LambdaEmulatorOptions> = {}): Promise<LocalLambda> {
  return startLocalLambda({
    port: 0,
    updateDuration: '150ms',
    functions: [
      { name: 'hello', handler: 'hello.handler', environment: { GREETING: 'hi', DB_PASSWORD: 'not-in-journal' } },
      { name: 'heavy', handler: 'heavy-init.handler', memorySize: 256 },
    ],
    ...options,
  });
}

/** A normalised lambda target against the emulator (what loadTargetFile would produce). */
export function lambdaTarget(lambda: LocalLambda, overrides: Partial<LambdaTarget> = {}): LambdaTarget {
  return {
    kind: 'lambda',
    name: 'lambda-test',
    region: lambda.region,
    endpoint: lambda.endpoint,
    function: 'hello',
    method: 'POST',
    headers: {},
    timeoutMs: 10_000,
    cold: { samples: 3, strategy: 'update-config', idleMs: 0, waitTimeoutMs: 10_000, pollIntervalMs: 50 },
    warm: { durationMs: 1000, connections: 2, maxConnections: 8, warmupMs: 0 },
    thresholds: [],
    pricing: {},
    ...overrides,
  };
}

/** An in-memory journal that keeps what the adapter wrote. */
export function memoryJournal(): Journal & { entries: JournalEntry[]; done: (id: string) => void; restored: string[] } {
  const entries: JournalEntry[] = [];
  const restored: string[] = [];
  return {
    entries,
    restored,
    begin: (entry) => void entries.push(entry),
    done: (id) => void restored.push(id),
  };
}

export function adapterContext(journal: Journal, signal: AbortSignal = new AbortController().signal, logs: string[] = []): AdapterContext {
  return { baseDir: process.cwd(), signal, log: (m) => void logs.push(m), journal, timeoutMs: 10_000 };
}
