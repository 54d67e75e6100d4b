// `coldbench plan` on the demo file once the emulators are up (the `plan` section of `npm run perf`;
// goal: under 3 s). The demo's emulators are started here as `npm run bench` starts them (the same
// options, the same fixed ports 18081-18112: run it under `flock /tmp/coldbench-demo.lock`), and
// the CLI plans a copy of targets/local.yaml without its `emulators:` key, so the time is the
// plan's own: start-up, loading the file, reading every target and the connect-only probes.
// Reference: `coldbench validate` of the same file (start-up and loading alone).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { EMULATOR_NAMES, loadEmulator, type EmulatorName } from '../platforms/registry.js';
import type { RunningEmulator } from '../platforms/types.js';
import { buildState, ROOT } from './build.mjs';

export interface PlanTiming {
  rounds: number;
  planMs: number[];
  validateMs: number[];
  medianPlanMs: number;
  medianValidateMs: number;
  exitCodes: number[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const isEmulatorName = (name: string): name is EmulatorName => (EMULATOR_NAMES as readonly string[]).includes(name);

/** Wall time of one CLI run, spawn to exit. Asynchronous: the emulators live in this process and
 *  must keep answering while the CLI runs. */
function timeCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/coldbench.js'), ...args], { cwd: ROOT, env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code: code ?? -1 });
    });
  });
}

export async function measurePlan(log: (line: string) => void, rounds = 5): Promise<PlanTiming> {
  const state = buildState();
  if (state !== 'current') throw new Error(`dist/ is ${state}: run \`npm run build\` first`);
  const demo = path.join(ROOT, 'targets/local.yaml');
  const document = parse(readFileSync(demo, 'utf8')) as Record<string, unknown>;
  const emulatorOptions = (document.emulators ?? {}) as Record<string, Record<string, unknown>>;
  delete document.emulators;
  delete document.$schema;
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-perf-plan-'));
  const file = path.join(dir, 'local-no-emulators.json');
  writeFileSync(file, JSON.stringify(document));
  const running: RunningEmulator[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  try {
    for (const [name, options] of Object.entries(emulatorOptions)) {
      if (!isEmulatorName(name)) throw new Error(`targets/local.yaml: unknown emulator ${name}`);
      const start = await loadEmulator(name);
      const emulator = await start(options, { baseDir: path.dirname(demo), log: () => undefined });
      running.push(emulator);
      Object.assign(env, emulator.env ?? {});
      log(`plan: emulator ${name} up`);
    }
    const planMs: number[] = [];
    const validateMs: number[] = [];
    const exitCodes: number[] = [];
    await timeCli(['plan', file, '--json'], env); // first run: file-system caches, as a user's second plan
    for (let round = 1; round <= rounds; round += 1) {
      const plan = await timeCli(['plan', file, '--json'], env);
      planMs.push(plan.ms);
      exitCodes.push(plan.code);
      validateMs.push((await timeCli(['validate', file], env)).ms);
      log(`plan: round ${round}/${rounds}: plan ${plan.ms.toFixed(0)} ms (exit ${plan.code}), validate ${validateMs.at(-1)!.toFixed(0)} ms`);
    }
    return { rounds, planMs, validateMs, medianPlanMs: median(planMs), medianValidateMs: median(validateMs), exitCodes };
  } finally {
    await Promise.allSettled(running.map((e) => e.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
