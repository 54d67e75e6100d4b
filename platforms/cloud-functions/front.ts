// The data plane: one front on a loopback port that serves every function at
// `http://127.0.0.1:<port>/<function-id>`. Like Cloud Run it checks the caller's ID token
// (signature, expiry, audience = the function's URL) unless the function is public, starts an
// instance on demand and holds the request until it is ready, scales to zero after `idle`, and
// sends new requests to a new instance as soon as a new revision is live (the old one drains).
import http from 'node:http';
import type { FunctionRecord, FunctionStore } from './model.js';
import { startInstance, stopInstance, type Instance } from './instances.js';
import type { TokenAuthority } from './tokens.js';

export interface FunctionStats {
  /** Requests that reached an instance. */
  served: number;
  /** Requests refused for a missing or invalid ID token. */
  rejected: number;
  /** Instances started (cold starts). */
  starts: number;
  /** Audiences of the accepted ID tokens. */
  audiences: Set<string>;
  /** Why requests were refused (distinct reasons). */
  rejections: Set<string>;
  /** Startup time of each instance, microseconds. */
  startUs: number[];
}

interface Runtime {
  fn: FunctionRecord;
  current: Instance | null;
  starting: Promise<Instance> | null;
  startingRevision: string | null;
  draining: Set<Instance>;
  stats: FunctionStats;
}

export interface FrontOptions {
  store: FunctionStore;
  authority: TokenAuthority;
  platformEnv: Record<string, string>;
  startTimeoutMs: number;
}

export class FunctionFront {
  readonly server: http.Server;
  private readonly runtimes = new Map<string, Runtime>();
  /** Every instance process not yet exited, whatever its state. */
  private readonly alive = new Set<Instance>();
  private stopped = false;

  constructor(private readonly options: FrontOptions) {
    options.store.on('revision', (fn: FunctionRecord) => this.retire(fn.id));
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`emulator error: ${(err as Error).message}\n`);
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** The runtime of a function (created on first use), or undefined for an unknown id. */
  private runtime(functionId: string): Runtime | undefined {
    let runtime = this.runtimes.get(functionId);
    const fn = runtime ? undefined : this.options.store.byId(functionId);
    if (!runtime && fn) {
      runtime = {
        fn,
        current: null,
        starting: null,
        startingRevision: null,
        draining: new Set(),
        stats: { served: 0, rejected: 0, starts: 0, audiences: new Set(), rejections: new Set(), startUs: [] },
      };
      this.runtimes.set(functionId, runtime);
    }
    return runtime;
  }

  stats(functionId: string): FunctionStats {
    const runtime = this.runtime(functionId);
    if (!runtime) throw new Error(`no function ${functionId} in the emulator`);
    return runtime.stats;
  }

  /** Number of instance processes alive (serving or draining) for a function. */
  liveInstances(functionId: string): number {
    const runtime = this.runtimes.get(functionId);
    if (!runtime) return 0;
    return (runtime.current ? 1 : 0) + runtime.draining.size;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    const [, id = '', ...rest] = url.pathname.split('/');
    const runtime = this.runtime(decodeURIComponent(id));
    const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(text + '\n');
    };
    if (!runtime) return reply(404, `Error: Page not found. The requested URL ${url.pathname} was not found on this server.`);

    const refusal = this.checkAuth(runtime, req.headers.authorization);
    if (refusal) {
      runtime.stats.rejected += 1;
      runtime.stats.rejections.add(refusal.reason);
      return reply(refusal.status, `Error: ${refusal.status === 401 ? 'Unauthorized' : 'Forbidden'}. Your client does not have permission to get URL ${url.pathname} from this server (${refusal.reason}).`, refusal.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {});
    }

