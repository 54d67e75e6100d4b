// Start-up of the shipped CLI (`npm run perf:startup`, or the `startup` section of `npm run perf`):
// `coldbench --help` and `coldbench validate targets/local.yaml`, each against `node -e 0` on the
// same machine in the same run. Rounds run the three commands one after the other in a rotating
// order (so a burst of other work on the machine hits each about equally), and medians compare.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  /** Mean CPU time (user + system) per run, ms, per command name; null where /proc is missing.
   *  Less moved than wall time by other work on the machine (waiting for a CPU is not counted). */
  meanCpuMs: Record<string, number> | null;
}

/** CPU time of this process's finished children so far, ms (Linux /proc; 100 ticks a second). */
function childrenCpuMs(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5), cutime and cstime, counted from `state` (field 3).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeOnce(command: StartupCommand): { wallMs: number; cpuMs: number | null } {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(process.execPath, command.args, { cwd: ROOT, stdio: 'ignore', timeout: 30_000 });
  const wallMs = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (result.status !== 0) throw new Error(`${command.name} exited ${result.status ?? result.signal}`);
  return { wallMs, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

export function measureStartup(rounds = 21, warmupRounds = 2): StartupResult {
  const state = buildState();
  if (state !== 'current') throw new Error(`dist/ is ${state}: run \`npm run build\` first`);
  const samplesMs: Record<string, number[]> = Object.fromEntries(STARTUP_COMMANDS.map((c) => [c.name, []]));
  const cpuMs: Record<string, number> = Object.fromEntries(STARTUP_COMMANDS.map((c) => [c.name, 0]));
  let cpuKnown = true;
  for (let round = 0; round < warmupRounds + rounds; round += 1) {
    for (let i = 0; i < STARTUP_COMMANDS.length; i += 1) {
      const command = STARTUP_COMMANDS[(round + i) % STARTUP_COMMANDS.length]!;
      const run = timeOnce(command);
      if (round < warmupRounds) continue;
      samplesMs[command.name]!.push(run.wallMs);
      if (run.cpuMs === null) cpuKnown = false;
      else cpuMs[command.name]! += run.cpuMs;
    }
  }
  const medianMs = Object.fromEntries(Object.entries(samplesMs).map(([name, values]) => [name, median(values)]));
  const meanCpuMs = cpuKnown ? Object.fromEntries(Object.entries(cpuMs).map(([name, total]) => [name, total / rounds])) : null;
  return { rounds, samplesMs, medianMs, meanCpuMs };
}
