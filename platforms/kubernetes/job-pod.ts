// One pod of a Job: its status as the API shows it (Pending with a waiting reason, Running,
// Succeeded, Failed with the exit code) and its container, a real process, with the container's log
// (stdout and stderr in arrival order, bounded like the kubelet's 10 MiB log file: the oldest part
// is dropped) that followers receive as it is written.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { stopChildProcess } from '../process.js';
import type { Launch } from './container-runtime.js';

const LIFELINE = pathToFileURL(fileURLToPath(new URL('./lifeline.mjs', import.meta.url))).href;
/** The kubelet's default containerLogMaxSize. */
const MAX_LOG_BYTES = 10 * 1024 * 1024;

type Json = Record<string, unknown>;
export type JobPodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface JobPodSpec {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  job: { name: string; uid: string };
  /** The pod spec as the Job's template gave it (rendered back as the pod's spec). */
  spec: Json;
  containerName: string;
  image: string;
  terminationGraceMs: number;
}

/** A follower gets each new chunk of the log, then null when the container has stopped. */
export type LogFollower = (chunk: string | null) => void;

export class JobPod extends EventEmitter {
  readonly createdAt = new Date().toISOString();
  phase: JobPodPhase = 'Pending';
  waiting: { reason: string; message?: string } | null = { reason: 'ContainerCreating' };
  startedAt: string | null = null;
  terminated: { exitCode: number; reason: string; signal?: string; finishedAt: string } | null = null;
  deletionTimestamp: string | null = null;
  /** The Job was deleted with propagation Orphan: the pod no longer names an owner. */
  orphaned = false;
  private log = '';
  private readonly followers = new Set<LogFollower>();
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly spec: JobPodSpec) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid ?? undefined;
  }

  get logText(): string {
    return this.log;
  }

  /** The container cannot start yet (image pull, missing Secret...): stays Pending with this reason. */
  wait(reason: string, message: string): void {
    this.waiting = { reason, message };
    this.emit('change');
  }

  start(launch: Extract<Launch, { ok: true }>): void {
    this.child = spawn(launch.executable, ['--import', LIFELINE, ...launch.argv], { cwd: launch.cwd, env: launch.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.waiting = null;
    this.phase = 'Running';
    this.startedAt = new Date().toISOString();
    for (const stream of [this.child.stdout, this.child.stderr]) stream?.on('data', (chunk: Buffer) => this.append(chunk.toString('utf8')));
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.terminated) return resolve();
        // A process killed by a signal exits 128 + the signal's number, as a container's does.
        const exitCode = code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 1);
        this.terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', ...(signal ? { signal } : {}), finishedAt: new Date().toISOString() };
        this.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
        for (const follower of this.followers) follower(null);
        this.followers.clear();
        this.emit('change');
        this.emit('exit', exitCode);
        resolve();
      };
      this.child!.once('close', finish);
      this.child!.once('error', (err) => {
        this.append(`${err.message}\n`);
        finish(128, null);
      });
    });
    this.emit('change');
  }

  private append(chunk: string): void {
    this.log += chunk;
    if (this.log.length > MAX_LOG_BYTES) this.log = this.log.slice(this.log.length - MAX_LOG_BYTES);
    for (const follower of this.followers) follower(chunk);
  }

  /** Follow the log: everything so far, then each new chunk; returns the unsubscribe function. */
  follow(follower: LogFollower): () => void {
    if (this.log) follower(this.log);
    if (this.terminated || !this.child) {
      follower(null);
      return () => undefined;
    }
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** SIGTERM, SIGKILL after the grace period; resolves once the container has stopped. */
  async terminate(graceMs = this.spec.terminationGraceMs): Promise<void> {
    if (!this.child) {
      this.terminated ??= { exitCode: 0, reason: 'ContainerCannotRun', finishedAt: new Date().toISOString() };
      this.emit('exit', null);
      return;
    }
    await stopChildProcess(this.child, graceMs);
    await this.exited;
  }

  /** Ends the log streams of followers (the pod object is gone). */
  closeFollowers(): void {
    for (const follower of this.followers) follower(null);
    this.followers.clear();
  }

  json(resourceVersion: string): Json {
    const containerState = this.terminated
      ? { terminated: { exitCode: this.terminated.exitCode, reason: this.terminated.reason, ...(this.terminated.signal ? { signal: this.terminated.signal } : {}), startedAt: this.startedAt, finishedAt: this.terminated.finishedAt } }
      : this.startedAt
        ? { running: { startedAt: this.startedAt } }
        : { waiting: this.waiting ?? { reason: 'ContainerCreating' } };
    const ready = this.phase === 'Running' ? 'True' : 'False';
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: this.spec.name,
        namespace: this.spec.namespace,
        uid: this.spec.uid,
        resourceVersion,
        labels: this.spec.labels,
        creationTimestamp: this.createdAt,
        ...(this.deletionTimestamp ? { deletionTimestamp: this.deletionTimestamp, deletionGracePeriodSeconds: Math.round(this.spec.terminationGraceMs / 1000) } : {}),
        ...(this.orphaned ? {} : { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: this.spec.job.name, uid: this.spec.job.uid, controller: true, blockOwnerDeletion: true }] }),
      },
      spec: { ...this.spec.spec, nodeName: 'coldbench-emulator' },
      status: {
        phase: this.phase,
        hostIP: '127.0.0.1',
        ...(this.startedAt ? { podIP: '127.0.0.1', startTime: this.startedAt } : {}),
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'ContainersReady', status: ready },
          { type: 'Ready', status: ready },
        ],
        containerStatuses: [{ name: this.spec.containerName, image: this.spec.image, ready: this.phase === 'Running', started: this.phase === 'Running', restartCount: 0, state: containerState }],
      },
    };
  }
}
