// Start-up of the shipped CLI (`npm run perf:startup`, or the `startup` section of `npm run perf`):
// `coldbench --help` and `coldbench validate targets/local.yaml`, each against `node -e 0` on the
// same machine in the same run. Rounds run the three commands one after the other in a rotating
// order (so a burst of other work on the machine hits each about equally), and medians compare.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildState, ROOT } from './build.mjs';

export interface StartupCommand {
  name: string;
  args: string[];
}

export const STARTUP_COMMANDS: StartupCommand[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'coldbench --help', args: [path.join(ROOT, 'bin/coldbench.js'), '--help'] },
  { name: 'coldbench validate targets/local.yaml', args: [path.join(ROOT, 'bin/coldbench.js'), 'validate', 'targets/local.yaml'] },
];

export interface StartupResult {
  rounds: number;
  /** Wall time from spawn to exit of every run, ms, per command name (warm-up rounds left out). */
  samplesMs: Record<string, number[]>;
  medianMs: Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeOnce(command: StartupCommand): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, command.args, { cwd: ROOT, stdio: 'ignore', timeout: 30_000 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command.name} exited ${result.status ?? result.signal}`);
  return ms;
}

export function measureStartup(rounds = 21, warmupRounds = 2): StartupResult {
  const state = buildState();
  if (state !== 'current') throw new Error(`dist/ is ${state}: run \`npm run build\` first`);
  const samplesMs: Record<string, number[]> = Object.fromEntries(STARTUP_COMMANDS.map((c) => [c.name, []]));
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (let i = 0; i < STARTUP_COMMANDS.length; i += 1) {
      const command = STARTUP_COMMANDS[(round + i) % STARTUP_COMMANDS.length]!;
      const ms = timeOnce(command);
      if (round >= warmupRounds) samplesMs[command.name]!.push(ms);
    }
  }
  const medianMs = Object.fromEntries(Object.entries(samplesMs).map(([name, values]) => [name, median(values)]));
  return { rounds, samplesMs, medianMs };
}
