// The run: validated config -> emulators -> per target (adapter -> cold phase -> warm phase ->
// restore) -> results.json -> reporters. Platform changes are restored on every path out, including
// Ctrl-C; samples are checkpointed as they are measured.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdapter } from './adapters/registry.js';
import type { Adapter, AdapterContext } from './adapters/types.js';
import { Checkpoint } from './checkpoint.js';
import { estimateCost } from './cost.js';
import { estimateCapacity } from './cost/capacity.js';
import type { RunConfig, TargetConfig } from './config/schema.js';
import { EXIT, Interrupted, messageOf, TargetFailure } from './errors.js';
import type { EmulatorName } from '../platforms/registry.js';
import type { RunningEmulator } from '../platforms/types.js';
import { fileJournal, type Journal } from './journal.js';
import { runColdPhase, summariseColdSamples } from './phases/cold.js';
import { runWarmPhase } from './phases/warm.js';
import type { Progress } from './progress.js';
import { redactHeaders } from './redact.js';
import { writeReports } from './reporters/index.js';
import { SCHEMA_VERSION, type ColdPhaseResult, type ColdSampleRecord, type CostOptions, type ExperimentResults, type RunResults, type TargetResult } from './results/types.js';
import { closeKeepAliveAgents } from './http/timed-request.js';
import { networkBaseline, describeNetwork } from './http/network-baseline.js';
import { evaluateThresholds } from './thresholds.js';
import { TOOL_VERSION } from './version.js';
import { coldInWarmWarning } from './units.js';
import { experimentsMeasured } from './experiments/measured.js';
import { activeSweepers, runSweep } from './experiments/sweep-run.js';

export interface RunOptions {
  /** Report directory; default reports/<UTC timestamp>-<short id>/. */
  out?: string;
  /** Origin label; wins over the file's `origin`. */
  origin?: string;
  progress: Progress;
  /** Aborted on the first Ctrl-C / SIGTERM: stop starting new work, restore, write partial reports. */
  signal: AbortSignal;
  /** The monthly cost curves' options (--traffic, --free-tier). */
  cost?: CostOptions;
  /** 'results-only': write results.json alone (a remote origin, whose caller renders the reports). */
  reports?: 'all' | 'results-only';
}

export interface RunOutcome {
  results: RunResults;
  dir: string;
  exitCode: number;
}

export function defaultReportDir(now = new Date(), id = randomBytes(3).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return path.join('reports', `${stamp}-${id}`);
}

/** The adapters whose platform changes are still to be restored (for a second Ctrl-C). */
const activeAdapters = new Set<Adapter>();

export async function restoreActiveAdapters(): Promise<void> {
  await Promise.allSettled([...activeAdapters, ...activeSweepers].map((a) => a.restore()));
}

/** Run `body` with the local platforms the target file asks for (their env in process.env); they
 *  are stopped on every path out, also those that started before a later one failed. */
export async function withEmulators<T>(config: RunConfig, progress: Progress, signal: AbortSignal, body: () => Promise<T>): Promise<T> {
  const emulators: RunningEmulator[] = [];
  try {
    for (const [name, emulatorOptions] of Object.entries(config.emulators)) {
      if (signal.aborted) break;
      // Imported only when a file asks for a local platform (a remote origin's bundle has none).
      const { loadEmulator } = await import('../platforms/registry.js');
      const start = await loadEmulator(name as EmulatorName);
      const running = await start(emulatorOptions, { baseDir: path.dirname(config.file), log: (m) => progress.log(`  [${name}] ${m}`) });
      emulators.push(running);
      for (const [key, value] of Object.entries(running.env ?? {})) process.env[key] = value;
      progress.log(`emulator ${name}: ${running.description}`);
    }
    return await body();
  } finally {
    progress.done();
    await Promise.allSettled(emulators.map((e) => e.stop()));
    closeKeepAliveAgents();
  }
}

