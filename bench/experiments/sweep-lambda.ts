// sweep of a lambda target: MemorySize through UpdateFunctionConfiguration (Lambda gives CPU in
// proportion to memory, so this is also the CPU sweep), waited until LastUpdateStatus is Successful
// and the memory reads back as written. The journal holds the original MemorySize.
import { UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { z } from '../zod.js';
import type { LambdaTarget } from '../config/schema.js';
import { API_CALL_TIMEOUT_MS, DEFAULT_WAIT_TIMEOUT_MS, LAMBDA_POLL_MS, LAMBDA_RESTORE_POLL_MS, MIN_RESTORE_WAIT_MS } from '../control/defaults.js';
import { journalUndo } from '../control/journal-undo.js';
import { JournaledChange } from '../control/journaled-change.js';
import { pollUntil } from '../control/poll.js';
import { Interrupted, TargetFailure } from '../errors.js';
import { createLambdaClient, describeSdkError } from '../adapters/lambda-client.js';
import { readConfiguration, waitUntilUpdated, type ControlWait } from '../adapters/lambda-control.js';
import { resolveFunction, type ResolvedFunction } from '../adapters/lambda-target.js';
import type { Sweeper, SweeperContext } from './sweeper.js';
import type { Variant } from './sweep-types.js';

const lambdaSweepSchema = z.object({
  undo: z.strictObject({ memorySizeMb: z.int().min(128).max(10240) }),
  location: z.object({ region: z.string().min(1), endpoint: z.string().nullable().optional(), function: z.string().min(1) }),
});
type Undo = z.infer<typeof lambdaSweepSchema>['undo'];
type Location = z.infer<typeof lambdaSweepSchema>['location'];

/** Set MemorySize (riding out 409 while another update runs) and wait until it reads back. */
async function writeMemory(client: LambdaClient, functionName: string, memorySizeMb: number, wait: ControlWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  await pollUntil<void>(
    async () => {
      try {
        await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, MemorySize: memorySizeMb }), { abortSignal: wait.signal });
        return { done: true, value: undefined };
      } catch (err) {
        const e = describeSdkError(err);
        if (e.name === 'ResourceConflictException' || e.status === 409) return { done: false, state: `another update is in progress (${e.name})` };
        throw err;
      }
    },
    { what: `${wait.label} to accept MemorySize ${memorySizeMb}`, timeoutMs: wait.timeoutMs, deadline, intervalMs: Math.max(50, wait.pollIntervalMs), backoff: 2, signal: wait.signal, log: wait.log, retry: 'throttled' },
  ).catch((err: unknown) => {
    if (err instanceof Interrupted || err instanceof TargetFailure) throw err;
    const e = describeSdkError(err);
    throw new TargetFailure(`${wait.label}: UpdateFunctionConfiguration (MemorySize ${memorySizeMb}) failed (${e.name}: ${e.message})`);
  });
  const config = await waitUntilUpdated(client, functionName, wait, deadline);
  if (config.MemorySize !== memorySizeMb) throw new TargetFailure(`${wait.label}: MemorySize reads ${config.MemorySize ?? 'nothing'} after the update to ${memorySizeMb}`);
}

export class LambdaSweeper implements Sweeper {
  private readonly fn: ResolvedFunction;
  private readonly client: LambdaClient;
  private readonly change: JournaledChange<Undo, Location>;
  private memorySizeMb: number | undefined;

  constructor(
    private readonly target: LambdaTarget,
    private readonly ctx: SweeperContext,
  ) {
    this.fn = resolveFunction(target);
    this.client = createLambdaClient({ region: target.region, endpoint: target.endpoint, maxAttempts: 3, timeoutMs: API_CALL_TIMEOUT_MS });
    this.change = new JournaledChange(ctx.journal);
  }

  private get label() {
    return `lambda function ${this.fn.functionName} (sweep of target ${this.target.name})`;
  }

  private wait(signal: AbortSignal | undefined, minimumMs = 0): ControlWait {
    const cold = this.target.cold;
    return { timeoutMs: Math.max(cold?.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, minimumMs), pollIntervalMs: cold?.pollIntervalMs || LAMBDA_POLL_MS, signal, log: this.ctx.log, label: this.label };
  }

  async prepare(): Promise<void> {
    try {
      let config = await readConfiguration(this.client, this.fn.functionName, undefined, this.ctx.signal);
      if (config.LastUpdateStatus === 'InProgress') config = await waitUntilUpdated(this.client, this.fn.functionName, this.wait(this.ctx.signal));
      this.memorySizeMb = config.MemorySize;
    } catch (err) {
      if (err instanceof Interrupted || err instanceof TargetFailure) throw err;
      const e = describeSdkError(err);
      throw new TargetFailure(`${this.label} cannot be read (${e.name}: ${e.message})`);
    }
    if (this.memorySizeMb === undefined) throw new TargetFailure(`${this.label}: its configuration has no MemorySize`);
  }

  original(): Variant {
    return this.memorySizeMb === undefined ? {} : { memory: this.memorySizeMb };
  }

  async apply(variant: Variant): Promise<void> {
    const original = this.memorySizeMb;
    if (original === undefined) throw new TargetFailure(`${this.label}: apply before prepare`);
    const memory = Number(variant.memory);
    this.change.begin({
      id: `sweep-lambda:${this.target.name}:memory`,
      kind: 'sweep-lambda',
      target: this.target.name,
      undo: { memorySizeMb: original },
      location: { region: this.target.region, endpoint: this.target.endpoint ?? null, function: this.fn.functionName },
    });
    this.ctx.log(`${this.label}: MemorySize ${memory} MB`);
    await writeMemory(this.client, this.fn.functionName, memory, this.wait(this.ctx.signal));
  }

  restore(): Promise<void> {
    return this.change.restore(async () => {
      const original = this.memorySizeMb;
      if (original === undefined) return;
      this.ctx.log(`${this.label}: restoring MemorySize ${original} MB`);
      await writeMemory(this.client, this.fn.functionName, original, this.wait(undefined, MIN_RESTORE_WAIT_MS));
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** `coldbench restore` of a Lambda sweep: MemorySize back to the original. */
export const lambdaSweepJournal = journalUndo(lambdaSweepSchema, async ({ undo, location }, entry) => {
  const client = createLambdaClient({ region: location.region, endpoint: location.endpoint ?? undefined, maxAttempts: 3, timeoutMs: API_CALL_TIMEOUT_MS });
  try {
    const wait: ControlWait = { timeoutMs: MIN_RESTORE_WAIT_MS, pollIntervalMs: LAMBDA_RESTORE_POLL_MS, log: () => undefined, label: `lambda function ${location.function} (sweep of target ${entry.target})` };
    await writeMemory(client, location.function, undo.memorySizeMb, wait);
  } finally {
    client.destroy();
  }
});
