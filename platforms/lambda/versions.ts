// A published version: the function's configuration frozen at PublishVersion, with its own
// execution environments. With SnapStart (ApplyOn PublishedVersions) the Init phase runs at publish:
// the version is Pending (State Pending, LastUpdateStatus InProgress) while the emulator builds a V8
// startup snapshot of the initialised environment (a real `node --build-snapshot` of the handler)
// and then "caches" it for snapStartDelay; invoking it meanwhile is refused (409). Once Active, each
// new environment of the version is restored from the snapshot (a real, faster process start).
// A failed init leaves the version Failed with the reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SNAPSHOT_BUILDER } from './environment.js';
import type { MutableConfig } from './model.js';

/** SnapStart allows the Init phase up to 15 minutes; the emulator gives up sooner. */
const SNAPSHOT_BUILD_TIMEOUT_MS = 120_000;

export type VersionState = 'Pending' | 'Active' | 'Failed';

export interface SnapshotJob {
  /** Handler module (.cjs) and export. */
  file: string;
  exportName: string;
  /** Variables the handler sees during its (snapshotted) init. */
  env: Record<string, string>;
  snapshotsDir: string;
  /** Pending time after the snapshot is built. */
  delayMs: number;
}

export class PublishedVersion {
  state: VersionState;
  stateReason: string | null = null;
  /** The snapshot blob, once built (SnapStart only). */
  snapshot: string | null = null;
  private builder: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cancelled = false;

  constructor(
    readonly number: string,
    /** Frozen copy of $LATEST's configuration at publish. */
    readonly config: MutableConfig,
    /** The version's own description (PublishVersion's Description, else the function's). */
    readonly description: string,
    readonly snapStart: boolean,
  ) {
    this.state = snapStart ? 'Pending' : 'Active';
  }

  /** Build the snapshot (the version's Init phase), then stay Pending for the caching delay. */
  optimize(job: SnapshotJob, functionName: string): void {
    const blob = path.join(job.snapshotsDir, `${functionName}-${this.number}.blob`);
    let stderr = '';
    const child = spawn(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', SNAPSHOT_BUILDER, job.file, job.exportName], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...job.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.builder = child;
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const killer = setTimeout(() => child.kill('SIGKILL'), SNAPSHOT_BUILD_TIMEOUT_MS);
    killer.unref();
    child.once('error', (err) => this.fail(`the snapshot could not be built: ${err.message}`));
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      this.builder = null;
      if (this.cancelled) return;
      if (code !== 0) {
        const last = stderr.trim().split('\n').filter(Boolean).slice(-1)[0];
        this.fail(`Lambda couldn't initialize the function for the snapshot: ${signal ? `killed (${signal})` : `exit code ${code}`}${last ? `: ${last}` : ''}`);
        return;
      }
      this.snapshot = blob;
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.cancelled) this.state = 'Active';
      }, job.delayMs);
      this.timer.unref();
    });
  }

  private fail(reason: string): void {
    this.state = 'Failed';
    this.stateReason = reason;
  }

  /** DeleteFunction of the version, or the emulator stopping: stop building, remove the snapshot. */
  discard(): void {
    this.cancelled = true;
    this.builder?.kill('SIGKILL');
    if (this.timer) clearTimeout(this.timer);
    if (this.snapshot) rmSync(this.snapshot, { force: true });
    this.snapshot = null;
  }

  /** What PublishVersion compares: a version is published only when one of these changed. */
  static fingerprint(config: MutableConfig): string {
    return JSON.stringify([Object.entries(config.environment).sort(), config.memorySize, config.timeout, config.description]);
  }
}
