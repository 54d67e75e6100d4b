// Local HTTP services for the demo and the tests. Each service is a front on a fixed (or random)
// loopback port that proxies to instance processes (platforms/runtime/http-instance.mjs):
// - scale-to-zero: no instance until a request arrives; the first request starts a real process
//   (a real cold start) and waits for it; the instance is reaped after `idle` without requests.
// - alwaysOn: one instance started up front and never reaped.
//
// Options (target file `emulators: { http: { services: [...] } }`):
//   name (required), port (0 = random), idle (default 2s), initDelay (CPU work at instance start,
//   default 0), latency (delay before each answer, default 0), alwaysOn (default false).
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { durationMs, portOption } from './options.js';
import { stopChildProcess } from './process.js';
import type { EmulatorStarter, RunningEmulator } from './types.js';

const INSTANCE_SCRIPT = fileURLToPath(new URL('./runtime/http-instance.mjs', import.meta.url));

const serviceSchema = z.strictObject({
  name: z.string().min(1),
  port: portOption.default(0),
  idle: durationMs.default(2000),
  initDelay: durationMs.default(0),
  latency: durationMs.default(0),
  alwaysOn: z.boolean().default(false),
});
const optionsSchema = z.strictObject({ services: z.array(serviceSchema).min(1) });

export type HttpServiceOptions = z.input<typeof serviceSchema>;

interface Instance {
  child: ChildProcess;
  port: number;
  id: string;
  inFlight: number;
  /** Keep-alive sockets to this instance only, destroyed with it. */
  agent: http.Agent;
  idleTimer?: NodeJS.Timeout;
}

export interface HttpService {
  name: string;
  port: number;
  url: string;
  /** Number of instance processes started so far (cold starts). */
  readonly starts: number;
  readonly running: boolean;
  stop(): Promise<void>;
}

/** Start one service front (and, when alwaysOn, its instance). */
export async function startHttpService(input: HttpServiceOptions): Promise<HttpService> {
  const options = serviceSchema.parse(input);
  let instance: Instance | null = null;
  let starting: Promise<Instance> | null = null;
  let starts = 0;
  let stopped = false;

  const launch = (): Promise<Instance> => {
    starts += 1;
    return new Promise<Instance>((resolve, reject) => {
      const child = fork(INSTANCE_SCRIPT, [], {
        env: { ...process.env, INIT_DELAY_MS: String(options.initDelay), LATENCY_MS: String(options.latency) },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        execArgv: [],
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`instance of ${options.name} did not start within 15s`));
      }, 15_000);
      child.once('message', (message: { type?: string; port?: number; instanceId?: string }) => {
        clearTimeout(timer);
        if (message.type !== 'ready' || !message.port) return reject(new Error('instance sent an unexpected message'));
        const started: Instance = {
          child,
          port: message.port,
          id: message.instanceId ?? String(child.pid),
          inFlight: 0,
          agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
        };
        child.once('exit', () => {
          if (instance === started) instance = null;
        });
        resolve(started);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  };

  const acquire = async (): Promise<Instance> => {
    if (instance) return instance;
    if (!starting) {
      starting = launch().then(
        (started) => {
          instance = started;
          starting = null;
          return started;
        },
        (err: unknown) => {
          starting = null;
          throw err;
        },
      );
    }
    return starting;
  };

  const reap = (target: Instance) => {
    if (instance === target) instance = null;
    target.agent.destroy();
    target.child.kill('SIGTERM');
  };

  const server = http.createServer(async (req, res) => {
    let target: Instance;
    try {
      target = await acquire();
    } catch (err) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`cannot start instance: ${(err as Error).message}`);
      return;
    }
    target.inFlight += 1;
    clearTimeout(target.idleTimer);
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers, agent: target.agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    const done = () => {
      target.inFlight -= 1;
      if (target.inFlight === 0 && !options.alwaysOn && !stopped) {
        target.idleTimer = setTimeout(() => reap(target), options.idle);
      }
    };
    res.once('close', done);
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream error: ${err.message}`);
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 5_000;

  if (options.alwaysOn) instance = await launch();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  return {
    name: options.name,
    port,
    url: `http://127.0.0.1:${port}/`,
    get starts() {
      return starts;
    },
    get running() {
      return instance !== null;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const current = instance ?? (starting ? await starting.catch(() => null) : null);
      if (current) {
        clearTimeout(current.idleTimer);
        current.agent.destroy();
        await stopChildProcess(current.child);
      }
    },
  };
}

export const startHttpServices: EmulatorStarter = async (raw): Promise<RunningEmulator> => {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`emulators.http.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid options'}`);
  }
  const services: HttpService[] = [];
  try {
    for (const service of parsed.data.services) services.push(await startHttpService(service));
  } catch (err) {
    await Promise.all(services.map((s) => s.stop()));
    throw err;
  }
  return {
    name: 'http',
    description: services.map((s) => `${s.name} on ${s.url}`).join(', '),
    async stop() {
      await Promise.all(services.map((s) => s.stop()));
    },
  };
};
