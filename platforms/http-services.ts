// Local HTTP services for the demo and the tests. Each service is a front on a fixed (or random)
// loopback port that proxies to instance processes (platforms/runtime/http-instance.mjs):
// - scale-to-zero: no instance until a request arrives; the first request starts a real process
//   (a real cold start) and waits for it; an instance is reaped after `idle` without requests.
// - alwaysOn: one instance started up front and never reaped.
// - concurrency: how many requests one instance serves at a time. A request that finds every
//   instance full starts a new one and waits for it, as Lambda (one request per execution
//   environment) and Cloud Run / Cloud Functions with a concurrency setting do (docs/platforms.md).
//   Unset: one instance serves everything.
//
// Options (target file `emulators: { http: { services: [...] } }`):
//   name (required), port (0 = random), idle (default 2s), initDelay (CPU work at instance start,
//   default 0), latency (delay before each answer, default 0), alwaysOn (default false),
//   concurrency (requests per instance at a time, default unlimited).
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
  concurrency: z.int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' }).optional(),
});
const optionsSchema = z.strictObject({ services: z.array(serviceSchema).min(1) });

export type HttpServiceOptions = z.input<typeof serviceSchema>;

interface Instance {
  child: ChildProcess;
  port: number;
  id: string;
  inFlight: number;
  /** The always-on instance: never reaped. */
  pinned: boolean;
  /** Keep-alive sockets to this instance only, destroyed with it. */
  agent: http.Agent;
  idleTimer?: NodeJS.Timeout;
}

/** An instance being started, and how many requests already wait for it. */
interface Starting {
  ready: Promise<Instance>;
  waiting: number;
}

export interface HttpService {
  name: string;
  port: number;
  url: string;
  /** Number of instance processes started so far (cold starts). */
  readonly starts: number;
  /** Requests received so far (the data plane; the service has no control plane to change). */
  readonly requests: number;
  /** Instance processes running now. */
  readonly instances: number;
  readonly running: boolean;
  stop(): Promise<void>;
}

/** Start one service front (and, when alwaysOn, its instance). */
export async function startHttpService(input: HttpServiceOptions): Promise<HttpService> {
  const options = serviceSchema.parse(input);
  const perInstance = options.concurrency ?? Number.POSITIVE_INFINITY;
  const instances = new Set<Instance>();
  const starting = new Set<Starting>();
  let starts = 0;
  let requests = 0;
  let stopped = false;

  const launch = (pinned: boolean): Promise<Instance> => {
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
          pinned,
          agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
        };
        instances.add(started);
        child.once('exit', () => instances.delete(started));
        resolve(started);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  };

  /** A request's instance: one with room now, else room on one being started, else a new one.
   *  The slot is taken (inFlight) before this returns, so concurrent requests never share it. */
  const acquire = async (): Promise<Instance> => {
    for (const instance of instances) {
      if (instance.inFlight < perInstance && instance.child.exitCode === null) {
        instance.inFlight += 1;
        return instance;
      }
    }
    let start = [...starting].find((s) => s.waiting < perInstance);
    if (!start) {
      const created: Starting = { ready: launch(false), waiting: 0 };
      start = created;
      starting.add(created);
      created.ready.then(
        () => starting.delete(created),
        () => starting.delete(created),
      );
    }
    start.waiting += 1;
    const instance = await start.ready;
    instance.inFlight += 1;
    return instance;
  };

  const reap = (target: Instance) => {
    instances.delete(target);
    target.agent.destroy();
    target.child.kill('SIGTERM');
  };

  const server = http.createServer(async (req, res) => {
    requests += 1;
    let target: Instance;
    try {
      target = await acquire();
    } catch (err) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`cannot start instance: ${(err as Error).message}`);
      return;
    }
    clearTimeout(target.idleTimer);
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers, agent: target.agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    // Released when the answer is handed off ('finish'), not later, so that a client's next
    // request on the same connection finds the slot free; 'close' covers an aborted answer.
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      target.inFlight -= 1;
      if (target.inFlight === 0 && !target.pinned && !stopped) {
        target.idleTimer = setTimeout(() => reap(target), options.idle);
      }
    };
    res.once('finish', done);
    res.once('close', done);
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream error: ${err.message}`);
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 5_000;

  if (options.alwaysOn) await launch(true);
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
    get requests() {
      return requests;
    },
    get instances() {
      return instances.size;
    },
    get running() {
      return instances.size > 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const pending = await Promise.all([...starting].map((s) => s.ready.catch(() => null)));
      const all = new Set([...instances, ...pending.filter((i): i is Instance => i !== null)]);
      await Promise.all(
        [...all].map((instance) => {
          clearTimeout(instance.idleTimer);
          instance.agent.destroy();
          return stopChildProcess(instance.child);
        }),
      );
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
