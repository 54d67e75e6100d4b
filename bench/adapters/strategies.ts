// Cold strategies that do not depend on a platform: none, idle, command. Adapters of every kind
// reuse these for the strategies they share with plain HTTP.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ColdConfig } from '../config/schema.js';
import { nowUs, usSince } from '../control/clock.js';
import { TargetFailure } from '../errors.js';
import type { AdapterContext, ColdPreparation } from './types.js';

/** Wait `idleMs` (abortable): natural, platform-decided cold starts. */
export async function idleWait(idleMs: number, ctx: AdapterContext): Promise<ColdPreparation> {
  const start = nowUs();
  if (idleMs > 0) {
    ctx.log(`idle ${Math.round(idleMs / 100) / 10}s before the sample`);
    await sleep(idleMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  return { controlPlaneUs: usSince(start) };
}

/** Run a shell command and wait for exit 0; anything else fails the target with the command's output. */
export async function runColdCommand(command: string, ctx: AdapterContext, timeoutMs: number): Promise<ColdPreparation> {
  const start = nowUs();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, { shell: true, cwd: ctx.baseDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const onAbort = () => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new TargetFailure(`cold.command could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      if (code === 0) resolve();
      else {
        const why = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const tail = output.trim().split('\n').slice(-1)[0];
        reject(new TargetFailure(`cold.command ${why}${tail ? `: ${tail}` : ''}`));
      }
    });
  });
  return { controlPlaneUs: usSince(start) };
}

/** The shared strategies; returns undefined for a platform strategy the adapter must handle. */
export async function forceColdCommon(cold: ColdConfig | null, ctx: AdapterContext): Promise<ColdPreparation | undefined> {
  if (!cold) return {};
  switch (cold.strategy) {
    case 'none':
      return {};
    case 'idle':
      return idleWait(cold.idleMs, ctx);
    case 'command':
      return runColdCommand(cold.command ?? 'true', ctx, cold.waitTimeoutMs);
    default:
      return undefined;
  }
}

/** What the shared strategies change, for inspect(): only `command` runs anything, and what that
 *  changes is the command's own business. */
export function commonChanges(cold: ColdConfig | null): string[] {
  if (cold?.strategy !== 'command' || cold.samples === 0) return [];
  return [`cold.command ${JSON.stringify(cold.command ?? 'true')} runs ${times(cold.samples)} (what it changes is up to it; coldbench does not restore it)`];
}

/** "once", "twice", "5 times". */
export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}
