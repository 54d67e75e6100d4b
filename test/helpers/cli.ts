// The real CLI as a child process, as users run it: bin/coldbench.js, which imports the compiled
// JavaScript in dist/ (no TypeScript loader). Every test that runs coldbench goes through here, so
// none of them can run a build older than the sources: a stale dist/ is rebuilt once, and if it is
// still not current the test fails with a message saying what to run.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { build, buildState, ROOT } from '../../scripts/build.mjs';

export const CLI = path.join(ROOT, 'bin', 'coldbench.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to this process's environment (with CI=1: no live progress line). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Node options before the script (e.g. `--import` of a test probe). */
  nodeArgs?: string[];
}

let verified = false;

/** dist/ must be built from the current sources. Checked once per test process. */
export function ensureBuilt(): void {
  if (verified) return;
  const state = buildState();
  if (state !== 'current') {
    process.stderr.write(`test: dist/ is ${state}; rebuilding it once (npm run build)\n`);
    try {
      build();
    } catch (err) {
      throw new Error(`dist/ is ${state} and the rebuild failed; fix the build, then run \`npm run build\`:\n${err instanceof Error ? err.message : String(err)}`);
    }
    const after = buildState();
    if (after !== 'current') throw new Error(`dist/ is still ${after} after a rebuild (were the sources edited meanwhile?): run \`npm run build\``);
  }
  verified = true;
}

export interface RunningCli {
  child: ChildProcess;
  /** Settles when the process has exited and its output is closed. */
  done: Promise<CliRun>;
  /** SIGKILL; safe at any time, so an after() hook may call it whether or not the run ended. */
  kill(): void;
  /** What it wrote so far (to wait for it to acknowledge a signal, for example). */
  stdout(): string;
  stderr(): string;
}

/** Start the CLI as a child process (to signal it mid-run, or to watch it). */
export function spawnColdbench(args: string[], options: CliOptions = {}): RunningCli {
  ensureBuilt();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Run the CLI to its end. Killed after `timeoutMs`, so a hung run fails the test instead of
 *  hanging it (the result then has signal SIGKILL). */
export async function runColdbench(args: string[], options: CliOptions & { timeoutMs?: number } = {}): Promise<CliRun> {
  const run = spawnColdbench(args, options);
  const timer = setTimeout(run.kill, options.timeoutMs ?? 50_000);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Like runColdbench, for a run expected to succeed: resolves on exit 0; otherwise rejects with
 *  an Error carrying `code`, `stdout` and `stderr` (the shape of node's execFile errors). */
export async function execColdbench(args: string[], options: CliOptions & { timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  const run = await runColdbench(args, options);
  if (run.code === 0) return { stdout: run.stdout, stderr: run.stderr };
  throw Object.assign(new Error(`coldbench ${args.join(' ')} exited ${run.code ?? run.signal}:\n${run.stderr}`), run);
}
