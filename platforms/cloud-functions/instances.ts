// One function instance = one real Functions Framework process (`node .../main.js`, not npx, so a
// cold start is the framework's real start: load the user module, then listen). The framework has
// no --host and prints nothing in production mode, so readiness is found by polling the port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChildProcess } from '../process.js';
import type { Runtime } from './run-model.js';

const require = createRequire(import.meta.url);
/** The installed framework's own entry point (bin `functions-framework` -> build/src/main.js). */
export const FRAMEWORK_MAIN = path.join(path.dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');

export interface InstanceSpec {
  serviceId: string;
  revision: string;
  runtime: Runtime;
  /** The revision's user environment variables. */
  environment: Record<string, string>;
  /** Environment the platform adds (metadata host, project). */
  platformEnv: Record<string, string>;
  startTimeoutMs: number;
}

export interface Instance {
  readonly revision: string;
  /** Started by a deployment (not by a request). */
  readonly deployment: boolean;
  readonly port: number;
  readonly child: ChildProcess;
  /** Keep-alive sockets to this instance only, destroyed with it. */
  readonly agent: http.Agent;
  inFlight: number;
  idleTimer?: NodeJS.Timeout;
  /** Time from spawn to the port accepting connections, microseconds. */
  readonly startUs: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Start an instance and wait until it accepts connections. Rejects with the process's last output. */
export async function startInstance(spec: InstanceSpec, deployment = false): Promise<Instance> {
  // A port picked here may be taken before the child binds it: retry once with another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(spec, await freePort(), deployment);
    } catch (err) {
      if (attempt >= 2 || !String((err as Error).message).includes('EADDRINUSE')) throw err;
    }
  }
}

function argv(runtime: Runtime, port: number): string[] {
  if (runtime.kind === 'container') return [runtime.script];
  return [FRAMEWORK_MAIN, `--target=${runtime.entryPoint}`, `--source=${runtime.source}`, `--port=${port}`, '--signature-type=http'];
}

function runtimeEnv(runtime: Runtime): Record<string, string> {
  return runtime.kind === 'function' ? { FUNCTION_TARGET: runtime.entryPoint, FUNCTION_SIGNATURE_TYPE: 'http' } : {};
}

async function startOnce(spec: InstanceSpec, port: number, deployment: boolean): Promise<Instance> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    argv(spec.runtime, port),
    {
      // A fresh environment as on the platform: the user's variables plus what Cloud Run sets.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_ENV: 'production',
        ...spec.platformEnv,
        ...spec.environment,
        ...runtimeEnv(spec.runtime),
        PORT: String(port),
        K_SERVICE: spec.serviceId,
        K_REVISION: spec.revision,
        K_CONFIGURATION: spec.serviceId,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);

  const deadline = Date.now() + spec.startTimeoutMs;
  while (!(await Promise.race([canConnect(port), spawnError]))) {
    if (exited || Date.now() > deadline) {
      await stopChildProcess(child);
      const why = exited ? `exited with code ${child.exitCode}` : `did not listen within ${spec.startTimeoutMs} ms`;
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`instance of ${spec.serviceId} (${spec.revision}) ${why}${tail ? `: ${tail}` : ''}`);
    }
    await sleep(5);
  }
  return {
    revision: spec.revision,
    deployment,
    port,
    child,
    agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    inFlight: 0,
    startUs: Number((process.hrtime.bigint() - started) / 1000n),
  };
}

export async function stopInstance(instance: Instance): Promise<void> {
  clearTimeout(instance.idleTimer);
  instance.agent.destroy();
  await stopChildProcess(instance.child);
}
