// Faults in targets, through the real CLI against a local fault-injection server: errors are
// counted by kind (exactly what the server did), the run goes on to the end, a per-request timeout
// applies to cold samples and warm requests, a failing control plane fails only its target, and
// exit 3 means no target produced a single successful sample.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { everyNth, runColdbench, startFaultServer, until, type FaultServer, type Tally } from './helpers/servers.js';
import type { RunResults } from '../bench/results/types.js';

let dir = '';
const servers: FaultServer[] = [];
before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-faults-'))));
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function server(...args: Parameters<typeof startFaultServer>): Promise<FaultServer> {
  const s = await startFaultServer(...args);
  servers.push(s);
  return s;
}

/** Write a target file, run it, return the exit code, the outputs and results.json. */
async function run(name: string, yaml: string) {
  const file = path.join(dir, `${name}.yaml`);
  const out = path.join(dir, `out-${name}`);
  writeFileSync(file, yaml);
  const cli = await runColdbench(['run', file, '--out', out], { env: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test-secret' } });
  const resultsFile = path.join(out, 'results.json');
  assert.ok(existsSync(resultsFile), `no results.json (exit ${cli.code}):\n${cli.stderr}`);
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults;
  return { ...cli, out, results };
}

test('one request in five fails (5xx) and one connection in seven resets: measured to the end, errors counted by kind', async () => {
  // Request 1 is the harness's warm-up (fresh connection): the rules leave it alone (1 % 5, 1 % 7).
  const s = await server({ plan: everyNth([5, 'http5xx'], [7, 'reset'], [11, 'close']) });
  const { code, stderr, results, out } = await run(
    'five-seven',
    // prewarm: 0: every request the server tallies is then a measured one (but the warm-up).
    `targets:\n  - name: flaky\n    kind: http\n    url: ${s.url}\n    timeout: 5s\n    cold: { samples: 24 }\n    warm: { requests: 400, connections: 2, prewarm: 0 }\n`,
  );
  assert.equal(code, 0, stderr);
  const target = results.targets[0]!;
  assert.equal(target.status, 'ok');
  const cold = target.phases.cold!;
  const warm = target.phases.warm!;

  // Cold phase: every sample taken, each failure counted under its kind, exactly as injected.
  assert.equal(cold.samples.length, 24, 'the cold phase went on to the last sample');
  assert.ok(s.freshTally.http5xx > 0 && s.freshTally.reset > 0, 'both faults hit cold samples');
  assert.deepEqual(cold.errorsByKind, { http5xx: s.freshTally.http5xx, 'connection-reset': s.freshTally.reset + s.freshTally.close });
  assert.equal(cold.summary.errors, s.freshTally.http5xx + s.freshTally.reset + s.freshTally.close);
  assert.equal(cold.summary.count, s.freshTally.ok - 1, 'successful samples (minus the warm-up) are in the histogram');
  for (const sample of cold.samples.filter((x) => x.error === 'http5xx')) assert.equal(sample.status, 503);

  // Warm phase (autocannon, keep-alive): every request accounted for, resets and closes included.
  assert.ok(s.keepAliveTally.http5xx > 0 && s.keepAliveTally.reset > 0 && s.keepAliveTally.close > 0, 'every fault hit warm requests');
  assert.equal(warm.requests, 400, 'no request lost: closed connections are counted, not silently retried');
  assert.deepEqual(warm.errorsByKind, { http5xx: s.keepAliveTally.http5xx, 'connection-reset': s.keepAliveTally.reset + s.keepAliveTally.close });
  assert.equal(warm.summary.count, s.keepAliveTally.ok);
  assert.equal(warm.summary.count + warm.summary.errors, warm.requests);

  // The reports carry the counts by kind too.
  const csv = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
  const column = csv[0]!.split(',').indexOf('errors_by_kind');
  assert.ok(column > 0, 'summary.csv has an errors_by_kind column');
  const byKindCell = (phase: string) => new Set(csv.find((line) => line.includes(`,${phase},`))?.split(',')[column]?.split(' '));
  assert.deepEqual(byKindCell('cold'), new Set([`http5xx:${cold.errorsByKind.http5xx}`, `connection-reset:${cold.errorsByKind['connection-reset']}`]));
  assert.deepEqual(byKindCell('warm'), new Set([`http5xx:${warm.errorsByKind.http5xx}`, `connection-reset:${warm.errorsByKind['connection-reset']}`]));
});

/** On a busy machine an answer can reach the client after the target's 300 ms timeout: it is then
 *  rightly a timeout. What must hold on any machine is the accounting: every hang is a timeout, and
 *  every other timeout is a late 429 or a late success, one for one; nothing else is an error. */
function assertTimeoutAccounting(byKind: Record<string, number>, tally: Tally, successes: number, warmUps: number): number {
  const timeouts = byKind.timeout ?? 0;
  const throttled = byKind.throttled ?? 0;
  assert.deepEqual(Object.keys(byKind).filter((kind) => kind !== 'timeout' && kind !== 'throttled'), [], 'no other error kind');
  assert.ok(timeouts >= tally.hang, `every hang is a timeout (${timeouts} timeouts, ${tally.hang} hangs)`);
  assert.ok(throttled >= 1 && throttled <= tally.throttle, `429s count as throttled (${throttled} of ${tally.throttle})`);
  const lateSuccesses = tally.ok + tally['slow-body'] - warmUps - successes;
  assert.ok(lateSuccesses >= 0, 'no success counted that the server did not give');
  assert.equal(timeouts, tally.hang + (tally.throttle - throttled) + lateSuccesses, 'each timeout is a hang, a late 429 or a late answer');
  return lateSuccesses;
}

test('hangs hit the per-request timeout (cold and warm), 429 counts as throttled, slow bodies are slow successes', async () => {
  const slowBodyMs = 60;
  const s = await server({ plan: everyNth([4, 'hang'], [5, 'throttle'], [3, 'slow-body']), slowBodyMs });
  const timeoutMs = 300;
  const { code, stderr, results } = await run(
    'hang-throttle-slow',
    `targets:\n  - name: stalls\n    kind: http\n    url: ${s.url}\n    timeout: ${timeoutMs}ms\n    cold: { samples: 12 }\n    warm: { requests: 80, connections: 2, prewarm: 0 }\n`,
  );
  assert.equal(code, 0, stderr);
  const { cold, warm } = results.targets[0]!.phases;
  assert.ok(cold && warm);

  assert.equal(cold.samples.length, 12);
  assert.ok(s.freshTally.hang > 0 && s.freshTally.throttle > 0 && s.freshTally['slow-body'] > 0);
  const lateCold = assertTimeoutAccounting(cold.errorsByKind, s.freshTally, cold.summary.count, 1);
  for (const sample of cold.samples.filter((x) => x.error === 'timeout')) {
    // The target's 300 ms (timers may fire a little early: the loop clock is cached), not the 30 s
    // default: the upper bound is half the default, so only the wrong timeout can reach it.
    assert.ok(sample.latencyUs >= 0.9 * timeoutMs * 1000 && sample.latencyUs < 15_000_000, `timed out after ${sample.latencyUs} µs`);
  }
  for (const sample of cold.samples.filter((x) => x.error === 'throttled')) assert.equal(sample.status, 429);
  const slow = cold.samples.filter((x) => !x.error && x.latencyUs >= slowBodyMs * 1000);
  // Slow bodies are timed to their last byte and are not errors (unless later than the timeout;
  // on a busy machine a plain answer can take as long, so this is a lower bound).
  assert.ok(slow.length >= s.freshTally['slow-body'] - lateCold, `${slow.length} slow successes, ${s.freshTally['slow-body']} slow bodies, ${lateCold} late`);

  assert.ok(s.keepAliveTally.hang >= 10 && s.keepAliveTally.throttle > 0);
  assertTimeoutAccounting(warm.errorsByKind, s.keepAliveTally, warm.summary.count, 0);
  assert.equal(warm.requests, 80);
  assert.ok(warm.summary.maxUs >= slowBodyMs * 1000, 'slow bodies are in the warm histogram');
  // autocannon's own timeout is whole seconds (>= 1 s); the target's is 300 ms. The server saw when
  // the client gave up on each hung request: the typical one well under a second.
  const warmHangs = () => s.abandonedHangs.filter((h) => !h.fresh);
  await until('the server to see every hung warm request closed', () => warmHangs().length === s.keepAliveTally.hang);
  const abandoned = warmHangs().map((h) => h.afterMs).sort((a, b) => a - b);
  const median = abandoned[Math.floor(abandoned.length / 2)]!;
  assert.ok(median < 800, `hung warm requests were abandoned after ${median.toFixed(0)} ms (median): the sub-second timeout was applied`);
});

test('a target whose control plane fails is reported failed with the reason; the next target still runs', async () => {
  const s = await server({ plan: () => 'ok' });
  const { code, stderr, results, out } = await run(
    'control-plane',
    `targets:
  - name: cannot-restart
    kind: http
    url: ${s.url}
    cold: { samples: 3, strategy: command, command: "echo cannot scale deployment >&2; exit 1" }
    warm: { requests: 10, connections: 1 }
  - name: healthy
    kind: http
    url: ${s.url}
    cold: { samples: 3 }
    warm: { requests: 10, connections: 1 }
`,
  );
  assert.equal(code, 0, `one target measured: not exit 3\n${stderr}`);
  const [failed, healthy] = results.targets;
  assert.equal(failed?.status, 'failed');
  assert.match(failed?.failure ?? '', /cold\.command exited with code 1: cannot scale deployment/);
  assert.equal(failed?.phases.warm, undefined, 'a failed target does not go on to the warm phase');
  assert.equal(healthy?.status, 'ok');
  assert.equal(healthy?.phases.cold?.summary.count, 3);
  assert.equal(healthy?.phases.warm?.summary.count, 10);
  assert.match(stderr, /cannot-restart failed: cold\.command exited with code 1/);
  assert.match(readFileSync(path.join(out, 'summary.md'), 'utf8'), /## Failed targets[\s\S]*cannot-restart.*cold\.command exited with code 1/);
});

test('exit 3 only when no target produced a single successful sample (results still written)', async () => {
  const broken = await server({ plan: () => 'http5xx' });
  const yaml = (extra: string) => `targets:
  - name: always-503
    kind: http
    url: ${broken.url}
    cold: { samples: 3 }
    warm: { requests: 20, connections: 2 }
  - name: control-plane-down
    kind: http
    url: ${broken.url}
    cold: { samples: 2, strategy: command, command: "exit 7" }
${extra}`;
  const none = await run('none-succeeds', yaml(''));
  assert.equal(none.code, 3, none.stderr);
  assert.match(none.stderr, /no target produced a single successful sample/);
  assert.deepEqual(none.results.targets[0]?.phases.cold?.errorsByKind, { http5xx: 3 });
  assert.deepEqual(none.results.targets[0]?.phases.warm?.errorsByKind, { http5xx: 20 });
  assert.equal(none.results.targets[1]?.status, 'failed');

  // Same file plus one target that succeeds once (its only cold sample): exit 0.
  const once = await server({ plan: (n) => (n <= 2 ? 'ok' : 'http5xx') }); // warm-up + first cold sample
  const some = await run('one-succeeds', yaml(`  - name: succeeds-once\n    kind: http\n    url: ${once.url}\n    cold: { samples: 2 }\n    warm: false\n`));
  assert.equal(some.code, 0, some.stderr);
  assert.equal(some.results.targets[2]?.phases.cold?.summary.count, 1);
});

test('open model (warm.rate): every scheduled request is accounted for, failures counted by kind', async () => {
  const s = await server({ plan: everyNth([5, 'http5xx'], [7, 'reset'], [11, 'close'], [13, 'hang']) });
  const { code, stderr, results } = await run(
    'open-model',
    `targets:\n  - name: paced\n    kind: http\n    url: ${s.url}\n    timeout: 300ms\n    cold: false\n    warm: { rate: 300, requests: 600, maxConnections: 16 }\n`,
  );
  assert.equal(code, 0, stderr);
  const warm = results.targets[0]!.phases.warm!;
  assert.equal(warm.scheduled, 600);
  assert.equal(warm.requests + (warm.dropped ?? 0), 600, 'every scheduled request was sent or counted dropped');
  assert.equal(warm.summary.count + warm.summary.errors, warm.requests);
  // The server also saw the harness's untimed warm-up and the engine's pre-warm probes; what it did
  // beyond the measured requests is exactly those, kind by kind.
  const measured = { ok: warm.summary.count, http5xx: warm.errorsByKind.http5xx ?? 0, lost: warm.errorsByKind['connection-reset'] ?? 0, hang: warm.errorsByKind.timeout ?? 0 };
  const served = { ok: s.tally.ok, http5xx: s.tally.http5xx, lost: s.tally.reset + s.tally.close, hang: s.tally.hang };
  assert.ok(measured.http5xx > 0 && measured.lost > 0 && measured.hang > 0, JSON.stringify(warm.errorsByKind));
  for (const key of Object.keys(measured) as Array<keyof typeof measured>) assert.ok(served[key] >= measured[key], `${key}: served ${served[key]}, measured ${measured[key]}`);
  const unmeasured = Object.keys(measured).reduce((sum, key) => sum + served[key as keyof typeof served] - measured[key as keyof typeof measured], 0);
  assert.equal(unmeasured, s.requests - warm.requests, 'requests outside the measurement are only the warm-up and pre-warm probes');
  assert.ok(unmeasured <= 1 + 20 + 16, `at most the warm-up, 20 probes and one per connection (${unmeasured})`);
  assert.deepEqual(Object.keys(warm.errorsByKind).sort(), ['connection-reset', 'http5xx', 'timeout']);
});

test('connection refused (HTTP) and function errors (Lambda, status 200 + X-Amz-Function-Error) are counted by kind', async (t) => {
  const { startLambdaForTest } = await import('./helpers/lambda.js');
  const lambda = await startLambdaForTest();
  t.after(() => lambda.stop());
  const closed = await server({ plan: () => 'ok' });
  const closedUrl = closed.url;
  await closed.close(); // nothing listens on this port any more
  const { code, stderr, results } = await run(
    'refused-and-function-error',
    `targets:
  - name: refused
    kind: http
    url: ${closedUrl}
    cold: { samples: 2 }
    warm: { requests: 10, connections: 1 }
  - name: throws
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: hello
    payload: { fail: "injected failure" }
    cold: { samples: 2, strategy: none }
    warm: { requests: 5, connections: 1 }
`,
  );
  assert.equal(code, 3, `nothing succeeded: exit 3\n${stderr}`);
  const [refused, throws] = results.targets;
  assert.deepEqual(refused?.phases.cold?.errorsByKind, { 'connection-refused': 2 });
  assert.deepEqual(refused?.phases.warm?.errorsByKind, { 'connection-refused': 10 });
  assert.equal(throws?.status, 'ok', 'function errors are data-plane errors, not a failed target');
  assert.deepEqual(throws?.phases.cold?.errorsByKind, { 'function-error': 2 });
  assert.deepEqual(throws?.phases.warm?.errorsByKind, { 'function-error': 5 });
  assert.match(throws?.phases.cold?.samples[0]?.errorMessage ?? '', /injected failure/);
});