export async function runConfig(config: RunConfig, options: RunOptions): Promise<RunOutcome> {
  const runId = randomBytes(6).toString('hex');
  const dir = path.resolve(options.out ?? defaultReportDir(new Date(), runId.slice(0, 6)));
  mkdirSync(dir, { recursive: true });
  const origin = options.origin ?? process.env.COLDBENCH_ORIGIN ?? config.origin ?? 'local';
  const startedAt = new Date().toISOString();
  const journal = fileJournal(dir);
  const checkpoint = new Checkpoint(dir, config.secrets);
  checkpoint.runStarted({ id: runId, origin, startedAt, targetFile: config.file });
  const { progress, signal } = options;

  const targets: TargetResult[] = [];
  await withEmulators(config, progress, signal, async () => {
    for (const target of config.targets) {
      if (signal.aborted) break;
      const run: TargetRunContext = { origin, dir, journal, checkpoint, progress, signal, baseDir: path.dirname(config.file) };
      if (!target.sweep) targets.push(await runTarget(target, run));
      else targets.push(...(await runSweep(target, { journal, signal, dir, log: (m) => progress.log(m), measure: (t) => runTarget(t, run), failed: (t, why) => failedTarget(t, origin, why) })));
    }
  });

  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION },
    run: {
      id: runId,
      origin,
      origins: [origin],
      startedAt,
      endedAt: new Date().toISOString(),
      partial: signal.aborted,
      targetFile: path.relative(process.cwd(), config.file) || config.file,
      host: { platform: process.platform, arch: process.arch, node: process.version, cpus: os.cpus().length },
      cost: options.cost ?? { traffic: null, freeTier: false },
    },
    targets,
    thresholds: [],
  };
  attachCostsAndThresholds(results, config);
  await writeReports(results, dir, config.secrets, options.reports === 'results-only' ? ['results.json'] : undefined);
  checkpoint.close();

  return { results, dir, exitCode: exitCodeOf(results, signal.aborted) };
}

/** The contract's exit code of a finished run: 130 interrupted, 3 nothing measured, 1 a threshold failed. */
export function exitCodeOf(results: RunResults, interrupted: boolean): number {
  const anySuccess = results.targets.some((t) => (t.phases.cold?.summary.count ?? 0) + (t.phases.warm?.summary.count ?? 0) > 0 || experimentsMeasured(t));
  if (interrupted) return EXIT.interrupted;
  if (!anySuccess) return EXIT.runFailed;
  if (results.thresholds.some((t) => !t.passed)) return EXIT.thresholdFailed;
  return EXIT.ok;
}

interface TargetRunContext {
  origin: string;
  dir: string;
  journal: Journal;
  checkpoint: Checkpoint;
  progress: Progress;
  signal: AbortSignal;
  baseDir: string;
}

/** The target's configuration as echoed into results.json: credential headers redacted. */
export function configEcho(target: TargetConfig): Record<string, unknown> {
  const { headers, line: _line, variant: _variant, ...rest } = target;
  return { ...rest, headers: redactHeaders(headers) };
}

/** A target's result before anything is measured; a sweep variant carries its variant. */
function targetResult(target: TargetConfig, origin: string): TargetResult {
  const variant = target.variant ? { variant: target.variant.values, variantOf: target.variant.of } : {};
  return { name: target.name, kind: target.kind, region: target.region, origin, ...variant, status: 'ok', config: configEcho(target), platform: { kind: target.kind }, phases: {} };
}

function failedTarget(target: TargetConfig, origin: string, failure: string): TargetResult {
  return { ...targetResult(target, origin), status: 'failed', failure };
}

