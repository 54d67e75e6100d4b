// The data plane of one Cloud Run service (a v2 function is one too): its own loopback origin
// (`http://127.0.0.1:<port>`, no path, as a run.app URL has none). Like Cloud Run it
// - checks the caller's ID token (signature, expiry, issuer) and its audience, which must be the
//   service URL's origin (a trailing slash allowed) or one of its custom audiences: an audience
//   with a path or query is refused with 401, whatever path the request itself has; a valid token
//   of a principal without run.routes.invoke (roles/run.invoker) is refused with 403;
// - serves the latest ready revision; an instance takes up to `maxInstanceRequestConcurrency`
//   requests at once, more instances start (up to the maximum) as requests need them, and requests
//   wait while none is free; idle instances stop after `idle`, down to `minInstanceCount`;
// - starts an instance when it deploys a revision (the revision is ready once that instance accepts
//   connections: the default TCP startup probe) and keeps it for `deploymentInstanceIdle`: the
//   first request after a deployment may land on it (docs/platforms.md, "the first request after a
//   new revision"); when the next revision takes the traffic, old instances drain and stop.
import http from 'node:http';
import { startInstance, stopInstance, type Instance } from './instances.js';
import { templateEnv, templateScaling, type ServiceRecord } from './run-model.js';
import type { TokenAuthority } from './tokens.js';

/** How long a request waits for a free instance when the maximum is reached (Cloud Run: 10 s, then 429). */
const QUEUE_TIMEOUT_MS = 10_000;

export interface ServiceStats {
  /** Every request that reached the service's URL (data-plane requests, refused ones included). */
  received: number;
  /** Requests that reached an instance. */
  served: number;
  /** Requests refused for a missing or invalid ID token, or a caller without run.routes.invoke. */
  rejected: number;
  /** Instances started for requests (cold starts). */
  starts: number;
  /** Instances started by deployments. */
  deploymentStarts: number;
  /** Requests served by an instance a deployment started. */
  servedByDeploymentInstance: number;
  /** Audiences of the accepted ID tokens. */
  audiences: Set<string>;
  /** Why requests were refused (distinct reasons). */
  rejections: Set<string>;
  /** Startup time of each instance, microseconds. */
  startUs: number[];
  /** Most instances alive at once (all revisions). */
  peakInstances: number;
}

interface Starting {
  revision: string;
  promise: Promise<Instance>;
  reserved: number;
}

export interface FrontOptions {
  authority: TokenAuthority;
  platformEnv: Record<string, string>;
  startTimeoutMs: number;
}

export class ServiceFront {
  readonly server: http.Server;
  readonly stats: ServiceStats = {
    received: 0,
    served: 0,
    rejected: 0,
    starts: 0,
    deploymentStarts: 0,
    servedByDeploymentInstance: 0,
    audiences: new Set(),
    rejections: new Set(),
    startUs: [],
    peakInstances: 0,
  };
  /** Every instance process not yet exited, whatever its revision. */
  private readonly alive = new Set<Instance>();
  private readonly draining = new Set<Instance>();
  private starting: Starting[] = [];
  private waiters: Array<{ take: (instance: Instance) => void }> = [];
  private stopped = false;

  constructor(
    private readonly service: ServiceRecord,
    private readonly options: FrontOptions,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`emulator error: ${(err as Error).message}\n`);
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Instance processes alive (serving, idle or draining). */
  get liveInstances(): number {
    return this.alive.size;
  }

