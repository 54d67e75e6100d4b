// Remote origins in tests: the Kubernetes and Lambda platforms run in the test process (so their
// state can be read: Jobs, pods and their logs, created functions and their invocations, roles),
// a target server that names a new instance per connection and tells when it has been called,
// and target files whose origins point at those platforms.
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import assert from 'node:assert/strict';
import { startLocalLambda, type LocalLambda } from '../../platforms/lambda/index.js';
import { listenOnLoopback } from './http.js';
import { startTestKube, type TestKube } from './kubernetes.js';

export interface OriginPlatforms {
  kube: TestKube;
  lambda: LocalLambda;
  close(): Promise<void>;
}

export async function startOriginPlatforms(): Promise<OriginPlatforms> {
  const kube = await startTestKube({ namespaces: ['coldbench'] });
  const lambda = await startLocalLambda({ port: 0, updateDuration: '150ms', createDelay: '200ms', roleVisibilityDelay: '300ms', functions: [{ name: 'hello', handler: 'hello.handler' }] });
  return {
    kube,
    lambda,
    close: async () => {
      await Promise.allSettled([kube.close(), lambda.stop()]);
    },
  };
}

/** `origins:` for a target file: a Job in namespace coldbench, a function with a role made for it. */
export function originsYaml(p: OriginPlatforms, which: ReadonlyArray<'cluster' | 'fn'> = ['cluster', 'fn']): string {
  const lines = ['origins:'];
  if (which.includes('cluster')) lines.push(`  - name: cluster`, `    kubernetes: { context: ${p.kube.context}, namespace: coldbench, image: coldbench/coldbench:local }`);
  if (which.includes('fn')) lines.push(`  - name: fn`, `    lambda: { region: ${p.lambda.region}, memory: 512, endpoint: ${p.lambda.endpoint}, iamEndpoint: ${p.lambda.endpoint} }`);
  return `${lines.join('\n')}\n`;
}

export interface TargetServer {
  url: string;
  requests: number;
  /** Authorization headers received, in order. */
  authorizations: string[];
  /** Resolves once `count` requests have arrived (an event, not a poll). */
  whenRequests(count: number): Promise<void>;
  /** From now on, hold each request until two are waiting at once (then answer both and stop
   *  holding) or `timeoutMs` passed; resolves true when two were waiting at once. */
  holdUntilConcurrent(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** A target whose every TCP connection is a new instance (x-instance-id), so each cold sample on a
 *  fresh connection is verified cold. */
export async function startTargetServer(): Promise<TargetServer> {
  const events = new EventEmitter();
  let requests = 0;
  let connections = 0;
  const ids = new WeakMap<object, string>();
  const authorizations: string[] = [];
  let held: Array<() => void> | null = null;
  const server = http.createServer((req, res) => {
    requests += 1;
    authorizations.push(req.headers.authorization ?? '');
    req.resume();
    const answer = () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-instance-id': ids.get(req.socket) ?? 'unknown' });
      res.end('hello');
    };
    if (held) {
      held.push(answer);
      events.emit('held', held.length);
    } else answer();
    events.emit('request', requests);
  });
  server.on('connection', (socket) => ids.set(socket, `connection-${++connections}`));
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    authorizations,
    async whenRequests(count) {
      while (requests < count) await once(events, 'request');
    },
    async holdUntilConcurrent(timeoutMs) {
      held = [];
      const release = () => {
        const waiting = held ?? [];
        held = null;
        for (const answer of waiting) answer();
      };
      const timer = setTimeout(() => events.emit('held', -1), timeoutMs);
      try {
        for (;;) {
          const [count] = (await once(events, 'held')) as [number];
          if (count < 0) return false;
          if (count >= 2) return true;
        }
      } finally {
        clearTimeout(timer);
        release();
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Nothing an origin created is left on either platform. */
export function assertNothingLeft(p: OriginPlatforms): void {
  assert.deepEqual([...p.kube.jobs.jobs.keys()], [], 'no Job left');
  assert.deepEqual([...p.kube.jobs.pods.keys()], [], 'no Job pod left');
  assert.deepEqual(p.kube.objects.all(), [], 'no ConfigMap, Secret, ServiceAccount, Role or RoleBinding left');
  assert.deepEqual([...p.lambda.functions.keys()], ['hello'], 'only the configured function is left');
  assert.deepEqual([...p.lambda.iam.roles.keys()], [], 'no role left');
}
