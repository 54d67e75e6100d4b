// Plain HTTP fixtures for tests: emulated services (real instance processes) and small servers
// with exactly known behaviour.
import http from 'node:http';
import type net from 'node:net';
import { startHttpService, type HttpService, type HttpServiceOptions } from '../../platforms/http-services.js';

export { startHttpService, type HttpService, type HttpServiceOptions };

/** Whether a process id is still alive (emulators must leave no process behind). */
export function processAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface FixtureServer {
  url: string;
  port: number;
  requests: number;
  close(): Promise<void>;
}

/** Listen on a random loopback port (tests talk only to 127.0.0.1); resolves with the port. */
export async function listenOnLoopback(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

/** A server whose handler is given by the test. */
export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void): Promise<FixtureServer> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    handler(req, res, requests);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A server with a known latency: every answer after `latencyMs`, plus `coldExtraMs` on the first
 * request after `/__cold` was called (a forced cold start), which also gets a new instance id.
 */
export async function startKnownLatencyServer(latencyMs: number, coldExtraMs: number): Promise<FixtureServer & { colds: number }> {
  let instance = 1;
  let coldPending = false;
  let colds = 0;
  const fixture = await startServer((req, res) => {
    if (req.url === '/__cold') {
      instance += 1;
      coldPending = true;
      colds += 1;
      res.end('ok');
      return;
    }
    const delay = latencyMs + (coldPending ? coldExtraMs : 0);
    coldPending = false;
    const id = `instance-${instance}`;
    setTimeout(() => {
      res.writeHead(200, { 'x-instance-id': id, 'content-type': 'text/plain' });
      res.end('hello');
    }, delay);
  });
  // defineProperty, not Object.assign: assign would copy the getter's value once.
  return Object.defineProperty(fixture, 'colds', { get: () => colds }) as FixtureServer & { colds: number };
}
