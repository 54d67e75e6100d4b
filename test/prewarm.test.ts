// Pre-warm sizing (a pure function of the warm config and, for the open model, the latency), the
// round rules that decide when enough instances exist, and how cold starts inside a warm phase
// are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WarmConfig } from '../bench/config/schema.js';
import { InstanceTracker, instanceFromParserInfo } from '../bench/phases/instances.js';
import { expectedConcurrency, MAX_ROUNDS, plannedPrewarm, runPrewarm, type PrewarmResponse } from '../bench/phases/prewarm.js';

const warm = (over: Partial<WarmConfig> = {}): WarmConfig => ({ durationMs: 1000, connections: 4, maxConnections: 64, warmupMs: 0, ...over });

test('expected concurrency of the open model: rate x latency (Little), rounded up, at least 1, at most maxConnections', () => {
  assert.equal(expectedConcurrency(200, 50_000, 256), 10, '200/s x 50 ms');
  assert.equal(expectedConcurrency(200, 50_001, 256), 11, 'a fraction of a request in flight still needs a connection');
  assert.equal(expectedConcurrency(10, 1_000, 256), 1, '0.01 in flight: one');
  assert.equal(expectedConcurrency(1000, 2_000_000, 64), 64, 'bounded by maxConnections');
  assert.equal(expectedConcurrency(100, 0, 8), 1, 'no latency known');
  assert.equal(expectedConcurrency(100, -5, 8), 1);
});

test('planned pre-warm: warm.prewarm when set (0 turns it off), else what the phase keeps in flight', () => {
  assert.equal(plannedPrewarm(warm({ prewarm: 0 }), 'closed', null), 0);
  assert.equal(plannedPrewarm(warm({ prewarm: 7 }), 'open', 1_000_000), 7);
  assert.equal(plannedPrewarm(warm({ connections: 6 }), 'closed', null), 6, 'closed model: its connections');
  assert.equal(plannedPrewarm(warm({ connections: 3 }), 'invoke', null), 3, 'invoke loop: its workers');
  assert.equal(plannedPrewarm(warm({ rate: 20.5, maxConnections: 8 }), 'invoke', null), 8, 'invoke loop at a rate: ceil(rate), bounded');
  assert.equal(plannedPrewarm(warm({ rate: 100, maxConnections: 64 }), 'open', 30_000), 3, 'open model: 100/s x 30 ms');
  assert.equal(plannedPrewarm(warm({ rate: 100, maxConnections: 2 }), 'open', 30_000), 2);
});

/** A platform with `instances` warm ones that starts one per request beyond them (the round's
 *  requests all in flight together), answering with an instance id, or without any (`told` false). */
function platform(options: { warm: number; told?: boolean; reuseLate?: number[] }) {
  let next = 0;
  const live: string[] = Array.from({ length: options.warm }, () => `i${next++}`);
  const rounds: number[] = [];
  const send = async (count: number): Promise<PrewarmResponse[]> => {
    rounds.push(count);
    // reuseLate[r]: in round r, that many requests arrive after another one finished and reuse it.
    const late = options.reuseLate?.[rounds.length - 1] ?? 0;
    const served: string[] = [];
    for (let i = 0; i < count - late; i++) {
      if (i >= live.length) live.push(`i${next++}`);
      served.push(live[i]!);
    }
    for (let i = 0; i < late; i++) served.push(live[0]!);
    return served.map((instance) => (options.told === false ? { error: null } : { instance, error: null }));
  };
  return { send, rounds, get instances() { return live.length; } };
}

test('rounds: one round when it is served by as many instances as requests', async () => {
  const p = platform({ warm: 1 });
  const tracker = new InstanceTracker(new Set(['i0']));
  const outcome = await runPrewarm(4, p.send, tracker, new AbortController().signal);
  assert.deepEqual(outcome, { requests: 4, rounds: 1, coldStarts: 3, errors: 0 });
  assert.equal(p.instances, 4);
});

