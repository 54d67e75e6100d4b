// Helpers of `npm run perf`: the local server process, the reference tools (wrk, autocannon's
// CLI) and their output parsers, the machine description. Everything talks to 127.0.0.1 only and
// every child process is bounded in time and killed when the script ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children = new Set<ChildProcess>();

/** Kill every child this script started (also on Ctrl-C / an exception). */
export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

export interface PerfServer {
  url: string;
  pid: number;
  /** GET a control path of the server (not measured). */
  control(pathAndQuery: string): Promise<void>;
  stop(): Promise<void>;
}

/** Start scripts/perf-server.mjs in its own process on 127.0.0.1:0. */
export async function startPerfServer(args: string[] = []): Promise<PerfServer> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/perf-server.mjs'), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('perf-server.mjs did not print its port within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`perf-server.mjs exited with code ${code} before listening`)));
    child.stdout!.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve((JSON.parse(chunk.toString()) as { port: number }).port);
    });
  });
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    pid: child.pid!,
    async control(pathAndQuery) {
      const response = await fetch(new URL(pathAndQuery, url), { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin!.end();
      const exited = once(child, 'exit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      children.delete(child);
    },
  };
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command to completion, killed after timeoutMs. */
export function run(command: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      children.delete(child);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function which(command: string): Promise<string | null> {
  const result = await run('sh', ['-c', `command -v ${command}`], 5000);
  return result.code === 0 ? result.stdout.trim() : null;
}

/** wrk from Debian's package, installed when missing (apt-get update only if the first try fails). */
export async function ensureWrk(log: (line: string) => void): Promise<string> {
  const found = await which('wrk');
  if (found) return found;
  log('wrk is missing: apt-get install -y wrk');
  const env = { timeoutMs: 180_000 };
  let install = await run('apt-get', ['install', '-y', 'wrk'], env.timeoutMs);
  if (install.code !== 0) {
    await run('apt-get', ['update'], env.timeoutMs);
    install = await run('apt-get', ['install', '-y', 'wrk'], env.timeoutMs);
  }
  const installed = await which('wrk');
  if (!installed) throw new Error(`could not install wrk (apt-get exited ${install.code}): ${install.stderr.trim().split('\n').pop() ?? ''}`);
  return installed;
}

const UNIT_US: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000, m: 60_000_000 };

/** wrk's `--latency` distribution: "50%   45.00us" lines, as microseconds by percentile. */
export function parseWrkLatency(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const match of text.matchAll(/^\s+(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)(us|ms|s|m)\s*$/gm)) {
    out[match[1]!] = Number(match[2]) * UNIT_US[match[3]!]!;
  }
  if (out['50'] === undefined) throw new Error(`wrk printed no latency distribution:\n${text}`);
  return out;
}

/** wrk's "Requests/sec:  12345.67". */
export function parseWrkRate(text: string): number {
  const match = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!match) throw new Error(`wrk printed no Requests/sec:\n${text}`);
  return Number(match[1]);
}

export interface AutocannonJson {
  duration: number;
  errors: number;
  timeouts: number;
  latency: Record<string, number>;
  requests: { total: number; average: number; sent: number };
}

/** autocannon's own CLI (node_modules/.bin/autocannon) with JSON output. */
export async function autocannonCli(args: string[], timeoutMs: number): Promise<AutocannonJson> {
  const bin = path.join(ROOT, 'node_modules/.bin/autocannon');
  const result = await run(bin, ['--json', '--no-progress', ...args], timeoutMs);
  if (result.code !== 0) throw new Error(`autocannon ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as AutocannonJson;
}

/** Milliseconds a process's main thread has spent runnable but waiting for a CPU (Linux
 *  /proc/PID/schedstat, second field); null where unavailable. On a shared machine this tells the
 *  scheduler's share of a latency tail from the generator's own. */
export function cpuWaitMs(pid: number | 'self' = 'self'): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    const waitNs = Number(fields[1]);
    return Number.isFinite(waitNs) ? waitNs / 1e6 : null;
  } catch {
    return null;
  }
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryGiB: number;
  loadAverage: string;
}

export function describeMachine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}
