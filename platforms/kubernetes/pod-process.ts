// A pod's container: one real `node pod.mjs` child process. Reports readiness (the port it listens
// on) and exit; stop() sends SIGTERM and SIGKILL after a bound, and resolves once the process is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChildProcess } from '../process.js';
import type { PodTemplate } from './options.js';

const POD_SCRIPT = fileURLToPath(new URL('./pod.mjs', import.meta.url));

export interface PodProcessEvents {
  onReady(port: number): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export class PodProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private hasExited = false;

  constructor(podName: string, template: PodTemplate, events: PodProcessEvents) {
    this.child = spawn(process.execPath, [POD_SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '',
        POD_NAME: podName,
        POD_INIT_DELAY_MS: String(template.initDelayMs),
        POD_LATENCY_MS: String(template.latencyMs),
        POD_TERMINATION_DELAY_MS: String(template.terminationDelayMs),
      },
      // stdin stays open as a lifeline: the pod exits when the emulator's process is gone.
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffered = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const message = JSON.parse(line) as { ready?: boolean; port?: number };
          if (message.ready && typeof message.port === 'number') events.onReady(message.port);
        } catch {
          // not a control line: ignore
        }
      }
    });
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.hasExited = true;
        events.onExit(code, signal);
        resolve();
      });
      this.child.once('error', () => {
        // spawn failure: 'exit' may not follow
        if (!this.hasExited) {
          this.hasExited = true;
          events.onExit(null, null);
          resolve();
        }
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs: number): Promise<void> {
    if (this.hasExited) return;
    await stopChildProcess(this.child, graceMs);
    await this.exited;
  }
}