    let instance: Instance;
    try {
      instance = await this.acquire(runtime);
    } catch (err) {
      return reply(503, `Service Unavailable: ${(err as Error).message}`);
    }
    instance.inFlight += 1;
    clearTimeout(instance.idleTimer);
    if (res.destroyed) return this.release(runtime, instance); // the caller gave up while we started it
    runtime.stats.served += 1;
    const headers = { ...req.headers };
    delete headers.authorization; // Cloud Run passes it on; the demo function has no use for it.
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: instance.port,
        method: req.method,
        path: `/${rest.join('/')}${url.search}`,
        headers,
        agent: instance.agent,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    res.once('close', () => this.release(runtime, instance));
    upstream.on('error', (err) => reply(502, `upstream error: ${err.message}`));
    req.pipe(upstream);
  }

  private checkAuth(runtime: Runtime, header: string | undefined): { status: number; reason: string } | null {
    if (runtime.fn.allowUnauthenticated) return null;
    if (!header?.startsWith('Bearer ')) return { status: 401, reason: 'no bearer token' };
    const check = this.options.authority.verifyIdToken(header.slice(7));
    if (!check.ok) return { status: 401, reason: check.reason };
    const audience = check.claims.aud.replace(/\/+$/, '');
    if (audience !== runtime.fn.uri.replace(/\/+$/, '')) return { status: 401, reason: 'wrong audience' };
    runtime.stats.audiences.add(check.claims.aud);
    return null;
  }

  private acquire(runtime: Runtime): Promise<Instance> {
    const revision = runtime.fn.revision;
    if (runtime.current && runtime.current.revision === revision) return Promise.resolve(runtime.current);
    if (runtime.starting && runtime.startingRevision === revision) return runtime.starting;
    if (this.stopped) return Promise.reject(new Error('the emulator is stopping'));
    const fn = runtime.fn;
    runtime.stats.starts += 1;
    runtime.startingRevision = revision;
    const starting = startInstance({
      functionId: fn.id,
      revision,
      entryPoint: fn.entryPoint,
      source: fn.source,
      environment: { ...fn.config.environmentVariables },
      platformEnv: this.options.platformEnv,
      startTimeoutMs: this.options.startTimeoutMs,
    }).then(
      (instance) => {
        if (runtime.starting === starting) {
          runtime.starting = null;
          runtime.startingRevision = null;
        }
        runtime.stats.startUs.push(instance.startUs);
        this.alive.add(instance);
        instance.child.once('exit', () => {
          this.alive.delete(instance);
          if (runtime.current === instance) runtime.current = null;
          runtime.draining.delete(instance);
          instance.agent.destroy();
        });
        if (this.stopped) throw new Error('the emulator is stopping');
        if (runtime.current) this.drain(runtime, runtime.current);
        runtime.current = instance;
        return instance;
      },
      (err: unknown) => {
        if (runtime.starting === starting) {
          runtime.starting = null;
          runtime.startingRevision = null;
        }
        throw err;
      },
    );
    runtime.starting = starting;
    return starting;
  }

  private release(runtime: Runtime, instance: Instance): void {
    instance.inFlight -= 1;
    if (instance.inFlight > 0 || this.stopped) return;
    if (runtime.draining.has(instance)) {
      void stopInstance(instance);
      return;
    }
    clearTimeout(instance.idleTimer);
    instance.idleTimer = setTimeout(() => {
      if (instance.inFlight === 0) {
        if (runtime.current === instance) runtime.current = null;
        void stopInstance(instance);
      }
    }, runtime.fn.idleMs);
  }

  /** A new revision is live: the current instance takes no new requests and stops when idle. */
  private retire(functionId: string): void {
    const runtime = this.runtimes.get(functionId);
    if (runtime?.current) {
      const old = runtime.current;
      runtime.current = null;
      this.drain(runtime, old);
    }
  }

  private drain(runtime: Runtime, instance: Instance): void {
    runtime.draining.add(instance);
    clearTimeout(instance.idleTimer);
    if (instance.inFlight === 0) void stopInstance(instance);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Let instances being started finish starting (they register in `alive`), then stop them all.
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.starting?.catch(() => null)));
    for (const runtime of this.runtimes.values()) {
      runtime.current = null;
      runtime.draining.clear();
    }
    await Promise.all([...this.alive].map((instance) => stopInstance(instance)));
  }
}
