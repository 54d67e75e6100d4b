// Data-plane fronts: what a client reaches instead of the pods.
// - Deployment front (a Service behind an ingress): proxies to a ready pod, answers 503 while none is.
// - Knative activator: while the revision is at zero it scales it to one pod and *holds* the request
//   until that pod is ready (a cold request is slow, not refused); after `idleMs` without requests
//   it scales the revision back to zero.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cluster, DeploymentRecord, KnativeServiceRecord, PodRecord } from './cluster.js';

export interface Front {
  port: number;
  url: string;
  /** Requests received so far (the data plane). */
  readonly requests: number;
  close(): Promise<void>;
}

function proxy(pod: PodRecord, agent: http.Agent, req: http.IncomingMessage, res: http.ServerResponse, onDone: () => void): void {
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      onDone();
    }
  };
  const upstream = http.request(
    { host: '127.0.0.1', port: pod.port!, method: req.method, path: req.url, headers: req.headers, agent },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
      upstreamRes.on('end', finish);
      upstreamRes.on('error', finish);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream pod ${pod.name} failed: ${err.message}\n`);
    } else res.destroy();
    finish();
  });
  res.on('close', finish);
  req.pipe(upstream);
}

/** Listen on 127.0.0.1; `before` runs before the server closes (timers), `after` once it has (agents). */
function listen(server: http.Server, port: number, hooks: { before?: () => void; after?: () => void } = {}): Promise<Front> {
  let requests = 0;
  server.on('request', () => (requests += 1));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        port: actual,
        url: `http://127.0.0.1:${actual}/`,
        get requests() {
          return requests;
        },
        close: async () => {
          hooks.before?.();
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          hooks.after?.();
        },
      });
    });
  });
}

function unavailable(res: http.ServerResponse, message: string): void {
  res.writeHead(503, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(message) });
  res.end(message);
}

/** A Service for a Deployment: round-robin over ready pods; 503 "no healthy upstream" while none. */
export function startDeploymentFront(cluster: Cluster, deployment: DeploymentRecord, port: number): Promise<Front> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const server = http.createServer((req, res) => {
    const ready = cluster.readyPodsOf(deployment);
    if (ready.length === 0) {
      req.resume();
      unavailable(res, 'no healthy upstream\n');
      return;
    }
    const pod = ready[next++ % ready.length]!;
    proxy(pod, agent, req, res, () => undefined);
  });
  return listen(server, port, { after: () => agent.destroy() });
}

/** The Knative activator + autoscaler for one service (scale 0 <-> 1 pod). */
export function startActivator(cluster: Cluster, service: KnativeServiceRecord, port: number): Promise<Front> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let inFlight = 0;
  let idleTimer: NodeJS.Timeout | null = null;

  const armIdleTimer = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (inFlight === 0) cluster.setKnativeScale(service, 0);
    }, service.idleMs);
  };
  // The initial pod (initial-scale 1) goes away after the idle window like any other, also the
  // first pod of a new revision; but a new revision must reach its initial scale before it is
  // Ready, so its window starts only once its pod is ready (never while that pod starts).
  armIdleTimer();
  const onRevision = (changed: KnativeServiceRecord) => {
    if (changed !== service) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const revision = service.revisionName;
    void cluster.waitForReadyPod(service, service.holdTimeoutMs).then(() => {
      if (service.revisionName === revision && inFlight === 0) armIdleTimer();
    });
  };
  cluster.on('revision', onRevision);

  const server = http.createServer(async (req, res) => {
    inFlight += 1;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const release = () => {
      inFlight -= 1;
      if (inFlight === 0) armIdleTimer();
    };
    let pod: PodRecord | null | undefined = cluster.readyPodsOf(service)[0];
    if (!pod) {
      cluster.setKnativeScale(service, 1);
      pod = await cluster.waitForReadyPod(service, service.holdTimeoutMs);
    }
    if (!pod) {
      req.resume();
      unavailable(res, `activator: no pod of revision ${service.revisionName} became ready within ${service.holdTimeoutMs} ms\n`);
      release();
      return;
    }
    proxy(pod, agent, req, res, release);
  });
  return listen(server, port, {
    before: () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      cluster.off('revision', onRevision);
    },
    after: () => agent.destroy(),
  });
}

/** An ingress (Kourier, Istio...) in front of every Knative Service: routes by Host to the
 *  service's activator; a Host it does not know gets 404, as an ingress with no matching route does. */
export function startIngress(routes: Map<string, string>, port: number): Promise<Front> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const upstream = routes.get(host);
    if (!upstream) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 0, server: 'coldbench-ingress' });
      res.end();
      return;
    }
    const target = new URL(upstream);
    const forward = http.request(
      { host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (err) => {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end(`upstream connect error: ${err.message}\n`);
      }
    });
    req.pipe(forward);
  });
  return listen(server, port, { after: () => agent.destroy() });
}