test('rounds: a late request that reused an instance is followed by another round until all are there', async () => {
  const p = platform({ warm: 1, reuseLate: [2, 1] });
  const outcome = await runPrewarm(4, p.send, new InstanceTracker(new Set(['i0'])), new AbortController().signal);
  assert.equal(p.instances, 4, 'the instances the phase needs exist');
  assert.equal(outcome.rounds, 3);
  assert.equal(outcome.coldStarts, 3);
});

test('rounds: a platform that serves many requests per instance stops after two rounds that start nothing', async () => {
  let rounds = 0;
  const send = async (count: number): Promise<PrewarmResponse[]> => {
    rounds += 1;
    return Array.from({ length: count }, () => ({ instance: 'only', error: null }));
  };
  const outcome = await runPrewarm(4, send, new InstanceTracker(new Set(['only'])), new AbortController().signal);
  assert.equal(rounds, 2);
  assert.equal(outcome.coldStarts, 0);
});

test('rounds: without instance ids or the platform word, one round; 0 requests, none; bounded by MAX_ROUNDS', async () => {
  const blind = platform({ warm: 1, told: false });
  assert.equal((await runPrewarm(4, blind.send, new InstanceTracker(new Set()), new AbortController().signal)).rounds, 1);
  const none = platform({ warm: 1 });
  assert.deepEqual(await runPrewarm(0, none.send, new InstanceTracker(new Set()), new AbortController().signal), { requests: 0, rounds: 0, coldStarts: 0, errors: 0 });
  // A platform that starts one new instance per round and never serves a round with more than two.
  let fresh = 0;
  const endless = async (count: number): Promise<PrewarmResponse[]> =>
    Array.from({ length: count }, (_, i) => ({ instance: i === 0 ? `new-${fresh++}` : 'old', error: null }));
  const outcome = await runPrewarm(4, endless, new InstanceTracker(new Set(['old'])), new AbortController().signal);
  assert.equal(outcome.rounds, MAX_ROUNDS);
  assert.equal(outcome.coldStarts, MAX_ROUNDS);
});

test('rounds: the platform word (Lambda Init Duration) counts a start without any instance id', async () => {
  let round = 0;
  const send = async (count: number): Promise<PrewarmResponse[]> => {
    round += 1;
    return Array.from({ length: count }, (_, i) => ({ platformCold: round === 1 && i > 0, error: null }));
  };
  const outcome = await runPrewarm(3, send, new InstanceTracker(new Set()), new AbortController().signal);
  assert.equal(outcome.coldStarts, 2);
  assert.equal(outcome.rounds, 3, 'after the starting round, two rounds that start nothing');
});

test('the tracker: a new instance id or the platform word is a cold start; known ones are not; null when nothing tells', () => {
  const known = new Set(['a']);
  const warmup = new InstanceTracker(known);
  assert.equal(warmup.learn('b'), true, 'never seen: started now');
  assert.equal(warmup.learn('b'), false);
  const timed = new InstanceTracker(known);
  timed.observe('a');
  timed.observe('b');
  timed.observe('c');
  timed.observe('c');
  timed.observe(null, true);
  timed.observe('d', false);
  assert.deepEqual(timed.counts(), { coldInWarm: 2, instances: 4 }, 'c and the platform word; d is warm by the platform word');
  const blind = new InstanceTracker(new Set());
  blind.observe(null);
  blind.observe(undefined);
  assert.deepEqual(blind.counts(), { coldInWarm: null, instances: null });
  const lambdaLike = new InstanceTracker(new Set());
  lambdaLike.observe(null, false);
  assert.deepEqual(lambdaLike.counts(), { coldInWarm: 0, instances: null });
});

test('the instance header from the HTTP parser info autocannon emits', () => {
  const info = { statusCode: 200, headers: ['Content-Type', 'text/plain', 'X-Instance-Id', 'abc', 'x-instance-id', 'second'] };
  assert.equal(instanceFromParserInfo(info, 'x-instance-id'), 'abc');
  assert.equal(instanceFromParserInfo(info, 'x-other'), null);
  assert.equal(instanceFromParserInfo({}, 'x-instance-id'), null);
  assert.equal(instanceFromParserInfo(null, 'x-instance-id'), null);
});
