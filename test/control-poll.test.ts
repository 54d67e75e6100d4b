// The one control-plane wait: an abort is Interrupted (never a TargetFailure), a timeout names what
// was awaited and the last state seen, transient errors are retried within the budget (Retry-After
// honoured), others end the wait as they are, and a mutation retries throttles only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { callWithRetry, pollUntil, type PollStep } from '../bench/control/poll.js';
import { Interrupted, TargetFailure } from '../bench/errors.js';

const apiError = (code: number, headers: Record<string, string> = {}) => new ApiException(code, `HTTP ${code}`, '', headers);

test('an abort while waiting ends the wait with Interrupted, not a TargetFailure', { timeout: 10_000 }, async () => {
  await assert.rejects(
    pollUntil(async (): Promise<PollStep<void>> => ({ done: false, state: 'x' }), { what: 'x', timeoutMs: 120_000, intervalMs: 1, signal: AbortSignal.abort() }),
    (err) => err instanceof Interrupted && !(err instanceof TargetFailure),
    'aborted before the first check',
  );
  const controller = new AbortController();
  let checks = 0;
  const waiting = pollUntil(
    async (): Promise<PollStep<void>> => {
      checks += 1;
      // Abort once the wait has gone to sleep for a minute: the abort must end the sleep.
      if (checks === 1) setImmediate(() => controller.abort());
      return { done: false, state: 'pending' };
    },
    { what: 'an operation', timeoutMs: 120_000, intervalMs: 60_000, backoff: 1, signal: controller.signal },
  );
  await assert.rejects(waiting, (err) => err instanceof Interrupted && !(err instanceof TargetFailure));
});

test('an error thrown by a check after the abort (an aborted request) is the interrupt too', async () => {
  const controller = new AbortController();
  const waiting = pollUntil(
    async (): Promise<PollStep<void>> => {
      controller.abort();
      throw Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    },
    { what: 'x', timeoutMs: 10_000, intervalMs: 10, signal: controller.signal },
  );
  await assert.rejects(waiting, (err) => err instanceof Interrupted);
});

test('the timeout names what was awaited and the last state seen', async () => {
  await assert.rejects(
    pollUntil(async (): Promise<PollStep<void>> => ({ done: false, state: '2 Running, 1 Terminating' }), {
      what: 'deployment "web" to have no pods left',
      timeoutMs: 3_000,
      deadline: Date.now(), // already due: one check, then the verdict
      intervalMs: 10,
    }),
    (err) => err instanceof TargetFailure && err.message === 'timed out after 3 s waiting for deployment "web" to have no pods left (last seen: 2 Running, 1 Terminating)',
  );
});

test('transient errors are retried after Retry-After and their state is kept; others end the wait at once', async () => {
  const calls: number[] = [];
  const value = await callWithRetry(
    async () => {
      calls.push(Date.now());
      if (calls.length === 1) throw apiError(429, { 'retry-after': '1' });
      if (calls.length === 2) throw apiError(503);
      return 'ok';
    },
    { what: 'a read', timeoutMs: 30_000, intervalMs: 10 },
  );
  assert.equal(value, 'ok');
  assert.equal(calls.length, 3);
  assert.ok(calls[1]! - calls[0]! >= 990, `waited the Retry-After of 1 s (${calls[1]! - calls[0]!} ms)`);

  let attempts = 0;
  const notFound = apiError(404);
  await assert.rejects(
    callWithRetry(async () => {
      attempts += 1;
      throw notFound;
    }, { what: 'a read', timeoutMs: 30_000, intervalMs: 10 }),
    (err) => err === notFound,
  );
  assert.equal(attempts, 1);

  await assert.rejects(
    pollUntil(async (): Promise<PollStep<void>> => {
      throw apiError(429, { 'retry-after': '60' });
    }, { what: 'the API', timeoutMs: 2_000, deadline: Date.now() + 50, intervalMs: 10 }),
    (err) => err instanceof TargetFailure && /waiting for the API \(last seen: HTTP 429, retry after 60000 ms\)/.test(err.message),
    'a Retry-After beyond the budget ends in the timeout, naming the throttle',
  );
});

test('a mutation retries throttles (not applied) but not server errors (maybe applied)', async () => {
  let attempts = 0;
  assert.equal(
    await callWithRetry(async () => {
      attempts += 1;
      if (attempts === 1) throw apiError(429, { 'retry-after': '0' });
      return attempts;
    }, { what: 'a patch', timeoutMs: 10_000, intervalMs: 10, retry: 'throttled' }),
    2,
  );
  const serverError = apiError(500);
  await assert.rejects(
    callWithRetry(async () => {
      throw serverError;
    }, { what: 'a patch', timeoutMs: 10_000, intervalMs: 10, retry: 'throttled' }),
    (err) => err === serverError,
  );
});

test('backoff grows by its factor up to the bound', async () => {
  const at: number[] = [];
  await pollUntil(
    async (): Promise<PollStep<void>> => {
      at.push(performance.now());
      return at.length === 5 ? { done: true, value: undefined } : { done: false, state: 'pending' };
    },
    { what: 'x', timeoutMs: 10_000, intervalMs: 20, backoff: 2, maxIntervalMs: 60 },
  );
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  // Timers never fire much early; late is fine (a busy machine): lower bounds only.
  [20, 40, 60, 60].forEach((expected, i) => assert.ok(gaps[i]! >= expected - 2, `pause ${i + 1}: ${gaps[i]} ms >= ${expected} ms`));
});