async function runTarget(target: TargetConfig, run: TargetRunContext): Promise<TargetResult> {
  const { progress, signal } = run;
  const result = targetResult(target, run.origin);
  const label = `${target.name} (${target.kind})`;
  progress.log(`▶ ${label}`);
  const ctx: AdapterContext = {
    baseDir: run.baseDir,
    signal,
    log: (message) => progress.status(`${label}: ${message}`),
    warn: (message) => {
      (result.warnings ??= []).push(message);
      progress.log(`  ⚠ ${target.name}: ${message}`);
    },
    journal: run.journal,
    timeoutMs: target.timeoutMs,
  };
  let adapter: Adapter | undefined;
  // Every cold sample as it is measured: kept even if the phase ends by an exception (Ctrl-C during a
  // control-plane wait, a failing control plane), so results.json never loses a measured sample.
  const coldSamples: ColdSampleRecord[] = [];
  run.checkpoint.targetStarted(result);
  try {
    adapter = await createAdapter(target, ctx);
    activeAdapters.add(adapter);
    await adapter.prepare();
    result.platform = adapter.describe();
    const network = await networkBaseline(adapter, target.timeoutMs, signal);
    if (network) {
      result.network = network;
      progress.log(`  network: ${describeNetwork(network)}`);
    }

    // Warm the harness's own code paths (and learn which instance is already warm) before the
    // first measured sample: the first request of a fresh process is ~10 ms slower.
    const seenInstances = new Set<string>();
    const warmup = await adapter.invoke({ fresh: true });
    if (warmup.instance) seenInstances.add(warmup.instance);
    if (warmup.error) progress.log(`  warm-up request failed (${warmup.error}${warmup.errorMessage ? `: ${warmup.errorMessage}` : ''}); measuring anyway`);

    if (target.cold && !signal.aborted) {
      const cold = target.cold;
      const phase = await runColdPhase(adapter, cold, {
        signal,
        seenInstances,
        onSample: (sample, done, total) => {
          coldSamples.push(sample);
          run.checkpoint.coldSample(target.name, sample);
          const verdict = sample.error ? `error ${sample.error}` : sample.cold === true ? 'cold' : sample.cold === false ? 'NOT cold' : 'unverified';
          progress.status(`${label}: cold ${done}/${total}  ${(sample.latencyUs / 1000).toFixed(1)} ms  ${verdict}`);
        },
      });
      result.phases.cold = phase;
      progress.log(`  cold: ${describeColdPhase(phase)}`);
    }
    if (target.warm && !signal.aborted) {
      const phase = await runWarmPhase(adapter, target.warm, {
        timeoutMs: target.timeoutMs,
        signal,
        seenInstances,
        instanceHeader: target.cold?.instanceHeader,
        onProgress: (done, elapsedMs) => progress.status(`${label}: warm ${done} requests in ${(elapsedMs / 1000).toFixed(0)} s`),
        log: (message) => progress.log(`  ${label}: ${message}`),
      });
      result.phases.warm = phase;
      run.checkpoint.warmPhase(target.name, phase);
      const s = phase.summary;
      progress.log(
        `  warm: ${phase.requests} requests, ${phase.throughputRps} req/s, p50 ${(s.p50Us / 1000).toFixed(2)} ms, p99 ${(s.p99Us / 1000).toFixed(2)} ms${s.errors ? `, ${s.errors} errors` : ''}`,
      );
      if (phase.coldInWarm) progress.log(`  ⚠ ${target.name}: ${coldInWarmWarning(phase.coldInWarm)}`);
    }
    if ((target.burst || target.keepalive) && !signal.aborted) {
      const { runExperiments } = await import('./experiments/run.js');
      const context = { signal, seenInstances, usesInstanceHeader: target.cold?.instanceHeader !== undefined, status: (m: string) => progress.status(`${label}: ${m}`), log: (m: string) => progress.log(`  ${m}`),
        measured: (e: ExperimentResults) => run.checkpoint.experiments(target.name, e) };
      await runExperiments(adapter, target, result, context);
    }
    if (signal.aborted) result.status = 'partial';
  } catch (err) {
    if (!result.phases.cold && target.cold && coldSamples.length > 0) result.phases.cold = summariseColdSamples(coldSamples, target.cold.strategy);
    if (err instanceof Interrupted || (signal.aborted && !(err instanceof TargetFailure))) {
      // Ctrl-C while waiting on the control plane: what was measured stays, marked partial.
      result.status = 'partial';
    } else {
      result.status = 'failed';
      result.failure = err instanceof TargetFailure ? err.message : `internal error: ${messageOf(err)}`;
      progress.log(`  ✖ ${target.name} failed: ${result.failure}`);
      if (process.env.COLDBENCH_DEBUG && !(err instanceof TargetFailure)) console.error(err);
    }
  } finally {
    if (adapter) {
      try {
        await adapter.restore();
      } catch (err) {
        const why = `could not restore the platform: ${messageOf(err)} (run \`coldbench restore ${run.dir}\`)`;
        result.status = 'failed';
        result.failure = result.failure ? `${result.failure}; ${why}` : why;
        progress.log(`  ✖ ${target.name}: ${why}`);
      }
      activeAdapters.delete(adapter);
      await adapter.close?.().catch(() => undefined);
    }
  }
  run.checkpoint.targetDone(result);
  return result;
}

/** One log line for a cold phase; says plainly when no cold start was observed. */
export function describeColdPhase(phase: ColdPhaseResult): string {
  const s = phase.summary;
  const errors = s.errors ? `, ${s.errors} errors` : '';
  if (s.count === 0) {
    const why = phase.notCold > 0 ? `; ${phase.notCold} served by an instance that was already warm` : '';
    return `${phase.samples.length} samples, no cold start observed${why}${errors}`;
  }
  return `${phase.samples.length} samples, ${phase.verified} verified cold, p50 ${(s.p50Us / 1000).toFixed(1)} ms, max ${(s.maxUs / 1000).toFixed(1)} ms${errors}`;
}

/** Capacity and cost estimates (per target, with its pricing overrides) and every threshold's verdict. */
export function attachCostsAndThresholds(results: RunResults, config: RunConfig): void {
  const byName = new Map(config.targets.map((t) => [t.name, t]));
  for (const t of results.targets) {
    const capacity = estimateCapacity(t);
    if (capacity) t.capacity = capacity;
    t.cost = estimateCost(t, { ...config.pricing, ...byName.get(t.variantOf ?? t.name)?.pricing });
  }
  const perTarget = new Map(config.targets.map((t) => [t.name, t.thresholds]));
  for (const t of results.targets) if (t.variantOf) perTarget.set(t.name, perTarget.get(t.variantOf) ?? []);
  results.thresholds = evaluateThresholds(results, config.thresholds, perTarget);
}

