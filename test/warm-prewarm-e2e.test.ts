// Issue 15's "done when": a platform that serves one request per instance and needs hundreds of
// milliseconds to start one. After the cold phase one instance is warm; a 4-connection warm phase
// is pre-warmed with 4 concurrent requests, so no cold start lands in it (warm max below the start
// time, cold_in_warm 0). With `warm.prewarm: 0` the same run meets the cold starts inside the
// timed phase, counts them and warns. The numbers reach every output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { runColdbench, startHttpService, type HttpService } from './helpers/servers.js';
import type { RunResults } from '../bench/results/types.js';

/** Busy-wait at instance start (CPU work, as a function's init). The platform needs 300 ms;
 *  here it is more, so that "warm max under the start time" holds even on a loaded 2-core machine
 *  whose scheduler stalls a 3 ms answer for a hundred milliseconds: a hidden start costs at least
 *  this much CPU, a warm answer does not. */
const START_MS = 800;

const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-prewarm-'));

async function oneRequestPerInstance(): Promise<HttpService> {
  // An idle instance is reaped after 6 s, so the cold phase's idle strategy (8 s) makes its sample
  // a real start. 6 s is far more than a pre-warm round lasts (the slowest start in it, ~2 s at a
  // load average of 15 on two cores): the round's first instance, free after a few ms, is still
  // there when the clock starts.
  const service = await startHttpService({ name: 'one-each', idle: 6_000, initDelay: START_MS, latency: 3, concurrency: 1 });
  after(() => service.stop());
  return service;
}

async function run(name: string, service: HttpService, prewarm: string) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `targets:
  - name: one-each
    kind: http
    region: local
    url: ${service.url}
    cold: { strategy: idle, idle: 8s, samples: 1, instanceHeader: x-instance-id }
    warm: { requests: 400, connections: 4${prewarm} }
`,
  );
  const out = path.join(dir, name);
  const result = await runColdbench(['run', file, '--out', out], { timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResults;
  const summary = parse(readFileSync(path.join(out, 'summary.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const markdown = readFileSync(path.join(out, 'summary.md'), 'utf8');
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  const island = JSON.parse(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!);
  return { ...result, out, results, summary, markdown, view: island.view };
}

test('pre-warmed: the 4-connection warm phase meets no cold start (max under the start time, cold_in_warm 0)', async () => {
  const service = await oneRequestPerInstance();
  const { results, summary, markdown, view, stderr, out } = await run('prewarmed', service, '');
  const target = results.targets[0]!;
  const warm = target.phases.warm!;
  assert.equal(warm.prewarm, 4, 'default: the phase connections');
  assert.equal(warm.coldInWarm, 0, `no instance never seen before served the timed phase:\n${stderr}`);
  assert.equal(warm.instances, 4, 'four instances served it');
  assert.equal(target.phases.cold!.verified, 1, 'the cold sample a real start');
  // Started: the warm-up request's instance, the cold sample's, and those of the pre-warm (three,
  // or four when the cold sample's instance was reaped before the warm phase on a slow machine).
  const started = Number(/pre-warm: 4 concurrent requests x \d rounds?, (\d) instances started/.exec(stderr)?.[1]);
  assert.ok(started === 3 || started === 4, stderr);
  assert.equal(service.starts, 2 + started, stderr);
  assert.equal(warm.summary.count, 400);
  assert.ok(warm.summary.maxUs < START_MS * 1000, `warm max ${warm.summary.maxUs} µs: no start of ${START_MS} ms inside`);
  assert.doesNotMatch(stderr, /⚠/);

  // The network baseline: TCP connects to the service's port, no request (the front counted none
  // beyond the run's own).
  const network = target.network!;
  assert.equal(network.host, '127.0.0.1');
  assert.equal(network.port, Number(new URL(service.url).port));
  assert.equal(network.tls, false);
  assert.equal(network.samples, 5);
  assert.equal(network.connectUs!.length, 5);
  assert.equal(network.rttUs, Math.min(...network.connectUs!));
  assert.equal(network.tlsUs, null);
  assert.equal(network.errors, 0);
  assert.equal(target.coldPenaltyUs, target.phases.cold!.summary.p50Us - warm.summary.p50Us);
  assert.ok(target.coldPenaltyUs! >= START_MS * 1000 - warm.summary.p50Us, 'a cold start costs at least its start time');

  const [cold, warmRow] = summary;
  const rttMs = (network.rttUs! / 1000).toFixed(3);
  assert.equal(cold!.rtt_ms, rttMs, 'rtt on every row of the target');
  assert.equal(warmRow!.rtt_ms, rttMs);
  assert.equal(warmRow!.cold_in_warm, '0');
  assert.equal(cold!.cold_in_warm, '', 'cold_in_warm is the warm row\'s');
  assert.equal(warmRow!.cold_penalty_ms, '', 'the penalty is on the cold row');
  assert.equal(cold!.cold_penalty_ms, (target.coldPenaltyUs! / 1000).toFixed(3));
  assert.doesNotMatch(markdown, /Warning/);
  assert.deepEqual(view.glance.warnings, []);

  // The exporters read the same numbers: RTT and cold penalty in seconds.
  const exported = await runColdbench(['export', out, '--format', 'openmetrics'], { timeoutMs: 30_000 });
  assert.equal(exported.code, 0, exported.stderr);
  const gauge = (name: string) => Number(new RegExp(`^${name}\\{origin="local",target="one-each",kind="http",region="local"\\} (\\S+)$`, 'm').exec(exported.stdout)?.[1]);
  assert.equal(gauge('coldbench_rtt_seconds'), network.rttUs! / 1e6);
  assert.equal(gauge('coldbench_cold_penalty_seconds'), target.coldPenaltyUs! / 1e6);
});

test('warm.prewarm: 0: the same run meets three cold starts inside the timed phase and warns in every output', async () => {
  const service = await oneRequestPerInstance();
  const { results, summary, markdown, view, stderr } = await run('not-prewarmed', service, ', prewarm: 0');
  const warm = results.targets[0]!.phases.warm!;
  assert.equal(warm.prewarm, 0);
  assert.ok(warm.coldInWarm !== null && warm.coldInWarm !== undefined && warm.coldInWarm > 0, `cold_in_warm ${warm.coldInWarm}`);
  assert.equal(warm.coldInWarm, service.starts - 2, 'every instance started after the cold phase was counted');
  assert.ok(warm.summary.maxUs >= START_MS * 1000, `the hidden start is in the warm max (${warm.summary.maxUs} µs)`);
  assert.match(stderr, new RegExp(`⚠ one-each: ${warm.coldInWarm} cold starts inside the timed warm phase`));
  assert.equal(summary[1]!.cold_in_warm, String(warm.coldInWarm));
  assert.match(markdown, /\*\*Warning\*\*: cold starts inside a timed warm phase:\n- one-each \(local\): \d+ cold starts inside the timed warm phase/);
  assert.equal(view.glance.warnings.length, 1);
  assert.match(view.verdict.text, /cold starts inside 1 warm phase/);
  assert.equal(view.glance.rows[0].warn, true);
});
