// One execution environment: a real child process that loaded the handler module, either by an
// on-demand init (runtime.mjs imports the module) or, for a SnapStart version, restored from the
// version's snapshot (node --snapshot-blob: a faster real start that skips the module's init).
// It runs one invocation at a time; the function pool decides when to start, reuse and retire it.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { stopChildProcess } from '../process.js';

const RUNTIME = fileURLToPath(new URL('./runtime.mjs', import.meta.url));
export const SNAPSHOT_BUILDER = fileURLToPath(new URL('./snapshot-builder.cjs', import.meta.url));
/** How long a retired environment gets after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

export interface EnvironmentSpec {
  functionName: string;
  /** Absolute path of the handler module and its export. */
  file: string;
  exportName: string;
  /** Variables the handler sees (the function's Environment plus Lambda's reserved ones). */
  env: Record<string, string>;
  generation: number;
  /** Share of one vCPU the init runs with (1 = unthrottled); runtime.mjs stretches its init by it. */
  cpuShare: number;
  /** '$LATEST' or a published version number. */
  version: string;
  /** A SnapStart version's snapshot blob: the environment is restored from it instead of initialised. */
  snapshot?: string;
}

export interface ErrorRecord {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** How the environment started: `durationMs` is Init Duration or Restore Duration accordingly. */
export type InitOutcome = ({ ok: true } | ({ ok: false } & ErrorRecord)) & {
  startType: 'init' | 'restore';
  durationMs: number;
  /** Restore only: the restored process's own start-up to ready (runtime load and after-restore work). */
  billedRestoreMs?: number;
  logs: string[];
};

export type InvokeOutcome =
  | { kind: 'ok'; payload: string; durationMs: number; maxMemoryUsedMb: number; logs: string[] }
  | ({ kind: 'error'; durationMs: number; maxMemoryUsedMb: number; logs: string[] } & ErrorRecord)
  | { kind: 'timeout'; durationMs: number; logs: string[] }
  | { kind: 'crash'; durationMs: number; logs: string[]; exit: string };

interface ResultMessage {
  type: 'result';
  requestId: string;
  ok: boolean;
  payload?: string;
  durationMs: number;
  maxMemoryUsedMb: number;
  logs: string[];
  errorType?: string;
  errorMessage?: string;
  trace?: string[];
}

export class ExecutionEnvironment {
  /** Log stream name, as Lambda names them: date/[version]hex. Also the handler's instance id. */
  readonly logStream: string;
  readonly generation: number;
  readonly version: string;
  busy = false;
  lastUsedAt = Date.now();
  maxMemoryUsedMb = 0;
  /** Set on the first invocation after init, so only that one reports Init Duration. */
  pendingInit: InitOutcome | null = null;
  readonly ready: Promise<InitOutcome>;
  private readonly child: ChildProcess;
  private exited = false;
  private readonly exitPromise: Promise<void>;
  private onResult: ((message: ResultMessage) => void) | null = null;
  private onExit: ((why: string) => void) | null = null;

  constructor(spec: EnvironmentSpec) {
    this.generation = spec.generation;
    this.version = spec.version;
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    this.logStream = `${day}/[${spec.version}]${randomBytes(16).toString('hex')}`;
    const started = process.hrtime.bigint();
    const startType = spec.snapshot ? 'restore' : 'init';
    this.child = fork(spec.snapshot ? SNAPSHOT_BUILDER : RUNTIME, spec.snapshot ? [] : [spec.file, spec.exportName, String(spec.cpuShare)], {
      // A plain node: neither the harness's --import tsx nor its NODE_OPTIONS or secrets.
      execArgv: spec.snapshot ? ['--snapshot-blob', spec.snapshot] : [],
      // SnapStart functions get no AWS_LAMBDA_LOG_STREAM_NAME (Lambda docs, "Monitoring for Lambda SnapStart").
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...spec.env, ...(spec.snapshot ? {} : { AWS_LAMBDA_LOG_STREAM_NAME: this.logStream }) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        this.onExit?.(`${why}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-1)[0]}` : ''}`);
        resolve();
      });
    });
    this.ready = new Promise<InitOutcome>((resolve) => {
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const onMessage = (message: { type?: string } & Partial<ErrorRecord> & { logs?: string[]; maxMemoryUsedMb?: number; billedRestoreMs?: number }) => {
        if (message.type === 'ready') {
          this.maxMemoryUsedMb = message.maxMemoryUsedMb ?? 0;
          const restore = startType === 'restore' ? { billedRestoreMs: message.billedRestoreMs ?? 0 } : {};
          finish({ ok: true, startType, durationMs: elapsed(), ...restore, logs: message.logs ?? [] });
        } else if (message.type === 'init-error') {
          finish({ ok: false, startType, errorType: message.errorType ?? 'Runtime.Unknown', errorMessage: message.errorMessage ?? '', trace: message.trace, durationMs: elapsed(), logs: message.logs ?? [] });
        }
      };
      const finish = (outcome: InitOutcome) => {
        this.child.off('message', onMessage);
        this.onExit = null;
        this.pendingInit = outcome;
        resolve(outcome);
      };
      this.child.on('message', onMessage);
      this.onExit = (why) => finish({ ok: false, startType, errorType: 'Runtime.ExitError', errorMessage: `RequestId: init Error: Runtime exited with error: ${why}`, durationMs: elapsed(), logs: [] });
      this.child.once('error', (err) => finish({ ok: false, startType, errorType: 'Runtime.StartError', errorMessage: err.message, durationMs: elapsed(), logs: [] }));
    });
    this.child.on('message', (message: ResultMessage) => {
      if (message?.type === 'result') this.onResult?.(message);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Run one invocation; the environment must be ready and not busy. */
  invoke(requestId: string, event: unknown, context: Record<string, unknown>, timeoutMs: number): Promise<InvokeOutcome> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    return new Promise<InvokeOutcome>((resolve) => {
      const done = (outcome: InvokeOutcome) => {
        clearTimeout(timer);
        this.onResult = null;
        this.onExit = null;
        resolve(outcome);
      };
      // A timed-out environment is killed, as Lambda does: its next use would be a new init.
      const timer = setTimeout(() => {
        done({ kind: 'timeout', durationMs: elapsed(), logs: [] });
        void this.kill();
      }, timeoutMs);
      this.onResult = (m) => {
        if (m.requestId !== requestId) return;
        this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, m.maxMemoryUsedMb);
        if (m.ok) done({ kind: 'ok', payload: m.payload ?? 'null', durationMs: m.durationMs, maxMemoryUsedMb: this.maxMemoryUsedMb, logs: m.logs });
        else done({ kind: 'error', errorType: m.errorType ?? 'Error', errorMessage: m.errorMessage ?? '', trace: m.trace, durationMs: m.durationMs, maxMemoryUsedMb: this.maxMemoryUsedMb, logs: m.logs });
      };
      this.onExit = (why) => done({ kind: 'crash', durationMs: elapsed(), logs: [], exit: why });
      if (this.exited) return done({ kind: 'crash', durationMs: 0, logs: [], exit: 'exited before the invocation' });
      this.child.send({ type: 'invoke', requestId, event, context: { ...context, timeoutMs } });
    });
  }

  /** SIGTERM, then SIGKILL after a bound; resolves when the process is gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    await stopChildProcess(this.child, KILL_GRACE_MS);
    await this.exitPromise;
  }
}