  private template(revision = this.service.latestReady) {
    return this.service.revisions.get(revision)?.template ?? this.service.template;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(text + '\n');
    };
    this.stats.received += 1;
    const refusal = this.checkAuth(req.headers.authorization);
    if (refusal) {
      this.stats.rejected += 1;
      this.stats.rejections.add(refusal.reason);
      if (refusal.status === 403) return reply(403, `Error: Forbidden. Your client does not have permission to get URL ${req.url ?? '/'} from this server.`);
      return reply(401, `Error: Unauthorized. Your client does not have permission to get URL ${req.url ?? '/'} from this server (${refusal.reason}).`, {
        'www-authenticate': 'Bearer error="invalid_token" error_description="The access token could not be verified"',
      });
    }
    let instance: Instance;
    try {
      instance = await this.acquire();
    } catch (err) {
      const text = (err as Error).message;
      return reply(text.startsWith('429') ? 429 : 503, text);
    }
    if (res.destroyed) return this.release(instance); // the caller gave up while we waited
    this.stats.served += 1;
    if (instance.deployment) this.stats.servedByDeploymentInstance += 1;
    const headers = { ...req.headers };
    delete headers.authorization; // Cloud Run passes it on; the demo containers have no use for it.
    const upstream = http.request(
      { host: '127.0.0.1', port: instance.port, method: req.method, path: req.url ?? '/', headers, agent: instance.agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    res.once('close', () => this.release(instance));
    upstream.on('error', (err) => reply(502, `upstream error: ${err.message}`));
    req.pipe(upstream);
  }

  /** null when the call may go on, else why it is refused: 401 (no valid token for this service)
   *  or 403 (a valid token of a principal that may not invoke it). */
  private checkAuth(header: string | undefined): { status: 401 | 403; reason: string } | null {
    if (this.service.allowUnauthenticated) return null;
    const unauthorized = (reason: string) => ({ status: 401 as const, reason });
    if (!header?.startsWith('Bearer ')) return unauthorized('no bearer token');
    const check = this.options.authority.verifyIdToken(header.slice(7));
    if (!check.ok) return unauthorized(check.reason);
    const origin = new URL(this.service.uri).origin;
    const accepted = new Set([origin, `${origin}/`, ...this.service.customAudiences]);
    if (!accepted.has(check.claims.aud)) return unauthorized(`wrong audience ${check.claims.aud} (expected ${origin})`);
    if (!this.options.authority.grantsOf(check.claims.email).allows('run.routes.invoke')) return { status: 403, reason: `${check.claims.email} lacks run.routes.invoke` };
    this.stats.audiences.add(check.claims.aud);
    return null;
  }

  private ready(revision: string): Instance[] {
    return [...this.alive].filter((i) => i.revision === revision && !this.draining.has(i));
  }

  /** A slot on an instance of the serving revision: a free one, one being started, a new one, or a wait. */
  private acquire(): Promise<Instance> {
    if (this.stopped) return Promise.reject(new Error('the emulator is stopping'));
    const revision = this.service.latestReady;
    const { max, concurrency } = templateScaling(this.template(revision));
    const free = this.ready(revision).find((i) => i.inFlight < concurrency);
    if (free) return Promise.resolve(this.take(free));
    const pending = this.starting.find((s) => s.revision === revision && s.reserved < concurrency);
    if (pending) {
      pending.reserved += 1;
      return pending.promise.then((i) => this.take(i));
    }
    const count = this.ready(revision).length + this.starting.filter((s) => s.revision === revision).length;
    if (count < max) {
      this.stats.starts += 1;
      const started: Starting = { revision, promise: this.start(revision, false), reserved: 1 };
      this.starting.push(started);
      return started.promise.then((i) => this.take(i));
    }
    return new Promise<Instance>((resolve, reject) => {
      const waiter = { take: (i: Instance) => resolve(this.take(i)) };
      this.waiters.push(waiter);
      setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        reject(new Error(`429 Too Many Requests: no instance of ${revision} became available within ${QUEUE_TIMEOUT_MS / 1000} s (maxInstanceCount ${max})`));
      }, QUEUE_TIMEOUT_MS).unref();
    });
  }

  private take(instance: Instance): Instance {
    instance.inFlight += 1;
    clearTimeout(instance.idleTimer);
    return instance;
  }

  /** Start an instance of a revision; it joins `alive` once it accepts connections. */
  private start(revision: string, deployment: boolean): Promise<Instance> {
    const promise = startInstance(
      {
        serviceId: this.service.id,
        revision,
        runtime: this.service.runtime,
        environment: templateEnv(this.template(revision)),
        platformEnv: this.options.platformEnv,
        startTimeoutMs: this.options.startTimeoutMs,
      },
      deployment,
    ).then(
      (instance) => {
        this.starting = this.starting.filter((s) => s.promise !== promise);
        this.stats.startUs.push(instance.startUs);
        this.alive.add(instance);
        this.stats.peakInstances = Math.max(this.stats.peakInstances, this.alive.size);
        instance.child.once('exit', () => {
          this.alive.delete(instance);
          this.draining.delete(instance);
          instance.agent.destroy();
        });
        if (this.stopped) {
          void stopInstance(instance);
          throw new Error('the emulator is stopping');
        }
        return instance;
      },
      (err: unknown) => {
        this.starting = this.starting.filter((s) => s.promise !== promise);
        throw err;
      },
    );
    return promise;
  }

  private release(instance: Instance): void {
    instance.inFlight -= 1;
    if (instance.inFlight > 0 || this.stopped) return;
    if (this.draining.has(instance) || instance.revision !== this.service.latestReady) {
      this.drain(instance);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) return waiter.take(instance);
    this.idleLater(instance, this.service.idleMs);
  }

  /** Stop the instance after `ms` without a request, unless that would go below the minimum. */
  private idleLater(instance: Instance, ms: number): void {
    clearTimeout(instance.idleTimer);
    instance.idleTimer = setTimeout(() => {
      if (instance.inFlight > 0) return;
      const { min } = templateScaling(this.template(instance.revision));
      if (instance.revision === this.service.latestReady && this.ready(instance.revision).length <= min) return;
      this.draining.add(instance);
      void stopInstance(instance);
    }, ms);
    instance.idleTimer.unref();
  }

  private drain(instance: Instance): void {
    this.draining.add(instance);
    clearTimeout(instance.idleTimer);
    if (instance.inFlight === 0) void stopInstance(instance);
  }

  /** Deploy a revision: start its first instances (the startup check); resolves once they accept
   *  connections, rejects with the container's failure. `onReady` runs before traffic moves. */
  async rollOut(revision: string, onReady: () => void): Promise<void> {
    const { min } = templateScaling(this.template(revision));
    const count = Math.max(1, min);
    this.stats.deploymentStarts += count;
    const instances = await Promise.all(Array.from({ length: count }, () => this.start(revision, true)));
    onReady();
    this.switchTo(revision);
    for (const instance of instances) this.idleLater(instance, min > 0 ? this.service.idleMs : this.service.deploymentInstanceIdleMs);
  }

  /** Traffic moves to `revision` (already ready): instances of other revisions drain. */
  switchTo(revision: string): void {
    for (const instance of this.alive) if (instance.revision !== revision) this.drain(instance);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.starting.map((s) => s.promise.catch(() => null)));
    await Promise.all([...this.alive].map((instance) => stopInstance(instance)));
  }
}
